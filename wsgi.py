"""WSGI entry point for a server that loads an application object (after monkey patching)."""

from deliberate import asyncmode

asyncmode.patch()

from deliberate.app import create_app  # noqa: E402
from deliberate.database import upgrade  # noqa: E402

app = create_app()
upgrade(app)

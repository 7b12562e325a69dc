"""Where the templates, static files and translations live.

In a wheel they are copied inside the package (see ``pyproject.toml``); in a source checkout or an
editable install they stay at the top of the repository.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder ``name`` (templates, static, translations), installed or in the checkout."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name

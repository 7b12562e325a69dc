from functools import partial

import pytest
from reports.report_session import fill
from werkzeug.security import generate_password_hash


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch):
    """These tests create ten accounts each: a one-round hash keeps them fast (checking is unchanged)."""
    monkeypatch.setattr(
        "deliberate.accounts.services.generate_password_hash",
        partial(generate_password_hash, method="pbkdf2:sha256:1"),
    )


@pytest.fixture
def filled(app, demo_session, make_member):
    """The demo session with question 1 filled through the real services (see report_session)."""
    return fill(app, demo_session, make_member)

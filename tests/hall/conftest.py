"""Fixtures of the hall's tests: a filled session whose report version 1 (frozen in French) is approved."""

import pytest

from deliberate.extensions import db
from deliberate.sessions.models import PanelSession


@pytest.fixture
def published(filled, login):
    moderator, rapporteur = login(filled.people["mona"]), login(filled.people["rita"])
    answer = moderator.post(f"/api/v1/sessions/{filled.code}/versions", json={"lang": "fr"})
    assert answer.status_code == 201, answer.get_json()
    answer = rapporteur.post(
        f"/api/v1/sessions/{filled.code}/versions/1/decision", json={"decision": "approve"}
    )
    assert answer.status_code == 200, answer.get_json()
    return filled


@pytest.fixture
def publish_names(app, demo_session):
    """The organiser chose to publish attendees' names for the demo session."""
    with app.app_context():
        db.session.get(PanelSession, demo_session.id).publish_names = True
        db.session.commit()


@pytest.fixture
def member(app, make_user, demo_session):
    """``member("attendee", "fr")`` → a person of the demo session whose account speaks ``language``."""
    from deliberate.accounts.models import User
    from deliberate.sessions.services import grant

    def make(role: str = "attendee", language: str | None = None, name: str | None = None):
        person = make_user(name or role.capitalize(), language=language)
        with app.app_context():
            grant(db.session.get(PanelSession, demo_session.id), db.session.get(User, person.id), role, None)
            db.session.commit()
        return person

    return make

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

"""Fixtures of the opinion group tests: a room where two camps vote, through the room's services."""

from types import SimpleNamespace

import pytest
from opinions.test_compute import two_camps

from deliberate.accounts.models import User
from deliberate.extensions import db
from deliberate.rooms import services as room
from deliberate.sessions.models import PanelSession, Question


@pytest.fixture
def scheduler(app):
    """The opinion groups scheduler with a clock the test moves by hand."""
    scheduler = app.extensions["deliberate.opinions"]
    clock = SimpleNamespace(now=1000.0)
    scheduler.clock = lambda: clock.now
    scheduler.time = clock
    return scheduler


def cast(app, votes, users, contributions):
    """Each (person, contribution, value) as a vote through the room's service, one commit each."""
    with app.app_context():
        for person, contribution, value in votes:
            actor = db.session.get(User, users[person].id)
            target = room.vote_target(contributions[contribution])
            room.vote(actor, "attendee", target, value)
            db.session.commit()


@pytest.fixture
def camps(app, make_member, question):
    """Seven contributions and sixteen attendees in two camps (see test_compute.two_camps), voted."""
    moderator = make_member("moderator", name="Mona")
    votes = two_camps()
    people = sorted({p for p, _, _ in votes})
    users = {p: make_member("attendee", name=f"P{p}") for p in people}
    with app.app_context():
        actor = db.session.get(User, moderator.id)
        q = db.session.get(Question, question.id)
        contributions = {}
        for n in sorted({c for _, c, _ in votes}):
            contribution, _ = room.post(actor, "moderator", q, f"Contribution {n}", f"c{n}")
            contributions[n] = contribution.id
        db.session.commit()
    cast(app, votes, users, contributions)
    return SimpleNamespace(users=users, contributions=contributions, moderator=moderator, votes=votes)


def allow_attendees(app, session_id: int, allowed: bool = True) -> None:
    with app.app_context():
        db.session.get(PanelSession, session_id).attendees_see_opinion_groups = allowed
        db.session.commit()

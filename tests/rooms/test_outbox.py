"""The outbox sends a transaction's events once it commits, and only those of what it committed."""

import pytest
from sqlalchemy.exc import IntegrityError

from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.rooms.models import Contribution


def test_a_rolled_back_savepoint_drops_its_own_events_and_keeps_the_transactions(recorder):
    outbox.publish_to(["before"], "kept", {"n": 1})
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            outbox.publish_to(["inside"], "dropped", {"n": 2})
            db.session.add(Contribution(question_id=None, text="no question", language="en"))
    outbox.publish_to(["after"], "kept", {"n": 3})
    db.session.commit()

    assert [(event, payload["n"]) for event, payload, _to in recorder.sent] == [("kept", 1), ("kept", 3)]


def test_a_savepoint_rolled_back_by_hand_drops_its_own_events(recorder):
    outbox.publish_to(["before"], "kept", {"n": 1})
    savepoint = db.session.begin_nested()
    outbox.publish_to(["inside"], "dropped", {"n": 2})
    savepoint.rollback()
    db.session.commit()

    assert [(event, payload["n"]) for event, payload, _to in recorder.sent] == [("kept", 1)]


def test_a_released_savepoint_keeps_its_events_until_the_commit(recorder):
    with db.session.begin_nested():
        outbox.publish_to(["inside"], "kept", {"n": 1})
    assert recorder.sent == []  # released, not committed yet
    db.session.commit()

    assert [payload["n"] for payload in recorder.events("kept")] == [1]


def test_a_rolled_back_transaction_sends_nothing(recorder):
    db.session.execute(db.text("SELECT 1"))  # the transaction has begun
    outbox.publish_to(["before"], "dropped", {"n": 1})
    db.session.rollback()
    db.session.commit()

    assert recorder.sent == []


def test_a_job_queued_before_a_rolled_back_savepoint_still_runs(recorder, monkeypatch):
    from deliberate import jobs

    ran: list[str] = []
    monkeypatch.setattr(jobs.InlineBackend, "submit", lambda self, job_id: ran.append(job_id))
    kept = jobs.enqueue("deliberate.jobs.samples.count", 1)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            jobs.enqueue("deliberate.jobs.samples.count", 2)
            db.session.add(Contribution(question_id=None, text="no question", language="en"))
    db.session.commit()

    assert ran == [kept["id"]]

"""Recomputation in a job, coalesced while votes arrive, skipped when nothing changed."""

from opinions.conftest import cast

from deliberate.extensions import db
from deliberate.opinions import services
from deliberate.opinions.models import OpinionGroups
from deliberate.rooms import services as room
from deliberate.rooms.models import Contribution


def version(app, question_id):
    with app.app_context():
        row = db.session.get(OpinionGroups, question_id)
        return row.version if row else 0


def test_a_vote_burst_makes_one_recomputation(app, scheduler, camps, question):
    # 112 votes were cast (one commit each) before anything was flushed.
    assert scheduler.flush() == [question.id]
    assert scheduler.flush() == []

    assert scheduler.enqueued == 1
    assert version(app, question.id) == 1


def test_votes_within_the_interval_wait_for_the_next_turn(app, scheduler, camps, question):
    scheduler.flush()
    more = [(p, c, 0) for p, c, v in camps.votes if c == 7][:4]
    cast(app, more, camps.users, camps.contributions)

    scheduler.time.now += scheduler.interval / 2
    assert scheduler.flush() == []
    scheduler.time.now += scheduler.interval / 2
    assert scheduler.flush() == [question.id]
    assert scheduler.enqueued == 2
    assert version(app, question.id) == 2


def test_nothing_is_recomputed_when_no_vote_came(app, scheduler, camps, question):
    scheduler.flush()
    scheduler.time.now += 10 * scheduler.interval

    assert scheduler.flush() == []
    assert scheduler.enqueued == 1


def test_the_job_skips_the_work_when_the_votes_did_not_change(app, scheduler, camps, question):
    from deliberate.opinions.jobs import recompute

    scheduler.flush()
    with app.app_context():
        assert recompute(question.id)["recomputed"] is False
    assert version(app, question.id) == 1


def test_a_recomputation_is_pushed_to_the_room(app, scheduler, camps, question, joined):
    sock = joined(camps.moderator)
    scheduler.flush()

    pushed = [r["args"][0] for r in sock.get_received() if r["name"] == "opinion_groups"]
    assert pushed == [{"question_id": question.id, "version": 1}]


def test_hidden_contributions_are_left_out_of_the_groups(app, scheduler, camps, question):
    divisive = camps.contributions[2]
    with app.app_context():
        from deliberate.accounts.models import User

        moderator = db.session.get(User, camps.moderator.id)
        room.moderate(moderator, "moderator", db.session.get(Contribution, divisive), "hide")
        db.session.commit()
    scheduler.flush()

    with app.app_context():
        result = services.stored(question.id).result
    everywhere = result["consensus"] + result["divisive"] + list(result["counts"])
    everywhere += [r["contribution_id"] for g in result["groups"] for r in g["representative"]]
    assert divisive not in everywhere and str(divisive) not in everywhere
    assert divisive not in result["axes"]["ids"]
    assert result["k"] == 2

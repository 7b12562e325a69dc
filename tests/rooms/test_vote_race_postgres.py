"""Two votes by one person on one contribution at the same moment, on PostgreSQL.

The second vote must wait for the first and then see it: the counters on the contribution must always
equal what the votes table says, whatever the interleaving.
"""

import threading
import time

from conftest import make_config
from services import postgres_database  # noqa: F401  (fixture)
from sqlalchemy import text

from deliberate.app import create_app
from deliberate.database import upgrade
from deliberate.extensions import db


def test_a_vote_waiting_for_another_by_the_same_person_applies_on_top_of_it(tmp_path, postgres_database):  # noqa: F811
    from deliberate.accounts.services import create_user
    from deliberate.rooms import services as rooms
    from deliberate.sessions.demo import ensure_demo
    from deliberate.sessions.services import register

    app = create_app(make_config(tmp_path, postgres_database))
    upgrade(app)
    with app.app_context():
        session, _ = ensure_demo()
        voter = create_user("voter@example.org", "Voter", "password-1")
        register(voter, session)
        question = session.questions[0]
        contribution, _ = rooms.post(voter, "attendee", question, "Une idée", "c1")
        rooms.vote(voter, "attendee", rooms.vote_target(contribution.id), 1)
        db.session.commit()
        voter_id, contribution_id = voter.id, contribution.id

    def vote(
        value: int, voted: threading.Event | None = None, release: threading.Event | None = None
    ) -> None:
        with app.app_context():
            from deliberate.accounts.models import User

            actor = db.session.get(User, voter_id)
            rooms.vote(actor, "attendee", rooms.vote_target(contribution_id), value)
            if voted is not None:
                voted.set()  # holds the contribution's lock until released
                release.wait(30)
            db.session.commit()

    voted, release = threading.Event(), threading.Event()
    first = threading.Thread(target=vote, args=(-1, voted, release))
    second = threading.Thread(target=vote, args=(0,))
    first.start()
    assert voted.wait(30)
    second.start()
    with app.app_context():
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # until the second vote waits for the first one's lock
            waiting = db.session.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            )
            db.session.rollback()
            if waiting:
                break
            time.sleep(0.01)  # polling PostgreSQL's view of the other transaction, not a stand-in for it
        assert waiting, "the second vote never waited for the first"
    release.set()
    first.join(30)
    second.join(30)

    with app.app_context():
        counts = db.session.execute(
            text("SELECT agree, disagree FROM contributions WHERE id = :c"), {"c": contribution_id}
        ).one()
        votes = db.session.execute(
            text(
                "SELECT count(*) FILTER (WHERE value = 1), count(*) FILTER (WHERE value = -1) "
                "FROM votes WHERE contribution_id = :c"
            ),
            {"c": contribution_id},
        ).one()
        assert tuple(counts) == tuple(votes) == (0, 0)
        db.engine.dispose()

"""Group commit (deliberate/group_commit.py): votes queued together share one transaction, each is
answered only after that commit, and a vote that fails, refused or by the database, fails alone.

The leader's wait for its window is the test's gate here: it lasts until the whole batch is queued,
so the batch is the one the test made, whatever the machine's speed. Every vote through a socket in
the other tests goes through the group commit too (it is on by default)."""

import threading
import time

import pytest
from flask_sqlalchemy.session import Session
from helpers import post
from sqlalchemy import event

from deliberate.errors import DomainError
from deliberate.extensions import db, socketio
from deliberate.group_commit import GroupCommit
from deliberate.rooms import services
from deliberate.rooms.models import Vote


def gated_group(app, size: int) -> GroupCommit:
    """A group commit whose first window closes once ``size`` writes are queued."""
    opened = threading.Event()

    def window(seconds: float) -> None:
        if opened.is_set():
            return  # a retry's pause, or the window after the test's batch
        deadline = time.monotonic() + 10
        while group.queued() < size and time.monotonic() < deadline:
            time.sleep(0.001)  # polling the queue the callers fill from their threads
        opened.set()

    group = GroupCommit(app, socketio.start_background_task, window, threading.Event, window=0.002)
    return group


def voting(user_id: int, contribution_id: int, value: object):
    def work():
        target = services.vote_target(contribution_id)
        return services.vote(services.Voter(user_id), "attendee", target, value)

    return work


def run_together(group: GroupCommit, works: list) -> list:
    """Each work from a thread of its own, as each socket event has its own; their outcomes in order."""
    outcomes: list = [None] * len(works)

    def call(index: int) -> None:
        try:
            outcomes[index] = group.run(works[index])
        except Exception as error:  # noqa: BLE001 - the outcome the test looks at
            outcomes[index] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def stored(app, contribution_id: int) -> dict[int, int]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Vote.user_id, Vote.value).where(Vote.contribution_id == contribution_id)
        ).all()
        return dict(rows)


@pytest.fixture
def contribution_id(joined, make_member, question):
    author = joined(make_member(name="Author"))
    return post(author, question, "Un budget participatif pour chaque quartier", "c")["contribution"]["id"]


def test_votes_queued_together_share_one_transaction(app, make_member, contribution_id):
    voters = [make_member(name=f"V{i}").id for i in range(5)]
    group = gated_group(app, len(voters))

    outcomes = run_together(group, [voting(uid, contribution_id, 1) for uid in voters])

    assert (group.batches, group.commits) == (1, 1)
    # Each vote saw the ones before it in the same transaction: the counts go 1, 2, ... 5.
    assert sorted(outcomes) == [(n, 0) for n in range(1, 6)]
    assert stored(app, contribution_id) == dict.fromkeys(voters, 1)


def test_an_answer_waits_for_the_commit_of_its_batch(app, make_member, contribution_id):
    """While the batch's commit runs, no caller has its answer yet."""
    voters = [make_member(name=f"V{i}").id for i in range(3)]
    group = gated_group(app, len(voters))
    answers_at_commit: list[int] = []
    returned: list = []

    def committed(session) -> None:
        if not session.in_nested_transaction():
            answers_at_commit.append(len(returned))

    def call(uid: int) -> None:
        returned.append(group.run(voting(uid, contribution_id, -1)))

    event.listen(Session, "after_commit", committed)
    try:
        threads = [threading.Thread(target=call, args=(uid,)) for uid in voters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        event.remove(Session, "after_commit", committed)

    assert answers_at_commit == [0]
    assert sorted(returned) == [(0, 1), (0, 2), (0, 3)]


def test_refused_votes_in_a_batch_are_answered_their_refusal_and_the_others_are_stored(
    app, make_member, contribution_id
):
    first, bad_value, second = (make_member(name=name).id for name in ("First", "Bad", "Second"))
    group = gated_group(app, 3)

    outcomes = run_together(
        group,
        [
            voting(first, contribution_id, 1),
            voting(bad_value, contribution_id, 7),
            voting(second, contribution_id, -1),
        ],
    )

    assert isinstance(outcomes[1], DomainError) and outcomes[1].code == "invalid"
    assert sorted([outcomes[0], outcomes[2]]) == [(1, 0), (1, 1)]
    assert (group.batches, group.commits) == (1, 1)
    assert stored(app, contribution_id) == {first: 1, second: -1}


def test_a_vote_the_database_refuses_fails_alone_and_the_others_of_its_batch_are_stored(
    app, make_member, contribution_id
):
    first, second = make_member(name="First").id, make_member(name="Second").id
    group = gated_group(app, 3)

    def broken():
        # A statement the database refuses (NOT NULL): the batch's transaction is unusable after it.
        db.session.execute(db.insert(Vote).values(contribution_id=contribution_id, user_id=None, value=1))
        return "never"

    outcomes = run_together(
        group, [voting(first, contribution_id, 1), broken, voting(second, contribution_id, 1)]
    )

    assert "IntegrityError" in type(outcomes[1]).__name__
    assert sorted([outcomes[0], outcomes[2]]) == [(1, 0), (2, 0)]
    # One batch, rolled back; then each of its three on its own: two committed, the broken one not.
    assert (group.batches, group.commits) == (1, 2)
    assert stored(app, contribution_id) == {first: 1, second: 1}


def test_a_batch_of_one_the_database_refuses_is_answered_its_error_without_running_again(app):
    """A batch of one ran alone already: running it again would only double the wait for its answer
    (on an outage, every retry's pauses once more)."""
    group = gated_group(app, 1)
    runs: list[int] = []

    def broken():
        runs.append(1)
        db.session.execute(db.insert(Vote).values(contribution_id=None, user_id=None, value=1))
        return "never"

    (outcome,) = run_together(group, [broken])

    assert "IntegrityError" in type(outcome).__name__
    assert (runs, group.batches, group.commits) == ([1], 1, 0)


def test_a_vote_through_a_socket_goes_through_the_group_commit(app, joined, make_member, contribution_id):
    group = app.extensions["deliberate.group_commit"]
    before = group.commits
    voter = make_member()

    ack = joined(voter).emit("vote", {"contribution_id": contribution_id, "value": 1}, callback=True)

    assert (ack["ok"], ack["agree"], group.commits) == (True, 1, before + 1)
    assert stored(app, contribution_id) == {voter.id: 1}


@pytest.mark.parametrize("app_config", [{"GROUP_COMMIT_MS": 0}])
def test_no_window_no_group_commit(app, joined, make_member, contribution_id):
    assert "deliberate.group_commit" not in app.extensions
    voter = make_member()
    ack = joined(voter).emit("vote", {"contribution_id": contribution_id, "value": -1}, callback=True)
    assert (ack["ok"], ack["disagree"]) == (True, 1)
    assert stored(app, contribution_id) == {voter.id: -1}


def test_a_batch_runs_its_writes_in_their_order_so_that_batches_lock_rows_alike(app):
    """Two processes' batches that lock contributions in different orders deadlock on PostgreSQL."""
    group = gated_group(app, 3)
    ran: list[int] = []

    def writing(order: int):
        def work():
            ran.append(order)
            return order

        return work

    outcomes: list = []
    threads = [
        threading.Thread(target=lambda o=o: outcomes.append(group.run(writing(o), order=o)))
        for o in (30, 10, 20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert (ran, sorted(outcomes), group.batches) == ([10, 20, 30], [10, 20, 30], 1)


def test_a_refusal_is_said_in_the_language_its_caller_gave_and_the_batch_goes_on(
    app, make_member, contribution_id
):
    from babel import Locale

    voters = [make_member(name=f"V{i}").id for i in range(3)]
    group = gated_group(app, len(voters))
    outcomes: list = [None] * 3

    def call(index: int, value: int, language) -> None:
        try:
            outcomes[index] = group.run(voting(voters[index], contribution_id, value), language=language)
        except DomainError as error:
            outcomes[index] = error

    threads = [
        threading.Thread(target=call, args=(0, 7, Locale.parse("fr"))),
        threading.Thread(target=call, args=(1, 7, None)),
        threading.Thread(target=call, args=(2, 1, Locale.parse("es"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert group.batches == 1
    french, english, counts = outcomes
    assert french.code == english.code == "invalid"
    assert english.message.startswith("A vote must be")
    assert french.message != english.message and french.message.startswith("Un vote")
    assert counts == (1, 0)
    assert stored(app, contribution_id) == {voters[2]: 1}

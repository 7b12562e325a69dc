"""Coalescing of tallies and presence, driven deterministically and through real sockets."""

import threading
import time

import pytest
from helpers import events, post

from deliberate.realtime.broadcaster import Broadcaster, MemoryStore
from deliberate.realtime.publisher import RecordingPublisher


def make_broadcaster(counts):
    publisher = RecordingPublisher()
    broadcaster = Broadcaster(MemoryStore(), publisher, lambda qid, ids: {i: counts[i] for i in ids}, 0.25)
    return broadcaster, publisher


def test_many_marks_between_flushes_become_one_tally_per_room_with_only_what_changed():
    counts = {1: (5, 2), 2: (0, 1), 3: (9, 9)}
    broadcaster, publisher = make_broadcaster(counts)
    for _ in range(500):
        broadcaster.mark_tallies(10, [1])
    broadcaster.mark_tallies(10, [2])
    broadcaster.flush()
    assert publisher.events("tally") == [{"question_id": 10, "counts": {"1": [5, 2], "2": [0, 1]}}]


def test_a_flush_with_nothing_new_sends_nothing():
    broadcaster, publisher = make_broadcaster({})
    broadcaster.flush()
    assert publisher.sent == []


def test_each_room_gets_its_own_tally():
    broadcaster, publisher = make_broadcaster({1: (1, 0), 2: (0, 1)})
    broadcaster.mark_tallies(10, [1])
    broadcaster.mark_tallies(11, [2])
    broadcaster.flush()
    assert sorted(p["question_id"] for p in publisher.events("tally")) == [10, 11]


class FakeClock:
    """Stands in for socketio.sleep: advances time instead of waiting, and stops the loop."""

    def __init__(self, broadcaster, until):
        self.now, self.until, self.broadcaster = 0.0, until, broadcaster

    def sleep(self, seconds):
        self.now += seconds
        self.broadcaster.mark_tallies(10, [1])  # votes never stop arriving
        if self.now > self.until:
            raise StopIteration


def test_the_loop_sends_at_most_four_tallies_per_second_per_room_under_constant_votes():
    broadcaster, publisher = make_broadcaster({1: (1, 0)})
    clock = FakeClock(broadcaster, until=10)
    try:
        broadcaster._run(clock)
    except StopIteration:
        pass
    assert 36 <= len(publisher.events("tally")) <= 40  # 10 simulated seconds at 4 per second


def test_counts_that_cannot_be_read_are_sent_at_the_next_flush():
    """The database went between taking a room's marks and reading its counts (terminated connections,
    a restart): the marks go back, and the next flush sends the tally; the other rooms go out at once."""
    counts = {1: (1, 0), 2: (0, 1)}
    down = {10}

    def read_counts(question_id, ids):
        if question_id in down:
            raise ConnectionError("server closed the connection unexpectedly")
        return {i: counts[i] for i in ids}

    publisher = RecordingPublisher()
    broadcaster = Broadcaster(MemoryStore(), publisher, read_counts, 0.25)
    broadcaster.mark_tallies(10, [1])
    broadcaster.mark_tallies(11, [2])

    with pytest.raises(ConnectionError):
        broadcaster.flush()
    sent_while_down = publisher.events("tally")
    down.clear()
    broadcaster.flush()

    assert sent_while_down == [{"question_id": 11, "counts": {"2": [0, 1]}}]
    assert publisher.events("tally")[1:] == [{"question_id": 10, "counts": {"1": [1, 0]}}]


class Threads:
    """socketio's sleep, for a loop run in a plain thread."""

    sleep = staticmethod(time.sleep)


def test_a_stopping_broadcaster_finishes_its_flush_and_sends_what_is_left():
    """A draining process stops its loop before it exits: the flush under way (whose marks are already
    out of the store) ends and is sent, then what was marked meanwhile, and the loop is over."""
    reading, release = threading.Event(), threading.Event()
    counts = {1: (1, 0), 2: (0, 1)}

    def read_counts(question_id, ids):
        if 1 in ids:
            reading.set()
            assert release.wait(10)
        return {i: counts[i] for i in ids}

    publisher = RecordingPublisher()
    broadcaster = Broadcaster(MemoryStore(), publisher, read_counts, 0.01)
    broadcaster.mark_tallies(10, [1])
    loop = threading.Thread(target=broadcaster._run, args=(Threads,))
    loop.start()
    assert reading.wait(10)  # the loop took contribution 1's mark and is reading its counts
    broadcaster.mark_tallies(10, [2])  # a vote meanwhile
    stopping = threading.Thread(target=broadcaster.stop, args=(Threads,))
    stopping.start()
    release.set()
    stopping.join(10)
    loop.join(10)

    assert not stopping.is_alive() and not loop.is_alive()
    assert publisher.events("tally") == [
        {"question_id": 10, "counts": {"1": [1, 0]}},
        {"question_id": 10, "counts": {"2": [0, 1]}},
    ]


def test_presence_counts_joins_and_leaves():
    broadcaster, publisher = make_broadcaster({})
    broadcaster.joined(10, "a", 1)
    broadcaster.joined(10, "b", 2)
    broadcaster.joined(10, "c", 2)  # person 2's second page: still two people
    broadcaster.flush()
    broadcaster.left(10, "a")
    broadcaster.flush()
    broadcaster.left(10, "b")
    broadcaster.flush()
    assert publisher.events("presence") == [
        {"question_id": 10, "count": 2},
        {"question_id": 10, "count": 1},
        {"question_id": 10, "count": 1},
    ]


def wait_for(condition, timeout=10.0):
    """Poll a condition until it holds or the deadline passes (the broadcaster runs in its own thread)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_burst_of_votes_reaches_a_watcher_in_few_tallies_with_exact_final_counts(
    joined, make_member, question
):
    author = joined(make_member(name="Author"))
    cid = post(author, question, "À voter", "c")["contribution"]["id"]
    watcher = joined(make_member(name="Watcher"))
    voters = [joined(make_member(name=f"V{i}")) for i in range(12)]
    started = time.monotonic()
    for round_ in range(5):
        for i, voter in enumerate(voters):
            voter.emit(
                "vote", {"contribution_id": cid, "value": 1 if (i + round_) % 2 else -1}, callback=True
            )
    final = voters[-1].emit("vote", {"contribution_id": cid, "value": 1}, callback=True)
    expected = [final["agree"], final["disagree"]]
    tallies = []
    assert wait_for(
        lambda: (
            tallies.extend(events(watcher, "tally"))
            or (tallies and tallies[-1]["counts"].get(str(cid)) == expected)
        )
    )
    elapsed = time.monotonic() - started
    assert len(tallies) <= 4 * elapsed + 1
    assert sum(expected) == 12


def test_presence_reaches_the_room_when_people_join_and_leave(joined, make_member, question):
    watcher = joined(make_member(name="Watcher"))
    other = joined(make_member(name="Other"))
    counts = []
    assert wait_for(lambda: counts.extend(p["count"] for p in events(watcher, "presence")) or 2 in counts)
    other.disconnect()
    assert wait_for(lambda: counts.extend(p["count"] for p in events(watcher, "presence")) or counts[-1] == 1)


def test_the_join_ack_carries_the_presence_count(connect, joined, make_member, question):
    joined(make_member(name="First"))
    ack = connect(make_member(name="Second")).emit("join", {"question_id": question.id}, callback=True)
    assert ack["state"]["presence"] == 2


@pytest.mark.parametrize("moment", ["reading the room", "counting the socket"])
def test_a_socket_that_goes_while_it_joins_is_not_counted(
    app, connect, joined, make_member, question, monkeypatch, moment
):
    """A join reads the room's state, then counts the socket (Redis writes that yield to the event
    loop); a socket whose disconnect is handled in between stays out of presence for good: else its
    process would vouch for it, and the room count it, until the process ended."""
    from deliberate.rooms import services

    joined(make_member(name="Watcher"))
    leaving = connect(make_member(name="Leaving"))
    broadcaster = app.extensions["deliberate.broadcaster"]
    owner, name = (services, "room_state") if moment == "reading the room" else (broadcaster, "joined")
    step = getattr(owner, name)

    def step_then_lose_the_socket(*args, **kwargs):
        done = step(*args, **kwargs)
        leaving.disconnect()  # the disconnect handler runs here, in the middle of the join
        return done

    monkeypatch.setattr(owner, name, step_then_lose_the_socket)
    leaving.emit("join", {"question_id": question.id}, callback=True)

    assert broadcaster.presence(question.id) == 1
    assert not app.extensions["deliberate.connections"].is_open(leaving.eio_sid)


def test_tallies_of_hidden_contributions_reach_only_the_staff():
    publisher = RecordingPublisher()
    counts = {1: (3, 1, False), 2: (5, 0, True)}
    broadcaster = Broadcaster(MemoryStore(), publisher, lambda qid, ids: {i: counts[i] for i in ids}, 0.25)
    broadcaster.mark_tallies(10, [1, 2])
    broadcaster.flush()
    sent = {tuple(to): payload["counts"] for event, payload, to in publisher.sent if event == "tally"}
    assert sent == {
        ("q10:staff", "q10:staff:batches"): {"1": [3, 1], "2": [5, 0]},
        ("q10:public", "q10:public:batches"): {"1": [3, 1]},
    }

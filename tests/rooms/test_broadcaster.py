"""Coalescing of tallies and presence, driven deterministically and through real sockets."""

import time

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


def test_presence_counts_joins_and_leaves():
    broadcaster, publisher = make_broadcaster({})
    broadcaster.joined(10, "a")
    broadcaster.joined(10, "b")
    broadcaster.left(10, "a")
    broadcaster.flush()
    assert publisher.events("presence") == [{"question_id": 10, "count": 1}]


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


def test_tallies_of_hidden_contributions_reach_only_the_staff():
    publisher = RecordingPublisher()
    counts = {1: (3, 1, False), 2: (5, 0, True)}
    broadcaster = Broadcaster(MemoryStore(), publisher, lambda qid, ids: {i: counts[i] for i in ids}, 0.25)
    broadcaster.mark_tallies(10, [1, 2])
    broadcaster.flush()
    sent = {tuple(to): payload["counts"] for event, payload, to in publisher.sent if event == "tally"}
    assert sent == {("q10:staff",): {"1": [3, 1], "2": [5, 0]}, ("q10:public",): {"1": [3, 1]}}

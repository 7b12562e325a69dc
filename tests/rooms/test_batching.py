"""Coalesced delivery of contributions: a busy room's batch sockets get one frame per interval.

Driven deterministically: the batcher on its own with a fake clock, and through real sockets with a
broadcast interval so long that only the test flushes (the broadcaster's loop never does in time).
"""

import pytest
from helpers import events, post

from deliberate.realtime.batching import ContributionBatcher
from deliberate.realtime.publisher import RecordingPublisher


@pytest.fixture
def database_backend():
    return "sqlite"  # batching happens after the commit, the database makes no difference


@pytest.fixture
def app_config():
    return {"BATCH_POSTS_PER_S": 3, "BATCH_INTERVAL_MS": 0, "BROADCAST_INTERVAL_MS": 3_600_000}


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def make(threshold=3, interval=0.0):
    publisher, clock = RecordingPublisher(), Clock()
    return ContributionBatcher(publisher, threshold, clock=clock, interval=interval), publisher, clock


def view(cid):
    return {"id": cid, "question_id": 7, "text": f"c{cid}"}


def test_a_quiet_room_gets_each_contribution_at_once_in_one_emit_to_every_socket():
    batcher, publisher, clock = make(threshold=3)
    for cid in (1, 2, 3):
        batcher.send(7, view(cid))
        clock.now += 0.1
    assert publisher.sent == [
        ("contribution", view(cid), ["q7:public", "q7:public:batches", "q7:staff", "q7:staff:batches"])
        for cid in (1, 2, 3)
    ]
    assert batcher.flush() == 0


def test_above_the_threshold_batch_sockets_wait_for_one_frame_and_the_others_still_get_each_at_once():
    batcher, publisher, clock = make(threshold=3)
    for cid in range(1, 9):
        batcher.send(7, view(cid))
        clock.now += 0.05
    singles = [(payload["id"], to) for event, payload, to in publisher.sent if event == "contribution"]
    assert [cid for cid, _ in singles] == list(range(1, 9))
    assert all(to == ["q7:public", "q7:staff"] for cid, to in singles[3:])  # 4th on: queued for batches
    assert batcher.flush() == 1
    (batch,) = [(payload, to) for event, payload, to in publisher.sent if event == "contributions"]
    assert batch == (
        {"question_id": 7, "contributions": [view(cid) for cid in range(4, 9)]},
        ["q7:public:batches", "q7:staff:batches"],
    )


def test_once_the_rate_falls_below_the_threshold_posts_go_out_at_once_again():
    batcher, publisher, clock = make(threshold=3)
    for cid in range(1, 6):
        batcher.send(7, view(cid))
    batcher.flush()
    clock.now += 1.5  # the window has passed
    publisher.sent.clear()
    batcher.send(7, view(6))
    assert publisher.sent == [
        ("contribution", view(6), ["q7:public", "q7:public:batches", "q7:staff", "q7:staff:batches"])
    ]


def test_while_a_room_has_a_queue_even_a_slow_contribution_joins_it_so_nothing_overtakes_it():
    batcher, publisher, clock = make(threshold=1)
    batcher.send(7, view(1))
    batcher.send(7, view(2))  # queued
    clock.now += 5  # quiet now, but view 2 has not left yet
    batcher.send(7, view(3))
    batcher.flush()
    (batch,) = publisher.events("contributions")
    assert [c["id"] for c in batch["contributions"]] == [2, 3]


def test_another_event_to_the_room_sends_the_queue_first():
    batcher, publisher, _ = make(threshold=1)
    batcher.send(7, view(1))
    batcher.send(7, view(2))
    batcher.before(8)  # another room: nothing to send
    assert publisher.events("contributions") == []
    batcher.before(7)
    assert [c["id"] for c in publisher.events("contributions")[0]["contributions"]] == [2]
    assert batcher.flush() == 0


def test_hidden_contributions_in_a_batch_reach_each_audience_as_it_may_see_them():
    batcher, publisher, _ = make(threshold=1)
    batcher.send(7, view(1))
    batcher.send(7, view(2))
    batcher.send(7, {"id": 2, "hidden": True, "text": "secret"}, audience="staff")
    batcher.send(7, {"id": 2, "question_id": 7, "hidden": True}, audience="public")
    batcher.flush()
    frames = {tuple(to): p["contributions"] for e, p, to in publisher.sent if e == "contributions"}
    assert frames == {
        ("q7:public:batches",): [view(2), {"id": 2, "question_id": 7, "hidden": True}],
        ("q7:staff:batches",): [view(2), {"id": 2, "hidden": True, "text": "secret"}],
    }


def test_a_room_gets_at_most_one_batch_per_interval():
    batcher, publisher, clock = make(threshold=1, interval=0.5)
    times = []
    for tick in range(8):  # the broadcaster's ticks, every 250 ms, five posts between two ticks
        for n in range(5):
            batcher.send(7, view(tick * 5 + n))
        clock.now += 0.25
        if batcher.flush():
            times.append(clock.now)
    clock.now += 0.5
    batcher.flush()
    assert all(later - earlier >= 0.5 for earlier, later in zip(times, times[1:], strict=False))
    assert len(times) == 4  # 2 s of ticks: one batch every other tick
    batched = [c["id"] for p in publisher.events("contributions") for c in p["contributions"]]
    assert batched == list(range(1, 40))  # the first post went out on its own; nothing lost, in order


def test_a_tally_sends_the_queue_first_only_when_it_counts_a_queued_contribution():
    batcher, publisher, _ = make(threshold=1, interval=10)
    batcher.send(7, view(1))
    batcher.send(7, view(2))  # queued
    batcher.before(7, {1})
    assert publisher.events("contributions") == []
    batcher.before(7, {2})
    assert [c["id"] for c in publisher.events("contributions")[0]["contributions"]] == [2]


def test_a_threshold_of_zero_never_batches():
    batcher, publisher, _ = make(threshold=0)
    for cid in range(100):
        batcher.send(7, view(cid))
    assert batcher.flush() == 0
    assert len(publisher.events("contribution")) == 100


# --- through real sockets ---------------------------------------------------------------------------


@pytest.fixture
def batch_joined(connect, question):
    def join(user, batches=True):
        sock = connect(user)
        ack = sock.emit("join", {"question_id": question.id, "batches": batches}, callback=True)
        assert ack["ok"], ack
        sock.get_received()
        return sock

    return join


def received_ids(sock, records=None):
    """Every contribution id the socket received, singles and batches, in arrival order."""
    ids = []
    for record in sock.get_received() if records is None else records:
        if record["name"] == "contribution":
            ids.append(record["args"][0]["id"])
        elif record["name"] == "contributions":
            ids.extend(c["id"] for c in record["args"][0]["contributions"])
    return ids


def flush(app):
    app.extensions["deliberate.broadcaster"].flush()


def test_a_burst_reaches_a_batch_socket_in_order_once_each_and_a_plain_socket_one_by_one(
    app, batch_joined, make_member, question
):
    author = batch_joined(make_member(name="Author"))
    watcher = batch_joined(make_member(name="Watcher"))
    plain = batch_joined(make_member(name="Plain"), batches=False)
    posted = [post(author, question, f"Idée {n}", f"b{n}")["contribution"]["id"] for n in range(10)]
    flush(app)
    records = watcher.get_received()
    assert [r["name"] for r in records].count("contributions") == 1
    assert received_ids(watcher, records) == posted
    records = plain.get_received()
    assert "contributions" not in [r["name"] for r in records]
    assert received_ids(plain, records) == posted
    # The author's socket gets the batch too; with its acks, each of its posts is matched once by id.
    assert received_ids(author) == posted


def test_a_socket_that_reconnects_between_two_batches_misses_nothing(
    app, batch_joined, connect, make_member, question
):
    author = batch_joined(make_member(name="Author"))
    person = make_member(name="Watcher")
    watcher = batch_joined(person)
    posted = [post(author, question, f"Avant {n}", f"r{n}")["contribution"]["id"] for n in range(6)]
    flush(app)
    seen = set(received_ids(watcher))
    posted += [post(author, question, f"Pendant {n}", f"s{n}")["contribution"]["id"] for n in range(3)]
    watcher.disconnect()  # these three were queued for the next batch, which this socket will not get
    again = connect(person)
    state = again.emit("join", {"question_id": question.id, "batches": True}, callback=True)["state"]
    seen |= {c["id"] for c in state["contributions"]}
    posted += [post(author, question, f"Après {n}", f"t{n}")["contribution"]["id"] for n in range(3)]
    flush(app)
    seen |= set(received_ids(again))
    assert set(posted) <= seen


def test_a_tally_never_reaches_a_batch_socket_before_the_contribution_it_counts(
    app, batch_joined, make_member, question
):
    author = batch_joined(make_member(name="Author"))
    watcher = batch_joined(make_member(name="Watcher"))
    ids = [post(author, question, f"Vite {n}", f"v{n}")["contribution"]["id"] for n in range(6)]
    ack = author.emit("vote", {"contribution_id": ids[-1], "value": 1}, callback=True)
    assert ack["ok"]
    flush(app)
    names = [r["name"] for r in watcher.get_received()]
    assert names.index("contributions") < names.index("tally")


def test_an_event_published_to_a_busy_room_follows_its_queued_contributions(
    app, batch_joined, make_member, question
):
    moderator = batch_joined(make_member(role="moderator", name="Mod"))
    watcher = batch_joined(make_member(name="Watcher"))
    ids = [post(moderator, question, f"Mod {n}", f"m{n}")["contribution"]["id"] for n in range(6)]
    hidden = moderator.emit("moderate", {"contribution_id": ids[-1], "action": "hide"}, callback=True)
    assert hidden["ok"], hidden
    records = watcher.get_received()  # no flush: the hide itself went through the batcher's queue
    assert [r["name"] for r in records].count("contributions") == 0
    flush(app)
    (batch,) = events(watcher, "contributions")
    last = [c for c in batch["contributions"] if c["id"] == ids[-1]]
    assert [c.get("hidden", False) for c in last] == [False, True]  # the post, then its hiding

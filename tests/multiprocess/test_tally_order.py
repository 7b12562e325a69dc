"""Two broadcasters sharing one Redis, as two processes do: the last tally a room hears is the true one.

A process reads the counts of a room, then emits them; if it stalls in between (a busy event loop, a
slow database) for longer than the interval, another process must not read newer counts and emit
them first, or the room would end on the stale ones, and nothing would correct them.
"""

import threading
import time
from collections.abc import Iterator

import pytest
import redis
from services import redis_url

from deliberate.realtime.broadcaster import Broadcaster, RedisStore
from deliberate.realtime.publisher import RecordingPublisher

REDIS_DB = 12
INTERVAL = 0.05
QUESTION, CONTRIBUTION = 7, 70


@pytest.fixture
def queue() -> Iterator[str]:
    url = redis_url(REDIS_DB)
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def test_a_process_stalled_between_reading_and_sending_a_tally_is_not_overtaken(queue):
    database = {CONTRIBUTION: (1, 0)}
    sent = RecordingPublisher()  # Redis delivers in publication order: one list stands for the room
    stalled, resume = threading.Event(), threading.Event()

    def read_and_stall(question_id, ids):
        counts = {cid: database[cid] for cid in ids}
        stalled.set()
        assert resume.wait(10), "the test never resumed the stalled process"
        return counts

    slow = Broadcaster(RedisStore(queue), sent, read_and_stall, INTERVAL)
    fast = Broadcaster(RedisStore(queue), sent, lambda qid, ids: {c: database[c] for c in ids}, INTERVAL)
    slow.mark_tallies(QUESTION, [CONTRIBUTION])
    flushing = threading.Thread(target=slow.flush)
    flushing.start()
    assert stalled.wait(10)
    database[CONTRIBUTION] = (2, 0)  # a vote commits while the slow process holds the old counts
    fast.mark_tallies(QUESTION, [CONTRIBUTION])

    # However long the slow process stalls (here: until three intervals have passed on the clock,
    # however slowly this machine runs the loop), the fast one never gets to send...
    pace = threading.Event()  # never set: only paces the attempts
    stalled_since = time.monotonic()
    attempts = 0
    while time.monotonic() - stalled_since < 3 * INTERVAL or attempts < 3:
        assert not fast.flush(), "a process sent a tally while another was between reading and sending"
        attempts += 1
        pace.wait(INTERVAL / 5)
    resume.set()
    flushing.join(10)
    # ...and, once the slow one has sent, the fast one gets its turn (the lock lasts an interval at most).
    deadline = time.monotonic() + 10
    while not fast.flush():
        assert time.monotonic() < deadline, "the fast process never got its turn"
        pace.wait(INTERVAL / 5)

    tallies = [payload["counts"][str(CONTRIBUTION)] for payload in sent.events("tally")]
    assert tallies[-1] == [2, 0], tallies


def test_the_marks_a_process_took_are_sent_by_another_when_it_dies_before_sending_them(queue):
    sent = RecordingPublisher()
    dying = RedisStore(queue)
    dying.hold_limit = 0.2  # its lock lapses soon after it is gone
    survivor = Broadcaster(RedisStore(queue), sent, lambda qid, ids: {c: (4, 1) for c in ids}, INTERVAL)
    dying.mark(QUESTION, [CONTRIBUTION])

    tallies, _presence = dying.take(INTERVAL)  # then killed: it never reads, sends or calls sent()
    assert tallies == {QUESTION: {CONTRIBUTION}}

    pace = threading.Event()  # never set: only paces the attempts
    deadline = time.monotonic() + 10
    while not survivor.flush():
        assert time.monotonic() < deadline, "the marks the dead process took were never sent"
        pace.wait(INTERVAL / 5)
    assert [payload["counts"] for payload in sent.events("tally")] == [{str(CONTRIBUTION): [4, 1]}]


def test_marks_taken_and_sent_are_not_sent_again(queue):
    sent = RecordingPublisher()
    one = Broadcaster(RedisStore(queue), sent, lambda qid, ids: {c: (1, 0) for c in ids}, INTERVAL)
    other = Broadcaster(RedisStore(queue), sent, lambda qid, ids: {c: (1, 0) for c in ids}, INTERVAL)
    one.mark_tallies(QUESTION, [CONTRIBUTION])
    assert one.flush() == 1

    pace = threading.Event()
    started = time.monotonic()
    while time.monotonic() - started < 4 * INTERVAL:
        assert not other.flush(), "a tally already sent went out again"
        pace.wait(INTERVAL / 5)

"""Coalesced recomputation: however many votes arrive, a question's groups are recomputed at most once
per ``interval`` and only after something changed.

A vote (or a hide, a restore) marks its question once committed. A loop, started on the first mark,
takes every ``interval / 4`` the marked questions whose last recomputation is at least ``interval``
old and enqueues one job for each (``deliberate.opinions.jobs.recompute``); a question marked again
meanwhile waits for the next turn. The job itself skips the work when the votes did not change.

The marks live in memory for one process, in Redis when several processes share rooms (then a
``SET NX PX`` per question makes one process, once per interval, enqueue it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

from deliberate.realtime.once import StartOnce

JOB = "deliberate.opinions.jobs.recompute"


class MemoryMarks:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: set[int] = set()
        self._last: dict[int, float] = {}

    def mark(self, question_id: int) -> None:
        with self._lock:
            self._dirty.add(question_id)

    def due(self, now: float, interval: float) -> list[int]:
        with self._lock:
            ready = [q for q in self._dirty if now - self._last.get(q, -interval) >= interval]
            for q in ready:
                self._dirty.discard(q)
                self._last[q] = now
        return sorted(ready)


class RedisMarks:
    def __init__(self, url: str, prefix: str = "deliberate") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix

    def mark(self, question_id: int) -> None:
        self.redis.sadd(f"{self.prefix}:opinions-dirty", question_id)

    def due(self, now: float, interval: float) -> list[int]:
        ready = []
        for raw in self.redis.smembers(f"{self.prefix}:opinions-dirty"):
            qid = int(raw)
            # Held for the interval: no process enqueues this question again before it lapses.
            if self.redis.set(
                f"{self.prefix}:opinions-due:{qid}", 1, nx=True, px=max(int(interval * 1000), 1)
            ):
                # A mark that lands after this is still seen: the job reads the votes later still.
                self.redis.srem(f"{self.prefix}:opinions-dirty", qid)
                ready.append(qid)
        return sorted(ready)


class Scheduler:
    def __init__(
        self, marks, enqueue: Callable[[Iterable[int]], None], interval: float, clock=time.monotonic
    ):
        self.marks = marks
        self.enqueue = enqueue
        self.interval = interval
        self.clock = clock
        self.enqueued = 0
        self._start = StartOnce()

    def mark(self, question_id: int) -> None:
        self.marks.mark(question_id)

    def flush(self) -> list[int]:
        """Enqueue the recomputations that are due now; returns their question ids."""
        due = self.marks.due(self.clock(), self.interval)
        if due:
            self.enqueue(due)
            self.enqueued += len(due)
        return due

    def start(self, socketio) -> None:
        self._start(socketio, self._run)

    def _run(self, socketio) -> None:
        while True:
            socketio.sleep(self.interval / 4)
            try:
                self.flush()
            except Exception:  # a database or Redis hiccup must not end the loop for good
                logging.getLogger(__name__).exception("opinion groups scheduling failed")


def init_app(app) -> None:
    from deliberate import jobs
    from deliberate.extensions import db

    queue = app.config.get("MESSAGE_QUEUE")
    marks = RedisMarks(queue) if queue else MemoryMarks()

    def enqueue(question_ids: Iterable[int]) -> None:
        with app.app_context():
            try:
                for qid in question_ids:
                    jobs.enqueue(JOB, qid, key=f"opinions:{qid}", fresh=True)
                db.session.commit()  # the jobs leave after a commit, as everywhere else
            finally:
                db.session.remove()

    interval = app.config.get("OPINION_GROUPS_INTERVAL_MS", 3000) / 1000
    app.extensions["deliberate.opinions"] = Scheduler(marks, enqueue, interval)


def changed(question_id: int) -> None:
    """Call inside a service: once the transaction commits, the question is due for recomputation."""
    from flask import current_app

    from deliberate.extensions import socketio
    from deliberate.realtime import outbox

    app = current_app._get_current_object()
    scheduler: Scheduler = app.extensions["deliberate.opinions"]

    def mark() -> None:
        scheduler.mark(question_id)
        if app.config.get("OPINION_GROUPS_LOOP", True):
            scheduler.start(socketio)

    outbox.after_commit(mark)

"""Coalesced delivery of contributions to a busy room, as tallies already are.

A socket that joined with ``batches: true`` sits in its question's batch room. While a room is quiet,
a ``contribution`` event reaches it at once, in the same emit as the sockets that take single events
(one encoding for all). Once the room has had more than ``threshold`` contribution events in the last
``window`` seconds, further ones wait in the room's queue and leave together, at most once per
``interval`` (checked on every broadcaster tick), as one ``contributions`` frame ``{"question_id",
"contributions": [...]}`` per audience: a thousand clients then cost one frame each per interval
instead of one per post. Sockets that did not
ask for batches keep receiving every ``contribution`` at once, as the contract always said.

Order is kept: while a room has a queue, its next contribution events join the queue (so a quiet
spell cannot overtake it), and any other event published to the room (``outbox.publish``) sends the
queue first, as the broadcaster does before a tally that counts a contribution still queued.
Everything queued was committed before it was queued, so a client that reconnects between two
batches finds it in the room state it joins with, and the later batch only repeats what it has
(clients apply contributions by id).
"""

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from deliberate.realtime.publisher import Publisher, rooms

EVENT = "contributions"


class ContributionBatcher:
    def __init__(
        self,
        publisher: Publisher,
        threshold: float,
        window: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        interval: float = 0.0,
    ) -> None:
        self.publisher = publisher
        # At most one batch per room per this many seconds (the broadcaster's loop may flush more often).
        self.interval = interval
        self._sent_at: dict[int, float] = {}
        # Contribution events per second above which a room's batch sockets get batches (0: never).
        self.threshold = threshold
        self.window = window
        self.clock = clock
        # Held from the decision to the emit, so that no single event overtakes a queue being sent
        # (a green lock under eventlet/gevent; emits only queue packets, they do not wait for clients).
        self._lock = threading.RLock()
        self._recent: dict[int, deque[float]] = {}
        self._queues: dict[int, list[tuple[str, dict[str, Any]]]] = {}

    def busy(self, question_id: int) -> bool:
        with self._lock:
            return question_id in self._queues or self._rate(question_id, self.clock()) > self.limit

    @property
    def limit(self) -> float:
        return self.threshold * self.window if self.threshold > 0 else float("inf")

    def _rate(self, question_id: int, now: float) -> int:
        recent = self._recent.get(question_id)
        if not recent:
            return 0
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return len(recent)

    def send(self, question_id: int, payload: dict[str, Any], audience: str = "all") -> None:
        """A ``contribution`` event for the question's rooms (``audience``: all, public or staff)."""
        with self._lock:
            now = self.clock()
            self._rate(question_id, now)
            self._recent.setdefault(question_id, deque()).append(now)
            if question_id in self._queues or len(self._recent[question_id]) > self.limit:
                self._queues.setdefault(question_id, []).append((audience, payload))
                self.publisher.emit("contribution", payload, rooms(question_id, audience, batched=False))
            else:
                self.publisher.emit("contribution", payload, rooms(question_id, audience))

    def before(self, question_id: int, contribution_ids: set[int] | None = None) -> None:
        """Another event is about to reach the room: what is queued goes first (with
        ``contribution_ids``, a tally's, only if the queue holds one of those contributions)."""
        with self._lock:
            queue = self._queues.get(question_id)
            if not queue:
                return
            if contribution_ids is not None and not any(p.get("id") in contribution_ids for _, p in queue):
                return
            self._send_queue(question_id, self.clock())

    def flush(self) -> int:
        """Send the rooms' queues whose last batch left at least ``interval`` ago; returns the frames."""
        sent = 0
        with self._lock:
            now = self.clock()
            for qid in list(self._queues):
                if now - self._sent_at.get(qid, float("-inf")) >= self.interval - 1e-3:
                    sent += self._send_queue(qid, now)
            # Forget the rooms that have gone quiet (a long-lived process sees many questions).
            for qid in [q for q in self._recent if not self._rate(q, now)]:
                del self._recent[qid]
                if qid not in self._queues:
                    self._sent_at.pop(qid, None)
        return sent

    def _send_queue(self, question_id: int, now: float) -> int:
        queue = self._queues.pop(question_id, None)
        if not queue:
            return 0
        self._sent_at[question_id] = now
        return self._send_batch(question_id, queue)

    def _send_batch(self, question_id: int, queue: list[tuple[str, dict[str, Any]]]) -> int:
        if all(audience == "all" for audience, _ in queue):  # usual: one frame, encoded once, for both
            targets = [(rooms(question_id, "all", batched=True), [payload for _, payload in queue])]
        else:
            targets = [
                (
                    rooms(question_id, wanted, batched=True),
                    [payload for audience, payload in queue if audience in ("all", wanted)],
                )
                for wanted in ("public", "staff")
            ]
        sent = 0
        for to, contributions in targets:
            if contributions:
                self.publisher.emit(EVENT, {"question_id": question_id, "contributions": contributions}, to)
                sent += 1
        return sent

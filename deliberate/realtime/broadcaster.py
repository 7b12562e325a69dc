"""Coalesced tallies and presence: a few messages per second per room, however many votes arrive.

Votes only mark contributions as changed; every ``interval`` the broadcaster reads the current counts
of the marked contributions from the database and sends one ``tally`` per room. Reading the counts at
flush time (rather than adding up deltas) keeps tallies exact whatever the order in which concurrent
votes committed, and on every process.

The marks live in a store: in memory for one process, in Redis when several processes share rooms.
With Redis, a short lock per room makes sure that only one process flushes a room per interval, and
that no process reads newer counts while another has yet to send the older ones it read.
"""

import os
import socket
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Protocol

from deliberate.realtime.once import StartOnce
from deliberate.realtime.publisher import Publisher, rooms


class Store(Protocol):
    def mark(self, question_id: int, contribution_ids: list[int]) -> None: ...
    def mark_presence(self, question_id: int) -> None: ...
    def take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]: ...
    def sent(self) -> None: ...
    def join(self, question_id: int, sid: str) -> None: ...
    def leave(self, question_id: int, sid: str) -> None: ...
    def count(self, question_id: int) -> int: ...
    def heartbeat(self) -> None: ...


class MemoryStore:
    """One process: plain dictionaries behind a lock (a thread or a greenlet may mark while we flush)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tallies: dict[int, set[int]] = defaultdict(set)
        self._presence_dirty: set[int] = set()
        self._members: dict[int, set[str]] = defaultdict(set)

    def mark(self, question_id: int, contribution_ids: list[int]) -> None:
        with self._lock:
            self._tallies[question_id].update(contribution_ids)

    def mark_presence(self, question_id: int) -> None:
        with self._lock:
            self._presence_dirty.add(question_id)

    def take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]:
        with self._lock:
            tallies, self._tallies = dict(self._tallies), defaultdict(set)
            presence, self._presence_dirty = self._presence_dirty, set()
        return tallies, presence

    def sent(self) -> None:
        pass

    def join(self, question_id: int, sid: str) -> None:
        with self._lock:
            self._members[question_id].add(sid)

    def leave(self, question_id: int, sid: str) -> None:
        with self._lock:
            self._members[question_id].discard(sid)

    def count(self, question_id: int) -> int:
        with self._lock:
            return len(self._members.get(question_id, ()))

    def heartbeat(self) -> None:
        pass


class RedisStore:
    """Several processes: marks and room members in Redis, so every process counts everyone.

    Members are kept in a sorted set scored by the time their process last vouched for them; a
    process that dies stops vouching and its members fade out after ``member_ttl`` seconds.

    A room's lock is held from ``take`` until ``sent``, and then at least ``interval`` after ``take``:
    were it to lapse while its holder has read counts but not sent them yet (a busy event loop, a
    slow database), another process could send newer counts first, and the room would end on the
    older ones. A holder that dies mid-flush frees the room after ``hold_limit`` seconds.
    """

    hold_limit = 5.0

    def __init__(self, url: str, prefix: str = "deliberate", member_ttl: float = 30.0) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self.member_ttl = member_ttl
        self.process = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._local: dict[int, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        self._held: list[str] = []
        self._taken_at = 0.0
        self._interval = 0.0
        # Shorten a lock we still own to what is left of the interval (deleting it if nothing is).
        self._release = self.redis.register_script(
            "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end "
            "if tonumber(ARGV[2]) > 0 then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
            "return redis.call('del', KEYS[1])"
        )

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def mark(self, question_id: int, contribution_ids: list[int]) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.sadd(self._key("tally", question_id), *contribution_ids)
        pipe.sadd(self._key("tally-rooms"), question_id)
        pipe.execute()

    def mark_presence(self, question_id: int) -> None:
        self.redis.sadd(self._key("presence-rooms"), question_id)

    def take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]:
        lock_ms = max(int(self.hold_limit * 1000), int(interval * 1000), 1)
        self._taken_at, self._interval = time.monotonic(), interval
        tallies: dict[int, set[int]] = {}
        presence: set[int] = set()
        for raw in self.redis.smembers(self._key("tally-rooms")):
            qid = int(raw)
            if not self.redis.set(self._key("tally-lock", qid), self.process, nx=True, px=lock_ms):
                continue  # another process flushed this room less than an interval ago, or still is
            self._held.append(self._key("tally-lock", qid))
            pipe = self.redis.pipeline(transaction=True)
            pipe.smembers(self._key("tally", qid))
            pipe.delete(self._key("tally", qid))
            pipe.srem(self._key("tally-rooms"), qid)
            ids, _, _ = pipe.execute()
            if ids:
                tallies[qid] = {int(i) for i in ids}
        for raw in self.redis.smembers(self._key("presence-rooms")):
            qid = int(raw)
            if self.redis.set(self._key("presence-lock", qid), self.process, nx=True, px=lock_ms):
                self._held.append(self._key("presence-lock", qid))
                self.redis.srem(self._key("presence-rooms"), qid)
                presence.add(qid)
        return tallies, presence

    def sent(self) -> None:
        """What ``take`` returned has been sent: the rooms' locks keep only the rest of the interval."""
        left_ms = int((self._interval - (time.monotonic() - self._taken_at)) * 1000)
        held, self._held = self._held, []
        for key in held:
            self._release(keys=[key], args=[self.process, max(left_ms, 0)])

    def join(self, question_id: int, sid: str) -> None:
        with self._lock:
            self._local[question_id].add(sid)
        self.redis.zadd(self._key("presence", question_id), {f"{self.process}:{sid}": time.time()})

    def leave(self, question_id: int, sid: str) -> None:
        with self._lock:
            self._local[question_id].discard(sid)
        self.redis.zrem(self._key("presence", question_id), f"{self.process}:{sid}")

    def count(self, question_id: int) -> int:
        return int(
            self.redis.zcount(self._key("presence", question_id), time.time() - self.member_ttl, "+inf")
        )

    def heartbeat(self) -> None:
        now = time.time()
        with self._lock:
            local = {qid: set(sids) for qid, sids in self._local.items() if sids}
        pipe = self.redis.pipeline(transaction=False)
        for qid, sids in local.items():
            pipe.zadd(self._key("presence", qid), {f"{self.process}:{sid}": now for sid in sids})
            pipe.zremrangebyscore(self._key("presence", qid), "-inf", now - self.member_ttl)
            pipe.sadd(self._key("presence-rooms"), qid)
        pipe.execute()


class Broadcaster:
    def __init__(
        self,
        store: Store,
        publisher: Publisher,
        read_counts: Callable[[int, set[int]], dict],
        interval: float = 0.25,
    ) -> None:
        self.store = store
        self.publisher = publisher
        self.read_counts = read_counts
        self.interval = interval
        self._start = StartOnce()

    def mark_tallies(self, question_id: int, contribution_ids: list[int]) -> None:
        self.store.mark(question_id, contribution_ids)

    def joined(self, question_id: int, sid: str) -> None:
        self.store.join(question_id, sid)
        self.store.mark_presence(question_id)

    def left(self, question_id: int, sid: str) -> None:
        self.store.leave(question_id, sid)
        self.store.mark_presence(question_id)

    def presence(self, question_id: int) -> int:
        return self.store.count(question_id)

    def flush(self) -> int:
        """Send what changed since the last flush; returns the number of messages sent."""
        tallies, presence = self.store.take(self.interval)
        sent = 0
        try:
            for qid, ids in tallies.items():
                sent += self._send_tallies(qid, self.read_counts(qid, ids))
            for qid in presence:
                count = self.store.count(qid)
                self.publisher.emit("presence", {"question_id": qid, "count": count}, rooms(qid))
                sent += 1
        finally:
            self.store.sent()
        return sent

    def _send_tallies(self, question_id: int, counts: dict[int, tuple]) -> int:
        """One tally for the room; counts of hidden contributions (a reader may add a third, hidden,
        element) go to the staff only, since for everyone else those contributions do not exist."""
        everything = {str(cid): [value[0], value[1]] for cid, value in counts.items()}
        hidden = {str(cid) for cid, value in counts.items() if len(value) > 2 and value[2]}
        public = {cid: pair for cid, pair in everything.items() if cid not in hidden}
        if not everything:
            return 0
        if public == everything:
            self.publisher.emit(
                "tally", {"question_id": question_id, "counts": everything}, rooms(question_id)
            )
            return 1
        self.publisher.emit(
            "tally", {"question_id": question_id, "counts": everything}, rooms(question_id, "staff")
        )
        if public:
            self.publisher.emit(
                "tally", {"question_id": question_id, "counts": public}, rooms(question_id, "public")
            )
        return 1

    def start(self, socketio) -> None:
        """Start the flushing loop once per process (on the first socket connection)."""
        self._start(socketio, self._run)

    def _run(self, socketio) -> None:
        beats = 0
        while True:
            socketio.sleep(self.interval)
            try:
                self.flush()
                beats += 1
                if beats * self.interval >= 10:
                    beats = 0
                    self.store.heartbeat()
            except Exception:  # a database or Redis hiccup must not end the loop for good
                import logging

                logging.getLogger(__name__).exception("broadcast flush failed")

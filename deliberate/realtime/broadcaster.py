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
from typing import Protocol, TypeVar

from deliberate.realtime.link import RedisLink
from deliberate.realtime.once import StartOnce
from deliberate.realtime.publisher import Publisher, rooms

T = TypeVar("T")


class Store(Protocol):
    def mark(self, question_id: int, contribution_ids: list[int]) -> None: ...
    def mark_presence(self, question_id: int) -> None: ...
    def take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]: ...
    def sent(self) -> None: ...
    def join(self, question_id: int, sid: str, person: int) -> None: ...
    def leave(self, question_id: int, sid: str) -> None: ...
    def count(self, question_id: int) -> int: ...
    def heartbeat(self) -> None: ...


class MemoryStore:
    """One process: plain dictionaries behind a lock (a thread or a greenlet may mark while we flush)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tallies: dict[int, set[int]] = defaultdict(set)
        self._presence_dirty: set[int] = set()
        self._members: dict[int, dict[str, int]] = defaultdict(dict)  # room → {socket: person}

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

    def join(self, question_id: int, sid: str, person: int) -> None:
        with self._lock:
            self._members[question_id][sid] = person

    def leave(self, question_id: int, sid: str) -> None:
        with self._lock:
            self._members[question_id].pop(sid, None)

    def count(self, question_id: int) -> int:
        """People, not sockets: a person with the room open on a phone and a laptop is one."""
        with self._lock:
            return len(set(self._members.get(question_id, {}).values()))

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

    What a holder takes stays in Redis until it has sent it: ``take`` moves a room's marks into the
    room's in-flight set (with any left there by a holder that died), ``sent`` deletes that set. The
    next holder of a room whose holder died (SIGKILL, a crash) finds the set and sends it too.

    While Redis is unreachable (``link.down``) the store works on this process alone: marks wait in
    memory and are flushed to this process's sockets, presence counts this process's members. When
    Redis is back, ``recover`` marks again what was marked meanwhile (the other processes' sockets
    never heard those tallies) and vouches for every member at once.
    """

    hold_limit = 5.0

    def __init__(self, link: RedisLink | str, prefix: str = "deliberate", member_ttl: float = 8.0) -> None:
        self.link = RedisLink(link) if isinstance(link, str) else link
        self.redis = self.link.redis
        self.prefix = prefix
        self.member_ttl = member_ttl
        self.process = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self._local: dict[int, dict[str, int]] = defaultdict(dict)  # room → {socket: person}, here
        self._lock = threading.Lock()
        self._held: list[str] = []
        self._inflight: list[int] = []  # rooms whose in-flight set this process holds (take → sent)
        self._taken_at = 0.0
        self._interval = 0.0
        self._offline = MemoryStore()  # marks made while Redis is unreachable, sent by this process
        self._missed: dict[int, set[int]] = defaultdict(set)  # the same, for Redis once it is back
        self._counted: dict[int, int] = {}  # the presence last seen per room of this process
        # Shorten a lock we still own to what is left of the interval (deleting it if nothing is).
        self._release = self.redis.register_script(
            "if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end "
            "if tonumber(ARGV[2]) > 0 then return redis.call('pexpire', KEYS[1], ARGV[2]) end "
            "return redis.call('del', KEYS[1])"
        )
        # Presence counts people: beside its members ("person:process:socket", scored by when their
        # process last vouched for them) a room keeps a hash person → members, whose length is the
        # count. Each script keeps the two in step (KEYS: the members, the people).
        self._vouch = self.redis.register_script(  # ARGV: now, then member, person pairs
            "for i = 2, #ARGV, 2 do "
            "if redis.call('zadd', KEYS[1], ARGV[1], ARGV[i]) == 1 then "
            "redis.call('hincrby', KEYS[2], ARGV[i + 1], 1) end end "
            "return 0"
        )
        self._gone = self.redis.register_script(  # ARGV: member, person
            "if redis.call('zrem', KEYS[1], ARGV[1]) == 1 and "
            "redis.call('hincrby', KEYS[2], ARGV[2], -1) <= 0 then redis.call('hdel', KEYS[2], ARGV[2]) end "
            "return 0"
        )
        self._count = self.redis.register_script(  # ARGV: the oldest vouch still alive
            "for _, m in ipairs(redis.call('zrangebyscore', KEYS[1], '-inf', '(' .. ARGV[1])) do "
            "redis.call('zrem', KEYS[1], m) "
            "local person = string.match(m, '^([^:]*):') "
            "if person and redis.call('hincrby', KEYS[2], person, -1) <= 0 then "
            "redis.call('hdel', KEYS[2], person) end end "
            "return redis.call('hlen', KEYS[2])"
        )

    def _key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def _reach(self, action: Callable[[], T], offline: Callable[[], T]) -> T:
        """``action`` on Redis, or ``offline`` when Redis is (or has just turned out to be) unreachable."""
        import redis

        if self.link.down:
            return offline()
        try:
            return action()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self.link.lost(error)
            return offline()

    def mark(self, question_id: int, contribution_ids: list[int]) -> None:
        def online() -> None:
            pipe = self.redis.pipeline(transaction=False)
            pipe.sadd(self._key("tally", question_id), *contribution_ids)
            pipe.sadd(self._key("tally-rooms"), question_id)
            pipe.execute()

        def offline() -> None:
            self._offline.mark(question_id, contribution_ids)
            with self._lock:
                self._missed[question_id].update(contribution_ids)

        self._reach(online, offline)

    def mark_presence(self, question_id: int) -> None:
        self._reach(
            lambda: self.redis.sadd(self._key("presence-rooms"), question_id),
            lambda: self._offline.mark_presence(question_id),
        )

    def take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]:
        return self._reach(lambda: self._take(interval), lambda: self._offline.take(interval))

    def _take(self, interval: float) -> tuple[dict[int, set[int]], set[int]]:
        lock_ms = max(int(self.hold_limit * 1000), int(interval * 1000), 1)
        self._taken_at, self._interval = time.monotonic(), interval
        tallies, presence = self._offline.take(interval)  # marked just before Redis came back
        rooms = self.redis.sunion(self._key("tally-rooms"), self._key("tally-inflight-rooms"))
        for raw in rooms:
            qid = int(raw)
            if not self.redis.set(self._key("tally-lock", qid), self.process, nx=True, px=lock_ms):
                continue  # another process flushed this room less than an interval ago, or still is
            self._held.append(self._key("tally-lock", qid))
            marks, inflight = self._key("tally", qid), self._key("tally-inflight", qid)
            pipe = self.redis.pipeline(transaction=True)
            pipe.sadd(self._key("tally-inflight-rooms"), qid)
            pipe.sunionstore(inflight, [inflight, marks])  # with what a holder that died left there
            pipe.delete(marks)
            pipe.srem(self._key("tally-rooms"), qid)
            pipe.smembers(inflight)
            *_, ids = pipe.execute()
            self._inflight.append(qid)
            if ids:
                tallies.setdefault(qid, set()).update(int(i) for i in ids)
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
        inflight, self._inflight = self._inflight, []

        def release() -> None:
            if inflight:  # before the locks go: the next holder must not find them again
                pipe = self.redis.pipeline(transaction=True)
                pipe.delete(*(self._key("tally-inflight", qid) for qid in inflight))
                pipe.srem(self._key("tally-inflight-rooms"), *inflight)
                pipe.execute()
            for key in held:
                self._release(keys=[key], args=[self.process, max(left_ms, 0)])

        self._reach(release, lambda: None)  # unreleased locks lapse by themselves

    def _member(self, sid: str, person: int) -> str:
        return f"{person}:{self.process}:{sid}"

    def _presence_keys(self, question_id: int) -> list[str]:
        return [self._key("presence", question_id), self._key("people", question_id)]

    def join(self, question_id: int, sid: str, person: int) -> None:
        with self._lock:
            self._local[question_id][sid] = person
        keys, args = self._presence_keys(question_id), [time.time(), self._member(sid, person), person]
        self._reach(lambda: self._vouch(keys=keys, args=args), lambda: None)

    def leave(self, question_id: int, sid: str) -> None:
        with self._lock:
            person = self._local[question_id].pop(sid, None)
        if person is None:
            return
        keys, args = self._presence_keys(question_id), [self._member(sid, person), person]
        self._reach(lambda: self._gone(keys=keys, args=args), lambda: None)

    def count(self, question_id: int) -> int:
        """People, not sockets, over every process (a person's phone and laptop count once); the
        members of a process that stopped vouching for them go first."""

        def online() -> int:
            keys = self._presence_keys(question_id)
            return int(self._count(keys=keys, args=[time.time() - self.member_ttl]))

        def offline() -> int:
            with self._lock:
                return len(set(self._local.get(question_id, {}).values()))

        return self._reach(online, offline)

    def heartbeat(self) -> None:
        """Vouch for this process's members; a room whose count changed (members of a process that
        died have faded out) is marked, so that it hears the new count."""
        self._reach(self._heartbeat, lambda: None)

    def _heartbeat(self) -> None:
        now = time.time()
        with self._lock:
            local = {qid: dict(members) for qid, members in self._local.items() if members}
        pipe = self.redis.pipeline(transaction=False)
        for qid, members in local.items():
            keys = self._presence_keys(qid)
            pairs = [
                value for sid, person in members.items() for value in (self._member(sid, person), person)
            ]
            self._vouch(keys=keys, args=[now, *pairs], client=pipe)
            self._count(keys=keys, args=[now - self.member_ttl], client=pipe)
        answers = pipe.execute()
        changed = []
        for qid, count in zip(local, answers[1::2], strict=True):
            if self._counted.get(qid) != count:
                self._counted[qid] = int(count)
                changed.append(qid)
        if changed:
            self.redis.sadd(self._key("presence-rooms"), *changed)

    def recover(self) -> None:
        """Redis is back (maybe restarted, empty): hand it what this process marked and holds."""
        with self._lock:
            missed, self._missed = dict(self._missed), defaultdict(set)
            rooms_here = [qid for qid, sids in self._local.items() if sids]
        for qid, ids in missed.items():
            self.mark(qid, sorted(ids))
        self._counted.clear()
        self.heartbeat()
        for qid in rooms_here:
            self.mark_presence(qid)


class Broadcaster:
    def __init__(
        self,
        store: Store,
        publisher: Publisher,
        read_counts: Callable[[int, set[int]], dict],
        interval: float = 0.25,
        heartbeat: float = 2.0,
        batcher=None,
    ) -> None:
        self.store = store
        # Queued contributions of busy rooms (realtime/batching.py) leave from this loop too, and
        # always before a tally that counts one of them.
        self.batcher = batcher
        self.publisher = publisher
        self.read_counts = read_counts
        self.interval = interval
        self.heartbeat = heartbeat  # seconds between two heartbeats of the store (presence)
        self._start = StartOnce()
        self._stopping = False
        self._flushing = False
        self._failures: dict[int, int] = {}  # flushes in a row that could not read a room's counts

    #: A room's tallies are tried again at this many flushes at most (5 s at the default interval).
    retries = 20

    def mark_tallies(self, question_id: int, contribution_ids: list[int]) -> None:
        self.store.mark(question_id, contribution_ids)

    def joined(self, question_id: int, sid: str, person: int) -> None:
        """Socket ``sid`` of ``person`` (a user id) is in the room: presence counts people."""
        self.store.join(question_id, sid, person)
        self.store.mark_presence(question_id)

    def left(self, question_id: int, sid: str) -> None:
        self.store.leave(question_id, sid)
        self.store.mark_presence(question_id)

    def presence(self, question_id: int) -> int:
        return self.store.count(question_id)

    def flush(self) -> int:
        """Send what changed since the last flush; returns the number of messages sent."""
        sent = self.batcher.flush() if self.batcher is not None else 0
        tallies, presence = self.store.take(self.interval)
        failed: Exception | None = None
        try:
            for qid, ids in tallies.items():
                try:
                    if self.batcher is not None:
                        self.batcher.before(qid, ids)  # a queued contribution first, then its tally
                    sent += self._send_tallies(qid, self.read_counts(qid, ids))
                    self._failures.pop(qid, None)
                except Exception as error:  # noqa: BLE001 - the database went (terminated, restarting)
                    # The marks are out of the store: put them back for the next flushes (a few
                    # seconds' worth), or the room would keep these counts until someone votes again.
                    self._failures[qid] = self._failures.get(qid, 0) + 1
                    if self._failures[qid] <= self.retries:
                        self.store.mark(qid, sorted(ids))
                    failed = failed or error
            for qid in presence:
                try:
                    count = self.store.count(qid)
                    self.publisher.emit("presence", {"question_id": qid, "count": count}, rooms(qid))
                    sent += 1
                except Exception as error:  # noqa: BLE001
                    self.store.mark_presence(qid)
                    failed = failed or error
        finally:
            self.store.sent()
        if failed is not None:
            raise failed  # the loop logs it; the other rooms were sent
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

    def stop(self, socketio, timeout: float = 2.0) -> None:
        """The process is leaving (a drain): the loop's flush under way ends, then what is left is sent.

        A flush takes its rooms' marks before it reads and sends their counts; were this process to
        exit in between, the next holder of those rooms would send them only once their locks lapse
        (``RedisStore.hold_limit``), and with one process they would be gone."""
        self._stopping = True
        deadline = time.monotonic() + timeout
        while self._flushing and time.monotonic() < deadline:
            socketio.sleep(0.01)
        try:
            self.flush()
        except Exception:  # leaving anyway: the marks not taken stay in the store for the others
            import logging

            logging.getLogger(__name__).exception("last broadcast flush failed")

    def _run(self, socketio) -> None:
        beats = 0
        while not self._stopping:
            socketio.sleep(self.interval)
            if self._stopping:
                return
            self._flushing = True
            try:
                self.flush()
                beats += 1
                if beats * self.interval >= self.heartbeat:
                    beats = 0
                    self.store.heartbeat()
            except Exception:  # a database or Redis hiccup must not end the loop for good
                import logging

                logging.getLogger(__name__).exception("broadcast flush failed")
            finally:
                self._flushing = False

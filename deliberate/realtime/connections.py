"""Which live connections belong to whom, so that a role change, an exclusion or a log-out can end them.

A socket's rooms are chosen when it joins (staff see hidden contributions), so a person whose role
changes must not keep the old rooms: their connections are closed, and the page reconnects and joins
again with the new role (or is refused).

Two paths reach the sockets. At once: the process that made the change closes every socket of the
person it knows of, its own (memory) or every process's (Redis, through the message queue). And
always: the change writes a ``DisconnectRequest`` row in its own transaction, which every serving
process reads each second (``poll``), closing its sockets of that person opened before the request.
The second path is what reaches a running server from ``deliberate grant`` or from another process
when there is no Redis; sockets opened after the request (the page reconnecting with its new role)
are left alone.
"""

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from deliberate.dbtypes import utcnow
from deliberate.realtime.link import RedisLink

T = TypeVar("T")

# Requests older than this are deleted by the poll: every process has read them long before.
KEEP_REQUESTS = timedelta(minutes=10)


class MemoryConnections:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sids: dict[int, set[str]] = defaultdict(set)

    def add(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._sids[user_id].add(sid)

    def remove(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._sids[user_id].discard(sid)

    def of(self, user_id: int) -> list[str]:
        with self._lock:
            return list(self._sids.get(user_id, ()))

    def vouch(self, sockets: dict[int, list[str]]) -> None:
        pass


class RedisConnections:
    """Every process's sockets by person, in Redis: a sorted set per person scored by when the socket's
    process last vouched for it, so the sockets of a process that died fade out after ``ttl`` seconds.
    While Redis is unreachable nothing is written (``Connections`` closes its own sockets itself, and
    the disconnect requests in the database reach the other processes); ``recover`` writes it all again.
    """

    def __init__(self, link: RedisLink | str, prefix: str = "deliberate", ttl: float = 8.0) -> None:
        self.link = RedisLink(link) if isinstance(link, str) else link
        self.redis = self.link.redis
        self.prefix = prefix
        self.ttl = ttl

    def _key(self, user_id: int) -> str:
        return f"{self.prefix}:user-sockets:{user_id}"

    def _reach(self, action: Callable[[], T], offline: T) -> T:
        import redis

        if self.link.down:
            return offline
        try:
            return action()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            self.link.lost(error)
            return offline

    def add(self, user_id: int, sid: str) -> None:
        self.vouch({user_id: [sid]})

    def remove(self, user_id: int, sid: str) -> None:
        self._reach(lambda: self.redis.zrem(self._key(user_id), sid), None)

    def of(self, user_id: int) -> list[str]:
        def online() -> list[str]:
            found = self.redis.zrangebyscore(self._key(user_id), time.time() - self.ttl, "+inf")
            return [sid.decode() for sid in found]

        return self._reach(online, [])

    def vouch(self, sockets: dict[int, list[str]]) -> None:
        """Say that these sockets (person -> sids) are still open on this process."""
        if not sockets:
            return

        def online() -> None:
            now = time.time()
            pipe = self.redis.pipeline(transaction=False)
            for user_id, sids in sockets.items():
                pipe.zadd(self._key(user_id), dict.fromkeys(sids, now))
                pipe.zremrangebyscore(self._key(user_id), "-inf", now - self.ttl)
                pipe.expire(self._key(user_id), int(self.ttl * 3) + 1)
            pipe.execute()

        self._reach(online, None)


class Connections:
    def __init__(
        self,
        store: MemoryConnections | RedisConnections,
        disconnect: Callable[[str], None],
        per_person: int = 0,
        heartbeat: float = 2.0,
    ) -> None:
        self.store = store
        self.heartbeat = heartbeat  # seconds between two vouches for this process's sockets
        self.disconnect = disconnect
        # At most this many sockets per person on this process (0: no cap).
        self.per_person = per_person
        self._lock = threading.Lock()
        # This process's sockets: sid -> (user id, when it opened).
        self._local: dict[str, tuple[int, datetime]] = {}
        # The questions each of this process's sockets has joined, for presence when it goes.
        self._rooms: dict[str, set[int]] = defaultdict(set)
        self._cursor: int | None = None
        self._handled: set[int] = set()
        self._started = False
        self.balance = None  # realtime.balance.Balance with Redis: its rounds run in the poll's loop

    def opened(self, user_id: int, sid: str) -> bool:
        """Count a new socket of the person; False (and nothing counted) when they have too many."""
        with self._lock:
            if sid in self._local:
                return True
            if self.per_person and sum(1 for uid, _ in self._local.values() if uid == user_id) >= (
                self.per_person
            ):
                return False
            self._local[sid] = (user_id, utcnow())
        self.store.add(user_id, sid)
        return True

    def closed(self, sid: str) -> set[int]:
        """Forget a socket that has gone; returns the questions whose rooms it was in.

        The socket and its rooms go at once: a join still under way when its socket goes (it reads
        the room's state first) enters no room after this, so presence keeps no member that no socket
        holds (``entered`` refuses a closed socket)."""
        with self._lock:
            entry = self._local.pop(sid, None)
            joined = self._rooms.pop(sid, set())
        if entry is not None:
            self.store.remove(entry[0], sid)
        return joined

    def entered(self, sid: str, question_id: int) -> bool:
        """The socket joined the question's room; False when it already had, or has gone."""
        with self._lock:
            if sid not in self._local or question_id in self._rooms[sid]:
                return False
            self._rooms[sid].add(question_id)
            return True

    def exited(self, sid: str, question_id: int) -> bool:
        """The socket left the question's room; False when it was not in it."""
        with self._lock:
            joined = self._rooms.get(sid, set())
            if question_id not in joined:
                return False
            joined.discard(question_id)
            return True

    def sids(self) -> list[str]:
        with self._lock:
            return list(self._local)

    def is_open(self, sid: str) -> bool:
        with self._lock:
            return sid in self._local

    def count(self, user_id: int) -> int:
        with self._lock:
            return sum(1 for uid, _ in self._local.values() if uid == user_id)

    def end_all(self, user_id: int, request_id: int | None = None) -> None:
        """Close every connection of the person: this process's itself, the others' through the message
        queue (those the registry missed, Redis being down or just restarted, close at the others' poll
        of the request)."""
        if request_id is not None:
            with self._lock:
                self._handled.add(request_id)
        with self._lock:
            here = {sid for sid, (uid, _) in self._local.items() if uid == user_id}
        for sid in here | set(self.store.of(user_id)):
            self.disconnect(sid)
            self.store.remove(user_id, sid)

    def _by_person(self) -> dict[int, list[str]]:
        with self._lock:
            entries = list(self._local.items())
        sockets: dict[int, list[str]] = defaultdict(list)
        for sid, (user_id, _) in entries:
            sockets[user_id].append(sid)
        return sockets

    def recover(self) -> None:
        """Redis is back (maybe restarted, empty): register every socket this process holds again."""
        self.store.vouch(self._by_person())

    def end_local(self, user_id: int, before: datetime) -> None:
        """Close this process's sockets of the person that opened before ``before``."""
        with self._lock:
            sids = [sid for sid, (uid, at) in self._local.items() if uid == user_id and at <= before]
        for sid in sids:
            self.disconnect(sid)

    def poll(self, session) -> None:
        """Act on the disconnect requests written since the last poll (by any process or the CLI)."""
        from deliberate.extensions import db
        from deliberate.realtime.models import DisconnectRequest

        if self._cursor is None:
            self._cursor = session.scalar(db.select(db.func.max(DisconnectRequest.id))) or 0
            return
        rows = session.execute(
            db.select(DisconnectRequest.id, DisconnectRequest.user_id, DisconnectRequest.created_at)
            .where(DisconnectRequest.id > self._cursor)
            .order_by(DisconnectRequest.id)
        ).all()
        for request_id, user_id, created_at in rows:
            self._cursor = request_id
            with self._lock:
                if request_id in self._handled:
                    self._handled.discard(request_id)
                    continue
            self.end_local(user_id, created_at)
        # Only write when there is something to clear: on SQLite a write waits (outside the event loop's
        # control) for a worker process's write to finish, and this poll runs every second.
        old = DisconnectRequest.created_at < utcnow() - KEEP_REQUESTS
        if session.scalar(db.select(DisconnectRequest.id).where(old).limit(1)) is not None:
            session.execute(db.delete(DisconnectRequest).where(old))
        session.commit()

    def start_polling(self, app, socketio, interval: float) -> None:
        """Poll every ``interval`` seconds, once per process (on the first socket connection)."""
        with self._lock:
            if self._started or interval <= 0:
                return
            self._started = True
        socketio.start_background_task(self._run, app, socketio, interval)

    def _run(self, app, socketio, interval: float) -> None:
        import logging

        from deliberate.extensions import db

        vouched = balanced = time.monotonic()
        while True:
            if time.monotonic() - vouched >= self.heartbeat:
                vouched = time.monotonic()
                try:
                    self.store.vouch(self._by_person())
                except Exception:
                    logging.getLogger(__name__).exception("vouching for the sockets failed")
            if self.balance is not None and time.monotonic() - balanced >= self.balance.every:
                balanced = time.monotonic()
                try:
                    self.balance.round()
                except Exception:  # Redis away: the link knows, the next round tries again
                    logging.getLogger(__name__).debug("balance round failed", exc_info=True)
            try:
                with app.app_context():
                    try:
                        self.poll(db.session)
                    finally:
                        db.session.remove()
            except Exception:  # a database hiccup must not end the loop for good
                logging.getLogger(__name__).exception("disconnect poll failed")
            socketio.sleep(interval)

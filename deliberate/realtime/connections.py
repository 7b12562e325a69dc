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
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from deliberate.dbtypes import utcnow

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


class RedisConnections:
    def __init__(self, url: str, prefix: str = "deliberate") -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix

    def _key(self, user_id: int) -> str:
        return f"{self.prefix}:user-sockets:{user_id}"

    def add(self, user_id: int, sid: str) -> None:
        self.redis.sadd(self._key(user_id), sid)

    def remove(self, user_id: int, sid: str) -> None:
        self.redis.srem(self._key(user_id), sid)

    def of(self, user_id: int) -> list[str]:
        return [sid.decode() for sid in self.redis.smembers(self._key(user_id))]


class Connections:
    def __init__(
        self,
        store: MemoryConnections | RedisConnections,
        disconnect: Callable[[str], None],
        per_person: int = 0,
    ) -> None:
        self.store = store
        self.disconnect = disconnect
        # At most this many sockets per person on this process (0: no cap).
        self.per_person = per_person
        self._lock = threading.Lock()
        # This process's sockets: sid -> (user id, when it opened).
        self._local: dict[str, tuple[int, datetime]] = {}
        self._cursor: int | None = None
        self._handled: set[int] = set()
        self._started = False

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

    def closed(self, sid: str) -> int | None:
        """Forget a socket that has gone; returns whose it was (None if it was never counted)."""
        with self._lock:
            entry = self._local.pop(sid, None)
        if entry is None:
            return None
        self.store.remove(entry[0], sid)
        return entry[0]

    def is_open(self, sid: str) -> bool:
        with self._lock:
            return sid in self._local

    def count(self, user_id: int) -> int:
        with self._lock:
            return sum(1 for uid, _ in self._local.values() if uid == user_id)

    def end_all(self, user_id: int, request_id: int | None = None) -> None:
        """Close every connection of the person, on every process (through the message queue)."""
        if request_id is not None:
            with self._lock:
                self._handled.add(request_id)
        for sid in self.store.of(user_id):
            self.disconnect(sid)
            self.store.remove(user_id, sid)

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

        while True:
            try:
                with app.app_context():
                    try:
                        self.poll(db.session)
                    finally:
                        db.session.remove()
            except Exception:  # a database hiccup must not end the loop for good
                logging.getLogger(__name__).exception("disconnect poll failed")
            socketio.sleep(interval)

"""Which live connections belong to whom, so that a role change can end them.

A socket's rooms are chosen when it joins (staff see hidden contributions), so a person whose role
changes must not keep the old rooms: their connections are closed, and the page reconnects and joins
again with the new role (or is refused). Kept in memory for one process, in Redis for several.
"""

import threading
from collections import defaultdict
from collections.abc import Callable


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
        self, store: MemoryConnections | RedisConnections, disconnect: Callable[[str], None]
    ) -> None:
        self.store = store
        self.disconnect = disconnect

    def opened(self, user_id: int, sid: str) -> None:
        self.store.add(user_id, sid)

    def closed(self, user_id: int, sid: str) -> None:
        self.store.remove(user_id, sid)

    def end_all(self, user_id: int) -> None:
        """Close every connection of the person, on every process (through the message queue)."""
        for sid in self.store.of(user_id):
            self.disconnect(sid)
            self.store.remove(user_id, sid)

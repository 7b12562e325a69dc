"""This process's link to Redis: one bounded pool, whether Redis answers, and what to do when it is back.

Redis carries what several processes share (the message queue, presence, tally marks, the socket
registry). When it goes, each process keeps serving on its own ("degraded"): events reach the sockets
of the process that sent them, presence counts this process's members, marks wait in memory. Whatever
notices the loss first (a store's command, a publish, the message-queue listener) says so here; a
watcher then pings every ``retry`` seconds and, once Redis answers and the listener is subscribed
again, runs the ``back`` callbacks: each part re-registers what this process holds, and the pages are
told to fetch their room again (they missed what other processes sent meanwhile).
"""

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class RedisLink:
    def __init__(self, url: str, pool_size: int = 50, timeout: float = 2.0, retry: float = 0.5) -> None:
        import redis

        # Blocking: a burst (150 sockets closing at once) waits for a free connection instead of
        # failing with MaxConnectionsError; the timeouts keep an unreachable Redis from hanging a handler.
        self.pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=pool_size,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
        )
        self.redis = redis.Redis(connection_pool=self.pool)
        self.retry = retry
        self.down = False
        self.listening = True  # the message-queue listener is subscribed (it says when it is not)
        self._lock = threading.Lock()
        self._lost: list[Callable[[], None]] = []
        self._back: list[Callable[[], None]] = []
        self._start: Callable[[Callable], object] | None = None
        self._sleep: Callable[[float], object] | None = None

    def bind(self, start: Callable[[Callable], object], sleep: Callable[[float], object]) -> None:
        """How to run the watcher (``socketio.start_background_task`` and ``socketio.sleep``)."""
        self._start, self._sleep = start, sleep

    def on_lost(self, callback: Callable[[], None]) -> None:
        self._lost.append(callback)

    def on_back(self, callback: Callable[[], None]) -> None:
        self._back.append(callback)

    def lost(self, error: BaseException | None = None) -> None:
        """Redis did not answer: serve degraded, and watch for its return (once per outage)."""
        with self._lock:
            if self.down:
                return
            self.down = True
        log.warning("Redis unreachable (%s): serving degraded until it is back", error)
        self._run(self._lost)
        if self._start is not None:
            self._start(self._watch)

    def listener(self, subscribed: bool) -> None:
        """The message-queue listener lost its subscription (False) or has it again (True)."""
        self.listening = subscribed
        if not subscribed:
            self.lost(ConnectionError("message-queue listener"))

    def _watch(self) -> None:
        sleep = self._sleep or (lambda seconds: None)
        while True:
            sleep(self.retry)
            try:
                self.redis.ping()
            except Exception:
                continue
            if self.listening:
                break
        with self._lock:
            self.down = False
        log.warning("Redis is back: re-registering this process's sockets and rooms")
        self._run(self._back)

    @staticmethod
    def _run(callbacks: list[Callable[[], None]]) -> None:
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("a Redis link callback failed")

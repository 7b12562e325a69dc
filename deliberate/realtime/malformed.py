"""Malformed Socket.IO packets are counted and logged once a minute, never as tracebacks.

Socket.IO raises while decoding a broken packet (``42["post",``), and Engine.IO logs that with its
traceback: about 1.6 KB of log per packet, which one anonymous client could send by the thousand and
so slow every room down. The message handler is wrapped: a packet that fails to decode is dropped and
counted, its connection closed, and the count is logged at most once a minute.
"""

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class MalformedPackets:
    def __init__(self, every: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self.total = 0
        self._since_log = 0
        self._last_log: float | None = None
        self._lock = threading.Lock()

    def count(self, error: Exception) -> None:
        now = self.clock()
        with self._lock:
            self.total += 1
            self._since_log += 1
            if self._last_log is not None and now - self._last_log < self.every:
                return
            count, self._since_log, self._last_log = self._since_log, 0, now
        log.warning("dropped %d malformed Socket.IO packet(s) in the last minute (last: %s)", count, error)

    def guard(
        self, handle_message: Callable[[str, object], None], hang_up: Callable[[str], None] | None = None
    ) -> Callable[[str, object], None]:
        def guarded(eio_sid: str, data: object) -> None:
            try:
                handle_message(eio_sid, data)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
                self.count(error)
                if hang_up is not None:
                    # No Socket.IO client sends a broken packet: the connection is a script's, and
                    # closing it ends the flood (reconnecting costs a handshake and a log-in check).
                    hang_up(eio_sid)

        return guarded


def install(sio, counter: MalformedPackets) -> None:
    """Put the counter between Engine.IO and Socket.IO's message handler of ``sio``'s server."""
    server = sio.server
    server.eio.on("message", counter.guard(server._handle_eio_message, _hang_up(server.eio)))


def _hang_up(eio) -> Callable[[str], None]:
    def hang_up(eio_sid: str) -> None:
        socket = eio.sockets.pop(eio_sid, None)
        if socket is not None:
            # Without waiting: a long-polling client that never polls again would never take the close
            # packet, and waiting for it would keep the request that brought the packet unanswered.
            socket.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)

    return hang_up

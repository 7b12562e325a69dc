"""Graceful shutdown: on SIGTERM a server stops accepting, finishes what it started, and lets go.

1. It stops listening (new connections are refused, so nginx sends them to another process at once)
   and ``/healthz`` answers 503.
2. Events that arrive from now on are answered ``unavailable`` (nothing stored; the page sends them
   again, with the same ``client_id``, once it has reconnected elsewhere); the events already running
   finish and are answered, for at most ``seconds``.
3. Every socket is closed at the Engine.IO level, which clients take as a lost connection: they
   reconnect by themselves, spread over the other processes, and join again (full state). Their
   presence and registry entries go with the normal disconnect handling.
4. The process exits once its sockets are gone (or ``seconds`` have passed), after its broadcaster
   has sent the tallies it took (``exit`` does that: commands._drain_on_sigterm).
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def stop_listening(port: int) -> bool:
    """Shut the listening socket of ``port`` for reading, whatever server owns it: accept() fails from
    then on (eventlet's and gevent's servers stop accepting) and the kernel refuses new connections."""
    folder = "/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"
    stopped = False
    for name in os.listdir(folder):
        try:
            fd = int(name)
            probe = socket.socket(fileno=os.dup(fd))
        except (ValueError, OSError):
            continue
        try:
            listening = probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            if listening and probe.getsockname()[1] == port:
                probe.shutdown(socket.SHUT_RD)
                stopped = True
        except OSError:
            pass
        finally:
            probe.close()
    return stopped


class Drain:
    def __init__(self, seconds: float = 10.0) -> None:
        self.seconds = seconds
        self.draining = False
        self.finished = threading.Event()
        self._lock = threading.Lock()
        self._running = 0

    def enter(self) -> bool:
        """An event starts; False when the server drains (answer ``unavailable`` without running it)."""
        with self._lock:
            if self.draining:
                return False
            self._running += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._running -= 1

    def running(self) -> int:
        with self._lock:
            return self._running

    def begin(self, port: int, socketio, exit: Callable[[], None]) -> None:
        """Start draining (from the SIGTERM handler) as a background task, then ``exit``."""
        with self._lock:
            if self.draining:
                return
            self.draining = True
        socketio.start_background_task(self._run, port, socketio, exit)

    def _run(self, port: int, socketio, exit: Callable[[], None]) -> None:
        sleep = socketio.sleep
        eio = socketio.server.eio

        def open_count() -> int:
            return len(eio.sockets)

        began = time.monotonic()
        deadline = began + self.seconds
        try:
            if not stop_listening(port):
                log.warning("drain: found no listening socket on port %s", port)
            while self.running() and time.monotonic() < deadline:
                sleep(0.02)
            log.warning("drain: %s events answered, closing %s sockets", self.running() == 0, open_count())
            eio.disconnect()  # every client, as a lost connection: they reconnect elsewhere
            while open_count() and time.monotonic() < deadline:
                sleep(0.05)
            sleep(0.2)  # the close packets and the last acks leave
        except Exception:
            log.exception("drain failed")
        finally:
            log.warning("drain: done in %.2f s", time.monotonic() - began)
            self.finished.set()
            exit()

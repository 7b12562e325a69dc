"""A background loop that a process starts once, however many callers ask for it."""

import threading
from collections.abc import Callable


class StartOnce:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = False

    def __call__(self, socketio, loop: Callable) -> None:
        """Start ``loop(socketio)`` as a background task the first time only."""
        with self._lock:
            if self._started:
                return
            self._started = True
        socketio.start_background_task(loop, socketio)

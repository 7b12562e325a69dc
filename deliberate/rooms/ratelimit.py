"""Per-person sliding-window limits on posts and votes.

Kept in the process's memory: behind a load balancer with sticky sessions a person's socket stays on
one process, so a per-process window is what that person experiences.
"""

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from flask_babel import gettext as _

from deliberate.errors import DomainError


class RateLimiter:
    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[object, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: object) -> None:
        """Count one action for ``key``, or raise ``rate_limited`` if the window is full."""
        if self.limit <= 0:
            return
        now = self.clock()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                wait = max(1, int(hits[0] + self.window - now + 0.999))
                message = _("Too many at once: try again in %(seconds)s s.", seconds=wait)
                raise DomainError("rate_limited", message)
            hits.append(now)

"""The login cookie decoded once per value for a short while, not on every socket event.

Flask-SocketIO runs every event in a request context built from the socket's handshake, and Flask
opens the session of every request context: the cookie's signature checked, its payload
base64-decoded, inflated and parsed as JSON, about 70 µs each time. A socket sends the same cookie
for its whole life, so in a vote storm that was 7.6 % of the server's CPU (bench/RESULTS.md).

Here a cookie value that decoded to a session is remembered with what it decoded to, for ``seconds``;
the same value within that time gets a copy of that session without the decoding. Nothing a cookie
can claim changes: a remembered value is exactly a value that passed the signature check (a changed
byte is another value, decoded and checked), and each request gets its own deep copy, so what one
request changes (a flashed message) never reaches another. The signature's age limit is checked
again at least every ``seconds``.
"""

import copy
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask.sessions import SecureCookieSessionInterface


class RememberedCookieSessions(SecureCookieSessionInterface):
    def __init__(
        self, seconds: float = 30.0, size: int = 20_000, clock: Callable[[], float] = time.monotonic
    ):
        self.seconds = seconds
        self.size = size  # cookie values remembered at most (the least recently used go first)
        self.clock = clock
        self._lock = threading.Lock()
        self._known: OrderedDict[str, tuple[float, dict]] = OrderedDict()

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return super().open_session(app, request)
        now = self.clock()
        with self._lock:
            known = self._known.get(value)
            if known is not None and now - known[0] < self.seconds:
                self._known.move_to_end(value)
                return self.session_class(copy.deepcopy(known[1]))
        session = super().open_session(app, request)
        if session:  # a value that decoded to something (a bad or expired one gives an empty session)
            with self._lock:
                self._known[value] = (now, copy.deepcopy(dict(session)))
                self._known.move_to_end(value)
                while len(self._known) > self.size:
                    self._known.popitem(last=False)
        return session

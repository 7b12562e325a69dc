"""Who a live socket is, and their role in each session, remembered for the socket's life.

Votes are the hot path: loading the person (Flask-Login's user loader) and their registration from
the database on every event was a third of a vote's CPU. Both are fixed for a socket's life, because
every change to them ends the person's connections (``outbox.memberships_changed``: a role change,
revocation, exclusion, log-out or password change closes their sockets on every process, see
realtime/connections.py), and the page reconnects, on a new socket, with what is true then. So what a
socket learnt once is forgotten only when it closes. The session's archived flag is not cached (it
changes without closing anything): the vote reads it with its contribution.
"""

import threading

from babel import Locale


class SocketIdentities:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.Lock()
        self._people: dict[str, int] = {}
        # The socket's language when it connected, for its answers (parsed once: force_locale takes it).
        self._languages: dict[str, Locale] = {}
        self._roles: dict[str, dict[int, str]] = {}

    def opened(self, sid: str, user_id: int, language: str) -> None:
        if self.enabled:
            with self._lock:
                self._people[sid] = user_id
                self._languages[sid] = Locale.parse(language)

    def closed(self, sid: str) -> None:
        with self._lock:
            self._people.pop(sid, None)
            self._languages.pop(sid, None)
            self._roles.pop(sid, None)

    def person(self, sid: str) -> int | None:
        with self._lock:
            return self._people.get(sid)

    def language(self, sid: str) -> Locale | None:
        with self._lock:
            return self._languages.get(sid)

    def role(self, sid: str, session_id: int) -> str | None:
        with self._lock:
            return self._roles.get(sid, {}).get(session_id)

    def remember_role(self, sid: str, session_id: int, role: str) -> None:
        with self._lock:
            if sid in self._people:  # only for a socket still open (not closed meanwhile)
                self._roles.setdefault(sid, {})[session_id] = role

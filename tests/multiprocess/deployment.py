"""Two real ``deliberate serve`` processes and the people who use them, for the multi-process tests.

A ``Server`` is one ``python -m deliberate.cli serve`` subprocess configured as an operator would
(environment variables only); a ``Member`` is a person with a login cookie and a real Socket.IO client
that records every event it receives with its arrival time.
"""

import queue
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import engineio
import requests
import socketio
from servers import Server, free_port, operator_env  # noqa: F401  (re-exported for the tests)

SESSION = "uclg-1-3-2"
PASSWORD = "multi-process-password"
EVENT_SECONDS = 10


def server_env(folder: Path, database_url: str, queue_url: str, mode: str) -> dict[str, str]:
    """A process of the deployment: shared database and queue, its own async mode."""
    # The tests post and vote quickly as the same few people; the default limits are for crowds.
    return operator_env(
        folder,
        async_mode=mode,
        database_url=database_url,
        message_queue=queue_url,
        secret_key="multi-process-secret",
        rate_posts="100000",
        rate_votes="100000",
    )


class _InOrder(engineio.Client):
    """python-engineio's client hands every message to a thread of its own, so two events that
    arrived in one order can be applied in the other (two tallies of one contribution: the older
    count last). A page applies them in order; so does this client, on one thread per connection
    that takes the messages in the order they arrived. That thread is not the read loop's, which a
    server's disconnect packet joins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._inbox: queue.SimpleQueue | None = None

    def _trigger_event(self, event: str, *args: Any, run_async: bool = False, **kwargs: Any) -> Any:
        if event == "message" and run_async:
            if self._inbox is None:
                self._inbox = queue.SimpleQueue()
                threading.Thread(target=self._deliver, args=(self._inbox,), daemon=True).start()
            self._inbox.put(args)
            return None
        if event == "disconnect" and self._inbox is not None:
            self._inbox.put(None)  # the delivering thread ends once what arrived before is handled
            self._inbox = None
        return super()._trigger_event(event, *args, run_async=run_async, **kwargs)

    def _deliver(self, inbox: queue.SimpleQueue) -> None:
        while (args := inbox.get()) is not None:
            super()._trigger_event("message", *args)


class InOrderClient(socketio.Client):
    """A Socket.IO client whose event handlers see the events in the order they arrived."""

    def _engineio_client_class(self) -> type:
        return _InOrder


class System:
    """One deployment: process A (and B), and the question ids of its demo session by position."""

    def __init__(self, a: Server, b: Server | None = None, *, queue_url: str) -> None:
        self.a = a
        self.b = b
        self.queue_url = queue_url
        self.questions: dict[int, int] = {}

    def __getitem__(self, name: str) -> Server:
        server = {"A": self.a, "B": self.b}[name]
        assert server is not None, f"this deployment has no process {name}"
        return server


def wait_until(
    condition: Callable[[], Any], seconds: float = EVENT_SECONDS, what: str = "a condition"
) -> Any:
    """Poll ``condition`` until it returns something true, or fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.02)


class Member:
    """A person: an HTTP session (login cookie) and, once connected, a Socket.IO client that records
    every event it receives with its arrival time."""

    def __init__(self, base_url: str, http: requests.Session, email: str) -> None:
        self.base_url = base_url
        self.http = http
        self.email = email
        self.sock: socketio.Client | None = None
        self.received: list[tuple[float, str, Any]] = []
        self._lock = threading.Lock()

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.http.cookies.items())

    def connect(self, url: str, transports: list[str] | None = None, headers: dict | None = None) -> None:
        transport = requests.Session()  # the socket's own, with the same certificate checks
        transport.verify, transport.trust_env = self.http.verify, self.http.trust_env
        transports = transports or ["websocket"]
        if "polling" in transports:
            # python-engineio sends the headers below with the handshake only; later polls carry the
            # session's cookie jar, which must hold the cookies (nginx's route) as a browser's would.
            transport.cookies.update(self.http.cookies)
        sock = InOrderClient(reconnection=False, ssl_verify=self.http.verify, http_session=transport)

        @sock.on("*")
        def record(event: str, payload: Any = None) -> None:
            with self._lock:
                self.received.append((time.monotonic(), event, payload))

        sock.connect(
            url,
            headers={"Cookie": self.cookie_header(), **(headers or {})},
            transports=transports,
            wait_timeout=15,
        )
        self.sock = sock

    def call(self, event: str, payload: dict) -> dict:
        assert self.sock is not None, "connect first"
        return self.sock.call(event, payload, timeout=EVENT_SECONDS)

    def join(self, question_id: int) -> dict:
        ack = self.call("join", {"question_id": question_id})
        assert ack["ok"], ack
        return ack["state"]

    def post(self, question_id: int, text: str, client_id: str | None = None) -> dict:
        ack = self.call(
            "post", {"question_id": question_id, "text": text, "client_id": client_id or uuid.uuid4().hex}
        )
        assert ack["ok"], ack
        return ack["contribution"]

    def events(self, name: str, since: float = 0.0) -> list[Any]:
        with self._lock:
            return [payload for at, event, payload in self.received if event == name and at >= since]

    def timed_events(self, name: str) -> list[tuple[float, Any]]:
        with self._lock:
            return [(at, payload) for at, event, payload in self.received if event == name]

    def wait_for(self, name: str, matches: Callable[[Any], bool], what: str) -> Any:
        def found():
            return next((payload for payload in self.events(name) if matches(payload)), None)

        return wait_until(found, what=f"{what} ({self.email})")

    def state(self, question_id: int, url: str | None = None) -> dict:
        answer = self.http.get(f"{url or self.base_url}/api/v1/questions/{question_id}/state", timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def disconnect(self) -> None:
        if self.sock is not None and self.sock.connected:
            self.sock.disconnect()


def sign_up(base_url: str, name: str, verify: bool = True) -> Member:
    """A new account, signed up and registered for the demo session through ``base_url``'s API
    (``verify=False`` accepts a self-signed certificate)."""
    email = f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    http = requests.Session()
    http.verify = verify
    # Else a REQUESTS_CA_BUNDLE in the environment would override verify=False.
    http.trust_env = verify
    answer = http.post(
        f"{base_url}/api/v1/auth/signup",
        json={"email": email, "name": name, "password": PASSWORD, "language": "en"},
        timeout=15,
    )
    assert answer.status_code == 201, answer.text
    answer = http.post(f"{base_url}/api/v1/sessions/{SESSION}/register", json={}, timeout=15)
    assert answer.status_code in (200, 201), answer.text
    return Member(base_url, http, email)

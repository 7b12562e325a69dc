"""Two real ``deliberate serve`` processes and the people who use them, for the multi-process tests.

A ``Server`` is one ``python -m deliberate.cli serve`` subprocess configured as an operator would
(environment variables only); a ``Member`` is a person with a login cookie and a real Socket.IO client
that records every event it receives with its arrival time.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
import socketio

SESSION = "uclg-1-3-2"
PASSWORD = "multi-process-password"
STARTUP_SECONDS = 60
EVENT_SECONDS = 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(folder: Path, database_url: str, queue_url: str, mode: str) -> dict[str, str]:
    """A server's environment as an operator would write it: none of the test suite's DELIBERATE_*
    settings (tests/conftest.py forces threading mode and no queue at import time)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DELIBERATE_")}
    env.update(
        {
            "DELIBERATE_ASYNC_MODE": mode,
            "DELIBERATE_DATABASE_URL": database_url,
            "DELIBERATE_MESSAGE_QUEUE": queue_url,
            "DELIBERATE_SECRET_KEY": "multi-process-secret",
            "DELIBERATE_INSTANCE_PATH": str(folder),
            # The tests post and vote quickly as the same few people; the defaults are for crowds.
            "DELIBERATE_RATE_POSTS": "100000",
            "DELIBERATE_RATE_VOTES": "100000",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


class Server:
    """One ``python -m deliberate.cli serve`` process."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "server.log"
        self.process: subprocess.Popen | None = None

    def start(self, *extra: str) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "deliberate.cli", "serve", "--port", str(self.port), *extra],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_text()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)  # polling a starting process, not standing in for synchronisation
        self.stop()
        raise RuntimeError(f"{self.name} did not answer /healthz in {STARTUP_SECONDS} s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "deliberate.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"deliberate {' '.join(args)}: {done.stderr}"
        return done.stdout


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
        sock = socketio.Client(reconnection=False, ssl_verify=self.http.verify, http_session=transport)

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

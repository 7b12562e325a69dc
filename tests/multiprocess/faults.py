"""What the fault tests need: a Redis of their own to kill, and people who behave as the room page does.

A ``Viewer`` keeps the room as the page keeps it (live.js): the state from its join, then the live
events applied to it; it fetches the room again when the server says it is no longer degraded or when
a ``seq`` stays missing, and when its socket drops it reconnects (to the other process, as nginx sends
it when its own is gone) and joins again. Its writes are retried as the page retries them: the same
payload, the same ``client_id``, on ``unavailable``, a timeout or a lost connection; every request's
final answer is kept, so a test can say that each was answered and compare what was acknowledged with
what the database holds.
"""

import os
import subprocess
import threading
import time
import uuid
from typing import Any

import socketio
from multiprocess.deployment import InOrderClient, Member

RETRYABLE = ("unavailable",)
GAP_GRACE = 2.0  # as live.js


class PrivateRedis:
    """A redis-server the test owns (not daemonized), so it can kill it and start it again, empty."""

    def __init__(self, port: int, folder) -> None:
        self.port = port
        self.folder = folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        import redis

        command = [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.process = subprocess.Popen(
            command, cwd=self.folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "the private redis-server did not start"
                time.sleep(0.05)  # polling a starting process

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def free_redis_port() -> int:
    """A free port in 6400-6449 (the range the project's fault tests use)."""
    import socket

    for port in range(6400, 6450):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 6400-6449")


class Viewer:
    def __init__(self, member: Member, urls: list[str], question: int, home: str = "") -> None:
        self.member = member
        self.urls = urls  # nginx (which picks the process), or processes to try in turn
        self.home = home  # the process nginx sends it to while that one is up (host:port)
        self.question = question
        self.lock = threading.RLock()
        self.contributions: dict[int, tuple[int, int]] = {}
        self.presence: int | None = None
        self.degraded = False
        self.seq = 0
        self.ahead: set[int] = set()
        self.gap_since: float | None = None
        self.sock: socketio.Client | None = None
        self.answers: list[tuple[str, dict]] = []  # every request's final answer
        self.sent: list[tuple[str, dict, dict]] = []  # the same, with the payload
        self.disconnections = 0
        self.closed = threading.Event()  # set by the test to stop reconnecting
        self.connecting = threading.Lock()
        self.refetch = threading.Event()
        self.joining: list[list[tuple[str, Any]]] = []
        self.inflight = 0
        self.rebalanced = 0
        self.trace: list[tuple[float, str]] = []  # what happened to its sockets, printed on a failure

    def note(self, what: str) -> None:
        with self.lock:
            self.trace.append((time.monotonic(), what))
            del self.trace[:-150]

    # --- the connection ------------------------------------------------------------------------

    def connect(self, replacing: socketio.Client | None = None) -> None:
        """Connect and join, trying each URL in turn. One connection at a time per person (as a page
        has one socket): two reconnections at once (a lost socket's and a rebalance's) could each
        leave a joined socket behind, and presence would count the person twice. ``replacing``: the
        lost socket this reconnection replaces; if another one already replaced it, nothing to do."""
        with self.connecting:
            if replacing is not None and self.sock is not replacing:
                return
            last: Exception | None = None
            for _attempt in range(40):
                for url in self.urls:
                    if self.closed.is_set():
                        return  # the test is done with this person: a late reconnection would linger
                    self._drop()  # the socket this one replaces, lost or half made
                    try:
                        self._connect(url)
                        self.join()
                        if self.closed.is_set():
                            self._drop()  # closed while this reconnection was under way
                        return
                    except Exception as error:  # noqa: BLE001 - a process still starting or just killed
                        last = error
                        time.sleep(0.25)  # as the page's reconnection delay
            raise AssertionError(f"{self.member.email} could not connect: {last}")

    def _drop(self) -> None:
        sock, self.sock = self.sock, None
        if sock is not None:
            try:
                sock.disconnect()
            except Exception:  # noqa: BLE001 - already gone
                pass

    def _connect(self, url: str) -> None:
        sock = InOrderClient(reconnection=False, ssl_verify=self.member.http.verify)

        @sock.on("*")
        def event(name: str, payload: Any = None) -> None:
            if name == "tally":
                self.note(f"{sock.sid} tally {payload.get('counts')}")
            elif name in ("rebalance", "degraded"):
                self.note(f"{sock.sid} {name} {payload}")
            self._apply(name, payload)

        @sock.event
        def disconnect(*_reason: Any) -> None:
            self.note(f"{sock.sid} disconnect {_reason} current={sock is self.sock}")
            self.disconnections += 1
            # Only the current socket reconnects: an old one's late disconnect would open a second.
            if not self.closed.is_set() and sock is self.sock:
                threading.Thread(target=self._reconnect, args=(sock,), daemon=True).start()

        sock.connect(
            url, headers={"Cookie": self.member.cookie_header()}, transports=["websocket"], wait_timeout=10
        )
        self.sock = sock
        self.note(f"{sock.sid} connected")

    def _reconnect(self, lost: socketio.Client) -> None:
        time.sleep(0.2)
        if not self.closed.is_set():
            self.connect(replacing=lost)

    def join(self) -> None:
        arrived: list[tuple[str, Any]] = []  # events that arrive before the state: applied again after it
        with self.lock:
            self.joining.append(arrived)
        try:
            sock = self.sock
            ack = sock.call("join", {"question_id": self.question}, timeout=10)
            assert ack["ok"], ack
            state = ack["state"]
        except BaseException as error:
            self.note(f"join failed: {error!r}")
            self._joined(arrived)
            raise
        self.note(f"{sock.sid} joined seq {state['seq']} with {len(arrived)} arrived")
        with self.lock:  # one section: an event handled between the two would be lost under the state
            self._joined(arrived)
            self.contributions = {c["id"]: (c["agree"], c["disagree"]) for c in state["contributions"]}
            self.seq, self.ahead, self.gap_since = state["seq"], set(), None
            self.presence = state["presence"]
            self.degraded = state.get("degraded", False)
            for name, payload in arrived:
                if name == "tally" or (isinstance(payload, dict) and payload.get("seq", 0) > state["seq"]):
                    self._apply(name, payload)

    def _joined(self, arrived: list) -> None:
        with self.lock:  # by identity: two joins at once each take their own list back
            self.joining = [other for other in self.joining if other is not arrived]

    def close(self) -> None:
        self.closed.set()
        self._drop()

    # --- live events, as live.js applies them ------------------------------------------------------

    def _apply(self, name: str, payload: Any) -> None:
        with self.lock:
            for arrived in self.joining:
                arrived.append((name, payload))
            if name == "contribution" and payload.get("question_id", self.question) == self.question:
                old = self.contributions.get(payload["id"], (0, 0))
                if payload.get("hidden"):
                    self.contributions.pop(payload["id"], None)
                else:
                    self.contributions[payload["id"]] = (
                        payload.get("agree", old[0]),
                        payload.get("disagree", old[1]),
                    )
            elif name == "tally" and payload["question_id"] == self.question:
                for cid, (agree, disagree) in payload["counts"].items():
                    if int(cid) in self.contributions:
                        self.contributions[int(cid)] = (agree, disagree)
            elif name == "presence" and payload["question_id"] == self.question:
                self.presence = payload["count"]
            elif name == "rebalance":
                threading.Thread(target=self._rebalance, daemon=True).start()
            elif name == "degraded":
                self.degraded = payload["degraded"]
                if not payload["degraded"]:
                    self.refetch.set()
            if isinstance(payload, dict) and isinstance(payload.get("seq"), int):
                self._counted(payload["seq"])
        if self.refetch.is_set():
            self.refetch.clear()
            threading.Thread(target=self._refetch, daemon=True).start()

    def _rebalance(self) -> None:
        """As live.js: reconnect once no request waits for its answer (nginx picks the process)."""
        while self.inflight:
            time.sleep(0.05)
        self.rebalanced += 1
        sock = self.sock  # None while a reconnection is under way: that one goes to nginx's pick
        if sock is not None:
            sock.disconnect()  # the disconnect handler reconnects

    def _counted(self, seq: int) -> None:
        if seq <= self.seq:
            return
        if seq == self.seq + 1:
            self.seq = seq
            while self.seq + 1 in self.ahead:
                self.ahead.discard(self.seq + 1)
                self.seq += 1
        else:
            self.ahead.add(seq)
        self.ahead = {s for s in self.ahead if s > self.seq}
        if not self.ahead:
            self.gap_since = None
        elif self.gap_since is None:
            self.gap_since = time.monotonic()
            threading.Timer(GAP_GRACE, self._gap_check).start()

    def _gap_check(self) -> None:
        with self.lock:
            missing = self.gap_since is not None and time.monotonic() - self.gap_since >= GAP_GRACE - 0.01
        if missing:
            self._refetch()

    def _refetch(self) -> None:
        try:
            self.join()
        except Exception:  # noqa: BLE001 - the connection went meanwhile: the reconnection joins
            pass

    def view(self) -> dict[int, tuple[int, int]]:
        with self.lock:
            return dict(self.contributions)

    # --- writes, retried as the page retries them --------------------------------------------------

    def request(self, event: str, payload: dict, seconds: float = 30) -> dict:
        """Send until a final answer: ok, or a refusal that is not retryable."""
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                self.inflight += 1
            try:
                ack = self.sock.call(event, payload, timeout=8)
            except Exception as error:  # noqa: BLE001 - timeout or no connection: the page keeps it
                ack = {"ok": False, "error": {"code": "offline", "message": str(error)}}
            finally:
                with self.lock:
                    self.inflight -= 1
            final = ack["ok"] or ack["error"]["code"] not in (*RETRYABLE, "offline")
            if final or time.monotonic() > deadline:
                with self.lock:
                    self.answers.append((event, ack))
                    self.sent.append((event, ack, payload))
                return ack
            time.sleep(0.5)

    def votes(self) -> list[tuple[str, dict, dict]]:
        with self.lock:
            return [entry for entry in self.sent if entry[0] == "vote"]

    def post(self, text: str) -> dict:
        return self.request(
            "post", {"question_id": self.question, "text": text, "client_id": uuid.uuid4().hex}
        )

    def vote(self, contribution_id: int, value: int) -> dict:
        return self.request("vote", {"contribution_id": contribution_id, "value": value})


def fault_seconds() -> float:
    """How long a fault lasts (DELIBERATE_FAULT_SECONDS; the issue's run used 15, the suite 4)."""
    return float(os.environ.get("DELIBERATE_FAULT_SECONDS", "4"))

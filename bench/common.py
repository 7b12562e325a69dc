"""What every benchmark shares: a database with many participants, servers as real processes,
authenticated asyncio Socket.IO clients, and the server's own CPU and memory accounting.

Participants are inserted in bulk and logged in with signed session cookies made with the server's
secret key, so that preparing 2,000 clients takes seconds instead of 2,000 password hashes.
"""

from __future__ import annotations

import asyncio
import gc
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
sys.path.insert(0, str(REPO))
os.environ.setdefault("DELIBERATE_ASYNC_MODE", "threading")  # for the in-process preparation only


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {system}"


def prepare(database_url: str, participants: int, instance: Path) -> tuple[list[int], int, str]:
    """Migrate, create the demo session and ``participants`` registered attendees.

    Returns (user ids, id of question 1, session code).
    """
    from sqlalchemy import insert

    from deliberate.accounts.models import User
    from deliberate.app import create_app
    from deliberate.database import upgrade
    from deliberate.extensions import db
    from deliberate.sessions.demo import ensure_demo
    from deliberate.sessions.models import Registration

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "ASYNC_MODE": "threading",
            "MESSAGE_QUEUE": None,
            "INSTANCE_PATH": str(instance),
        }
    )
    upgrade(app)
    with app.app_context():
        session, _ = ensure_demo()
        db.session.commit()
        tag = f"{time.time_ns():x}"
        rows = [
            {
                "email": f"bench-{tag}-{i}@bench.invalid",
                "name": f"Bench {i}",
                "password_hash": None,
                "is_organiser": False,
                "created_at": _now(),
            }
            for i in range(participants)
        ]
        db.session.execute(insert(User), rows)
        ids = list(
            db.session.scalars(db.select(User.id).where(User.email.like(f"bench-{tag}-%")).order_by(User.id))
        )
        db.session.execute(
            insert(Registration),
            [
                {"user_id": uid, "session_id": session.id, "role": "attendee", "created_at": _now()}
                for uid in ids
            ],
        )
        db.session.commit()
        question_id = session.questions[0].id
        code = session.code
        db.engine.dispose()
    return ids, question_id, code


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def session_cookie(user_id: int) -> str:
    """The Flask session cookie Flask-Login would set after logging ``user_id`` in."""
    from flask import Flask

    app = Flask("cookie")
    app.secret_key = SECRET
    serializer = app.session_interface.get_signing_serializer(app)
    # "id:version": the session version of a fresh account is 0 (see accounts/models.py).
    return "session=" + serializer.dumps({"_user_id": f"{user_id}:0", "_fresh": True})


@contextmanager
def server(command: list[str], port: int, env: dict[str, str], log: Path, cwd: Path = REPO):
    """A server process (started in ``cwd``), ready once /healthz answers; stopped on exit."""
    import urllib.request

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("DELIBERATE_")}
    full_env.update(env)
    with open(log, "wb") as out:
        process = subprocess.Popen(command, env=full_env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start; see {log}") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def deliberate_server(
    port: int,
    database_url: str,
    instance: Path,
    mode: str,
    queue: str | None = None,
    extra: dict[str, str] | None = None,
    source: Path = REPO,
):
    """A Deliberate server; ``source`` is the checkout it runs (another one for a baseline)."""
    env = {
        "DELIBERATE_DATABASE_URL": database_url,
        "DELIBERATE_SECRET_KEY": SECRET,
        "DELIBERATE_INSTANCE_PATH": str(instance),
        "DELIBERATE_ASYNC_MODE": mode,
        "DELIBERATE_RATE_POSTS": "100000",
        "DELIBERATE_RATE_VOTES": "100000",
        **(extra or {}),
    }
    if queue:
        env["DELIBERATE_MESSAGE_QUEUE"] = queue
    if source != REPO:
        env["PYTHONPATH"] = str(source)
    command = [sys.executable, "-m", "deliberate.cli", "serve", "--port", str(port)]
    return server(command, port, env, instance / f"server-{port}.log", cwd=source)


def phase(name: str) -> None:
    """Say which phase a run is in, in the file ``BENCH_PHASE_FILE`` names (if set): a profiler
    started from outside (py-spy) can then sample the measured window only, not the connects."""
    path = os.environ.get("BENCH_PHASE_FILE")
    if path:
        Path(path).write_text(name)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from the kernel's accounting."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "mean": statistics.fmean(ordered)}


async def connect_all(
    url: str, cookies: list[str], handlers: dict, join: dict | None = None, concurrency: int = 50
) -> list:
    """Connect one AsyncClient per cookie (websocket transport), register handlers, join a room.

    ``handlers`` maps an event name to a function (client_index, payload) -> None.
    """
    import socketio

    clients: list = [None] * len(cookies)
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int, cookie: str) -> None:
        async with gate:
            client = socketio.AsyncClient(reconnection=False)
            for name, function in handlers.items():
                client.on(name, (lambda f, i: lambda payload: f(i, payload))(function, index))
            for attempt in range(3):  # on a loaded machine a handshake can time out: try again
                try:
                    await client.connect(
                        url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30
                    )
                    break
                except socketio.exceptions.ConnectionError:
                    if attempt == 2:
                        raise
                    await asyncio.sleep(1 + attempt)
            if join is not None:
                ack = await client.call("join", join, timeout=60)
                if not ack.get("ok"):
                    raise RuntimeError(f"join refused: {ack}")
            clients[index] = client

    await asyncio.gather(*(one(i, c) for i, c in enumerate(cookies)))
    # A thousand clients make a large heap; a full garbage collection of it in the middle of a
    # measurement stalls the client process for a few hundred milliseconds and shows up as server
    # latency. Keep what exists now out of the collector's way.
    gc.collect()
    gc.freeze()
    return clients


async def disconnect_all(clients: list) -> None:
    await asyncio.gather(*(c.disconnect() for c in clients if c is not None), return_exceptions=True)


def raise_nofile(wanted: int) -> int:
    """Raise this process's open-file limit towards ``wanted`` (one socket per client); returns it."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


@contextmanager
def postgres_database(admin_url: str = "postgresql://postgres@127.0.0.1:5432/test"):
    """A fresh PostgreSQL database for one run, dropped afterwards; yields its URL."""
    import psycopg2

    name = f"bench_{os.getpid()}_{time.time_ns() % 10**9}"
    base = admin_url.rsplit("/", 1)[0]

    def admin(sql: str) -> None:
        connection = psycopg2.connect(admin_url)
        connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
        finally:
            connection.close()

    admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_database(host: str = "127.0.0.1", port: int = 6379):
    """An empty Redis logical database (the highest free one), flushed afterwards; yields its URL.

    Only keys are separated this way: Redis pub/sub channels are server-wide, so two Socket.IO clusters
    with the same channel name on one Redis would hear each other.
    """
    import redis

    for index in range(15, 0, -1):
        client = redis.Redis(host=host, port=port, db=index)
        if client.dbsize() == 0:
            break
    else:
        raise RuntimeError("no empty Redis database between 1 and 15")
    try:
        yield f"redis://{host}:{port}/{index}"
    finally:
        client.flushdb()
        client.close()

"""External services the tests may use: PostgreSQL and Redis on their default local ports.

A test that needs one calls ``postgres_url()`` or ``redis_url()`` (or takes the ``postgres_database``
fixture, which also drops the database afterwards). When the service is not reachable the test is
skipped with a message saying how to start it, except under CI (``CI=true``), where a missing service
is a failure: a suite that silently skips its PostgreSQL tests proves nothing about PostgreSQL.
"""

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"
POSTGRES_ADMIN_DATABASE = "test"
REDIS_HOST = "127.0.0.1"
# The suites flush the Redis databases they use, so two runs at once must not share a server: each
# pytest-xdist worker starts its own (``private_redis``), and a second run on the machine can point at
# another with DELIBERATE_TEST_REDIS_PORT.
REDIS_PORT_VARIABLE = "DELIBERATE_TEST_REDIS_PORT"


def redis_port() -> int:
    return int(os.environ.get(REDIS_PORT_VARIABLE, "6379"))


POSTGRES_MISSING = (
    f"PostgreSQL not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}; start it "
    "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) to run this test"
)
REDIS_MISSING = (
    f"Redis not reachable at {REDIS_HOST}; start it (redis-server --daemonize yes) to run this test, "
    f"or point {REDIS_PORT_VARIABLE} at a running one"
)


def _unavailable(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _postgres_admin_connection():
    """An autocommit connection to the admin database (CREATE/DROP DATABASE cannot run in a transaction)."""
    import psycopg2

    connection = psycopg2.connect(
        host=POSTGRES_HOST,
        port=POSTGRES_PORT,
        user=POSTGRES_USER,
        dbname=POSTGRES_ADMIN_DATABASE,
        connect_timeout=15,  # a loaded machine (several test runs at once) can take seconds
    )
    connection.autocommit = True
    return connection


def postgres_url() -> str:
    """The URL of a new, empty PostgreSQL database; skip (or fail under CI) when PostgreSQL is down.

    The caller drops it with ``drop_postgres_database(url)``; the ``postgres_database`` fixture does both.
    """
    import psycopg2

    name = f"deliberate_test_{uuid.uuid4().hex[:12]}"
    try:
        connection = _postgres_admin_connection()
    except psycopg2.OperationalError:
        _unavailable(POSTGRES_MISSING)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        connection.close()
    return f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"


def clone_postgres_database(template_url: str) -> str:
    """A new database copied from ``template_url`` (already migrated): much faster than migrating."""
    name = f"deliberate_test_{uuid.uuid4().hex[:12]}"
    connection = _postgres_admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_url.rsplit("/", 1)[1]}"')
    finally:
        connection.close()
    return f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"


def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    assert name.startswith("deliberate_test_"), name
    connection = _postgres_admin_connection()
    try:
        with connection.cursor() as cursor:
            # FORCE ends connections a pool may still hold.
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    url = postgres_url()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def redis_url(db: int = 15) -> str:
    """``redis://127.0.0.1:<port>/<db>``; skip (or fail under CI) when Redis is down."""
    import redis

    port = redis_port()
    try:
        redis.Redis(host=REDIS_HOST, port=port, db=db, socket_connect_timeout=3).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        _unavailable(REDIS_MISSING)
    return f"redis://{REDIS_HOST}:{port}/{db}"


def start_private_redis():
    """A Redis server of this process's own on a free port, which ``redis_url`` then answers with.

    Returns the server's process; None when ``redis-server`` is not installed (``redis_url`` then uses
    the machine's, or skips).
    """
    import shutil
    import socket
    import subprocess
    import time

    import redis

    executable = shutil.which("redis-server")
    if executable is None:
        return None
    with socket.socket() as probe:
        probe.bind((REDIS_HOST, 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [executable, "--bind", REDIS_HOST, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host=REDIS_HOST, port=port, socket_connect_timeout=1)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"redis-server did not start on port {port}") from None
            time.sleep(0.05)
    os.environ[REDIS_PORT_VARIABLE] = str(port)
    return server

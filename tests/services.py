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
REDIS_PORT = 6379

POSTGRES_MISSING = (
    f"PostgreSQL not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}; start it "
    "(pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) to run this test"
)
REDIS_MISSING = (
    f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}; start it "
    "(redis-server --daemonize yes) to run this test"
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
        connect_timeout=3,
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
    """``redis://127.0.0.1:6379/<db>``; skip (or fail under CI) when Redis is down."""
    import redis

    try:
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db, socket_connect_timeout=3).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        _unavailable(REDIS_MISSING)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/{db}"

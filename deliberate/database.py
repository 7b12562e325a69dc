"""Engine set-up and schema migrations."""

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from deliberate.extensions import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")
log = logging.getLogger(__name__)

# SQLite: SQLITE_BUSY (5) and its extended codes, among them SQLITE_BUSY_SNAPSHOT (517). PostgreSQL:
# serialization_failure and deadlock_detected. Both mean "nothing was written, run it again".
_SQLITE_BUSY = 5
_POSTGRES_RETRYABLE = {"40001", "40P01"}
ATTEMPTS = 6  # pauses of 10, 20, 40, 80 and 160 ms between them


def normalise_url(url: str) -> str:
    """Plain PostgreSQL URLs use the driver we install: SQLAlchemy 2.1 would pick psycopg 3 otherwise,
    and psycogreen (which makes the driver cooperate with eventlet or gevent) patches psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url.removeprefix(prefix)
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Connections kept open for a busy loop's events: with SQLAlchemy's default (5, closing any
        # overflow connection on return) a busy room opened new ones all the time, PRAGMAs and all.
        return {
            "connect_args": {"timeout": 10, "check_same_thread": False},
            "pool_size": 20,
            "max_overflow": 40,
        }
    return {"pool_size": 10, "max_overflow": 20, "pool_pre_ping": True}


def configure_sqlite(engine: Engine) -> None:
    """WAL mode, foreign keys, and transactions that SQLAlchemy (not the driver) begins.

    pysqlite's own transaction handling begins lazily and commits behind our back on DDL; turning it
    off and emitting BEGIN ourselves is SQLAlchemy's documented recipe for real transactions.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN")


def is_transient(error: BaseException) -> bool:
    """Whether the database refused a transaction only because another one got in first, or lost the
    connection it ran on (a restarted server, ``pg_terminate_backend``): running it again on a fresh
    connection is safe as long as nothing of it was committed."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF == _SQLITE_BUSY
    return getattr(original, "pgcode", None) in _POSTGRES_RETRYABLE


class DriverStatement:
    """A Core statement compiled once per dialect, then run straight on the DBAPI cursor of a
    connection, in that connection's transaction.

    For the few statements of the hottest path (a vote's): SQLAlchemy's execution of a cached Core
    statement (its cache key, an execution context, a result object) costs about 40 µs a statement,
    the driver's own execute a few. Parameters go through the statement's bind processors as
    SQLAlchemy would apply them; a driver error is raised as SQLAlchemy's (``DBAPIError``), so
    ``is_transient`` and the outage handling see it as any other, and a lost connection is
    invalidated. Connection events (``before_cursor_execute``) do not see these statements."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict]] = {}

    def _for(self, connection: Connection) -> tuple[str, tuple[str, ...] | None, dict]:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            done = self.statement.compile(dialect=dialect)
            processors = {}
            for key, bind in done.binds.items():
                processor = bind.type._cached_bind_processor(dialect)
                if processor is not None:
                    processors[key] = processor
            positions = tuple(done.positiontup) if done.positional else None
            compiled = self._compiled[dialect.name] = (str(done), positions, processors)
        return compiled

    def execute(self, connection: Connection, params: dict) -> tuple | None:
        """Run with ``params`` (by bind name); returns the first row, if the statement gives rows."""
        sql, positions, processors = self._for(connection)
        values = {key: processors[key](v) if key in processors else v for key, v in params.items()}
        arguments = tuple(values[key] for key in positions) if positions is not None else values
        dbapi = connection.connection
        cursor = dbapi.cursor()
        try:
            cursor.execute(sql, arguments)
            return cursor.fetchone() if cursor.description is not None else None
        except connection.dialect.loaded_dbapi.Error as error:
            lost = connection.dialect.is_disconnect(error, dbapi, cursor)
            if lost:
                connection.invalidate(error)
            raise DBAPIError.instance(
                sql, arguments, error, connection.dialect.loaded_dbapi.Error, lost, connection.dialect
            ) from error
        finally:
            cursor.close()


def _count_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a SAVEPOINT released, not a commit
    session.info["commits"] = session.info.get("commits", 0) + 1


event.listen(Session, "after_commit", _count_commit)


def retrying(unit: Callable[[], T], pause: Callable[[float], object]) -> T:
    """Run ``unit`` (one unit of work ending in its commit) again when the database refused it as
    stale, after a rollback and a short pause, as long as nothing of it was committed yet.

    In WAL mode, SQLite cannot let a transaction that has read write once another connection (a
    worker process, another green thread) has committed since: it answers SQLITE_BUSY_SNAPSHOT
    at once, which no busy timeout waits out. Broadcasts and job enqueues wait for the commit
    (``realtime.outbox``), so running the unit again repeats nothing anyone has seen.
    """
    for attempt in range(1, ATTEMPTS + 1):
        commits = db.session.info.get("commits", 0)
        try:
            return unit()
        except DBAPIError as error:
            if not is_transient(error) or db.session.info.get("commits", 0) != commits:
                raise
            if attempt == ATTEMPTS:
                code = getattr(error.orig, "sqlite_errorcode", None) or getattr(error.orig, "pgcode", None)
                log.warning("gave up after %s attempts refused by the database (code %s)", attempt, code)
                raise
            db.session.rollback()
            pause(0.005 * 2**attempt)
    raise AssertionError("unreachable")


def committed(work: Callable[[], T], pause: Callable[[float], object]) -> T:
    """``work`` and its commit, as one unit of ``retrying``: the one path by which a socket event, a
    write alone of a group commit and a one-shot command store what they did."""

    def unit() -> T:
        result = work()
        db.session.commit()
        return result

    return retrying(unit, pause)


def roll_back_quietly() -> None:
    """Roll back what a failed request or event left, if anything: a rollback that fails too (its
    connection is gone) must not take the answer with it."""
    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback after a failure failed too", exc_info=True)
        db.session.remove()


def init_database(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def _alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database up to ``revision``: an empty database gets the whole schema."""
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several processes starting at once must not migrate side by side: the first one
            # migrates, the others wait here and then find nothing left to do.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
        command.upgrade(_alembic_config(connection), revision)


def is_up_to_date(app: Flask) -> bool:
    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
        heads = ScriptDirectory.from_config(_alembic_config(connection)).get_heads()
        return set(current) == set(heads)

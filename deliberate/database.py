"""Engine set-up and schema migrations."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Engine, event

from deliberate.extensions import db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    """Plain PostgreSQL URLs use the driver we install: SQLAlchemy 2.1 would pick psycopg 3 otherwise,
    and psycogreen (which makes the driver cooperate with eventlet or gevent) patches psycopg2."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url.removeprefix(prefix)
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 10, "check_same_thread": False}}
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

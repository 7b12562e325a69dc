"""Shared fixtures: an application on a fresh SQLite database per test, factories, logged-in clients.

The application context is pushed only around what a fixture or test does with the database, never
around requests: a request or socket event inside a pushed context would share its ``g`` (and so its
logged-in user) with every other request of the test. Factories therefore return plain snapshots.

Tests run in threading mode (no monkey patching) with no message queue: Flask-SocketIO's test client
refuses a queue, and the multi-process tests start real servers instead.
"""

import os
import shutil
import tempfile
import uuid
from types import SimpleNamespace

os.environ["DELIBERATE_ASYNC_MODE"] = "threading"
os.environ.pop("DELIBERATE_MESSAGE_QUEUE", None)
os.environ.pop("DELIBERATE_DATABASE_URL", None)

import pytest  # noqa: E402

from deliberate.app import create_app  # noqa: E402
from deliberate.database import upgrade  # noqa: E402
from deliberate.extensions import db, socketio  # noqa: E402
from deliberate.realtime.publisher import RecordingPublisher  # noqa: E402

PASSWORD = "correct horse"


# Suites that start real servers and a browser each run on one worker, in file order: each shares
# session-wide servers (and the browser suite a browser) between its files. The other workers run the
# in-process tests meanwhile, file by file.
SERVER_SUITES = ("tests/browser/", "tests/multiprocess/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: one worker more than cores, at least three: the two server suites spend much of
    their time waiting for their servers and browser, and the in-process files fill that time."""
    return max(3, (os.cpu_count() or 1) + 1)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist spreads whole files over its workers, and each of SERVER_SUITES as one unit.

    (xdist's own --dist=loadgroup does not keep a group on one worker under pytest 9.2: it renames
    Item._nodeid, which pytest 9.2 no longer reads.)
    """
    from xdist.scheduler import LoadFileScheduling

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for suite in SERVER_SUITES:
                if nodeid.startswith(suite):
                    return suite
            return super()._split_scope(nodeid)

    return Scheduling(config, log)


def pytest_configure(config):
    """Each pytest-xdist worker gets a Redis server of its own (see tests/services.py)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from services import start_private_redis

        config._private_redis = start_private_redis()


def pytest_unconfigure(config):
    server = getattr(config, "_private_redis", None)
    if server is not None:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated database, copied for each test: migrating once keeps the suite fast."""
    folder = tmp_path_factory.mktemp("template")
    app = create_app(make_config(folder, f"sqlite:///{folder / 'template.sqlite3'}"))
    upgrade(app)
    with app.app_context():
        db.engine.dispose()
    return folder / "template.sqlite3"


def make_config(folder, url, **extra):
    """The suite's application configuration on database ``url`` (threading, no queue, no CSRF)."""
    return {
        "INSTANCE_PATH": str(folder),
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret",
        "ASYNC_MODE": "threading",
        "MESSAGE_QUEUE": None,
        "WTF_CSRF_ENABLED": False,
        "RATE_POSTS": 1000,
        "RATE_VOTES": 10000,
        "TESTING": True,
        # Tests call Connections.poll themselves rather than wait for a background loop.
        "DISCONNECT_POLL_SECONDS": 0,
        # Throttles are tested on their own (tests/accounts/test_hardening.py); elsewhere a test may log
        # in or read the state as often as it needs.
        "RATELIMIT_ENABLED": False,
        # Tests flush the opinion groups scheduler themselves (no loop thread racing them).
        "OPINION_GROUPS_LOOP": False,
        # Posting embeds each contribution in an (inline) job; the tests of the suggested themes turn
        # the model on (tests/clusters/test_themes_service.py), the others keep the n-gram fallback.
        "EMBEDDINGS": "off",
        # A one-round hash: the suite creates thousands of accounts, and scrypt took a core ~100 ms for
        # each (half the in-process suite's time). tests/accounts/test_passwords.py checks the default.
        "PASSWORD_HASH": "pbkdf2:sha256:1",
        **extra,
    }


@pytest.fixture
def app_config():
    """Override in a test module to change the configuration (e.g. rate limits)."""
    return {}


@pytest.fixture(scope="session")
def postgres_template():
    """One migrated PostgreSQL database, cloned (CREATE DATABASE ... TEMPLATE) for each test."""
    from services import drop_postgres_database, postgres_url

    url = postgres_url()
    folder = tempfile.mkdtemp(prefix="deliberate-pg-template-")
    app = create_app(make_config(folder, url))
    upgrade(app)
    with app.app_context():
        db.engine.dispose()  # a template database must have no open connection while it is copied
    yield url
    drop_postgres_database(url)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def database_backend():
    """Which database the test's application runs on. A package's conftest parametrises it over
    ``sqlite`` and ``postgresql`` where the difference can matter (rooms, clusters)."""
    return "sqlite"


@pytest.fixture
def database_url(request, tmp_path, migrated_template, database_backend):
    if database_backend == "sqlite":
        database = tmp_path / "deliberate.sqlite3"
        shutil.copy(migrated_template, database)
        yield f"sqlite:///{database}"
        return
    from services import clone_postgres_database, drop_postgres_database

    url = clone_postgres_database(request.getfixturevalue("postgres_template"))
    yield url
    drop_postgres_database(url)


def stop_background(application) -> None:
    """End the loop that a socket connection started (the broadcaster's): left running, every test's
    would go on flushing against its dropped database for the rest of the worker's life."""
    from deliberate.extensions import socketio

    broadcaster = application.extensions.get("deliberate.broadcaster")
    if broadcaster is not None:
        with application.app_context():
            broadcaster.stop(socketio)


@pytest.fixture
def app(tmp_path, database_url, app_config):
    application = create_app(make_config(tmp_path, database_url, **app_config))
    yield application
    stop_background(application)
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def recorder(tmp_path, database_url, app_config):
    """An application whose realtime events are recorded instead of sent."""
    publisher = RecordingPublisher()
    application = create_app(make_config(tmp_path, database_url, PUBLISHER=publisher, **app_config))
    with application.app_context():
        yield publisher
        stop_background(application)
        db.session.remove()
        db.engine.dispose()


def user_snapshot(user) -> SimpleNamespace:
    return SimpleNamespace(id=user.id, email=user.email, name=user.name, is_organiser=user.is_organiser)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    from deliberate.commands import cli

    class Runner:
        def invoke(self, *args: str):
            from click.testing import CliRunner

            env = {
                "DELIBERATE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "DELIBERATE_INSTANCE_PATH": app.instance_path,
                "DELIBERATE_SECRET_KEY": "x",
            }
            return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    return Runner()


@pytest.fixture
def make_user(app):
    from deliberate.accounts.services import create_user

    def make(
        name: str = "Ana", *, email: str | None = None, organiser: bool = False, language: str | None = None
    ):
        with app.app_context():
            user = create_user(
                email or f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org",
                name,
                PASSWORD,
                organiser=organiser,
                language=language,
            )
            db.session.commit()
            return user_snapshot(user)

    return make


@pytest.fixture
def demo_session(app):
    from deliberate.sessions.demo import ensure_demo

    with app.app_context():
        session, _ = ensure_demo()
        db.session.commit()
        return SimpleNamespace(
            id=session.id,
            code=session.code,
            questions=[SimpleNamespace(id=q.id, position=q.position) for q in session.questions],
        )


@pytest.fixture
def make_member(app, make_user, demo_session):
    """A person registered to the demo session with ``role``."""
    from deliberate.accounts.models import User
    from deliberate.sessions.models import PanelSession
    from deliberate.sessions.services import grant

    def make(role: str = "attendee", name: str | None = None):
        snapshot = make_user(name or role.capitalize(), organiser=role == "organiser")
        if role != "organiser":
            with app.app_context():
                grant(
                    db.session.get(PanelSession, demo_session.id),
                    db.session.get(User, snapshot.id),
                    role,
                    actor=None,
                )
                db.session.commit()
        return snapshot

    return make


@pytest.fixture
def login(app):
    """A new HTTP client logged in as ``user``."""

    def log_in(user):
        http = app.test_client()
        response = http.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return http

    return log_in


@pytest.fixture
def connect(app, login):
    """A Socket.IO test client authenticated as ``user`` (the login cookie reaches the socket)."""
    clients = []

    def open_socket(user):
        http = login(user)
        sock = socketio.test_client(app, flask_test_client=http)
        assert sock.is_connected()
        clients.append(sock)
        return sock

    yield open_socket
    for sock in clients:
        if sock.is_connected():
            sock.disconnect()


@pytest.fixture
def question(demo_session):
    """The demo session's first question."""
    return demo_session.questions[0]


@pytest.fixture
def joined(connect, question):
    """A socket of ``user`` that has joined the first question's room."""

    def join(user):
        sock = connect(user)
        ack = sock.emit("join", {"question_id": question.id}, callback=True)
        assert ack["ok"], ack
        sock.get_received()  # start each test from a quiet socket
        return sock

    return join


@pytest.fixture
def filled(app, demo_session, make_member):
    """The demo session with question 1 filled through the real services (see reports/report_session)."""
    from reports.report_session import fill

    return fill(app, demo_session, make_member)

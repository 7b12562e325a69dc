"""The ``deliberate`` command line: demo, user add, grant."""

import os
import subprocess
import sys

import pytest
from conftest import PASSWORD

from deliberate.extensions import db
from deliberate.sessions.models import PanelSession, Question


def counts(app) -> tuple[int, int]:
    with app.app_context():
        sessions = db.session.scalar(db.select(db.func.count()).select_from(PanelSession))
        questions = db.session.scalar(db.select(db.func.count()).select_from(Question))
    return sessions, questions


def log_in(app, email: str):
    http = app.test_client()
    response = http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    return http, response


def assert_one_line_error(result) -> None:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("deliberate: ")


def test_demo_creates_the_demo_session_with_five_questions(app, runner):
    result = runner.invoke("demo")

    assert result.exit_code == 0
    assert "Created session uclg-1-3-2" in result.stdout
    assert counts(app) == (1, 5)


def test_demo_twice_keeps_one_session(app, runner):
    runner.invoke("demo")

    result = runner.invoke("demo")

    assert result.exit_code == 0
    assert "Already there: session uclg-1-3-2" in result.stdout
    assert counts(app) == (1, 5)


def test_user_add_creates_an_account_that_can_log_in(app, runner):
    result = runner.invoke("user", "add", "Nora@Example.org", "--name", "Nora", "--password", PASSWORD)

    assert result.exit_code == 0
    http, response = log_in(app, "nora@example.org")
    assert response.status_code == 200
    assert response.get_json()["user"]["organiser"] is False


def test_user_add_organiser_creates_an_organiser(app, runner):
    runner.invoke("user", "add", "olga@example.org", "--name", "Olga", "--password", PASSWORD, "--organiser")

    http, response = log_in(app, "olga@example.org")

    assert response.get_json()["user"]["organiser"] is True
    assert http.get("/organiser/").status_code == 200


def test_user_add_with_a_taken_email_fails_with_one_line(runner):
    runner.invoke("user", "add", "nora@example.org", "--name", "Nora", "--password", PASSWORD)

    result = runner.invoke("user", "add", "nora@example.org", "--name", "Nora", "--password", PASSWORD)

    assert_one_line_error(result)
    assert "already exists" in result.stderr


def test_user_add_with_a_short_password_fails_with_one_line(runner):
    result = runner.invoke("user", "add", "nora@example.org", "--name", "Nora", "--password", "short")

    assert_one_line_error(result)
    assert "password" in result.stderr


def test_grant_with_an_unknown_role_fails_with_one_line(runner, make_user, demo_session):
    person = make_user()

    result = runner.invoke("grant", "uclg-1-3-2", person.email, "emperor")

    assert_one_line_error(result)
    assert "unknown role 'emperor'" in result.stderr


def test_grant_in_an_unknown_session_fails_with_one_line(runner, make_user, demo_session):
    person = make_user()

    result = runner.invoke("grant", "no-such-panel", person.email, "moderator")

    assert_one_line_error(result)
    assert "no-such-panel" in result.stderr


def test_grant_to_an_unknown_email_fails_with_one_line(runner, demo_session):
    result = runner.invoke("grant", "uclg-1-3-2", "nobody@example.org", "moderator")

    assert_one_line_error(result)
    assert "nobody@example.org" in result.stderr


def test_granted_moderator_reads_the_session_as_moderator(app, runner, make_user, demo_session):
    person = make_user()

    result = runner.invoke("grant", "uclg-1-3-2", person.email, "moderator")

    assert result.exit_code == 0
    http, _ = log_in(app, person.email)
    response = http.get("/api/v1/sessions/uclg-1-3-2")
    assert response.status_code == 200
    assert response.get_json()["role"] == "moderator"


def test_grant_survives_a_write_that_the_server_commits_while_it_runs(
    app, runner, make_user, demo_session, monkeypatch
):
    """A command runs against a live server's SQLite file: when the server (or a worker) commits
    between the command's first read and its first write, SQLite refuses the stale transaction at
    once (no busy timeout waits that out); the command runs it again instead of failing."""
    import sqlite3

    from deliberate.sessions import services

    person = make_user()
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    real_grant, calls = services.grant, []

    def grant_while_the_server_writes(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:  # the command has read the session and the account: the server writes
            other = sqlite3.connect(path)
            other.execute("PRAGMA user_version = 7")
            other.commit()
            other.close()
        return real_grant(*args, **kwargs)

    monkeypatch.setattr(services, "grant", grant_while_the_server_writes)
    result = runner.invoke("grant", "uclg-1-3-2", person.email, "moderator")

    assert (result.exit_code, len(calls)) == (0, 2), result.stderr
    http, _ = log_in(app, person.email)
    assert http.get("/api/v1/sessions/uclg-1-3-2").get_json()["role"] == "moderator"


def test_console_script_fails_cleanly_on_an_unknown_session(tmp_path):
    env = {
        **os.environ,
        "DELIBERATE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DELIBERATE_INSTANCE_PATH": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "-m", "deliberate.cli", "grant", "nope", "a@b.c", "moderator"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("deliberate: ")


@pytest.mark.parametrize(
    "args",
    [
        ["export", "uclg-1-3-2", "--format", "xml"],
        ["import-polis", "/nowhere", "uclg-1-3-2", "first"],
        ["grant", "uclg-1-3-2"],
        ["no-such-command"],
    ],
)
def test_console_script_answers_a_usage_error_in_one_line(tmp_path, args):
    env = {
        **os.environ,
        "DELIBERATE_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "DELIBERATE_INSTANCE_PATH": str(tmp_path),
    }

    result = subprocess.run(
        [sys.executable, "-m", "deliberate.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("deliberate: ")


def test_serve_refuses_a_message_queue_without_a_shared_secret_key(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DELIBERATE_")}
    env.update(
        DELIBERATE_INSTANCE_PATH=str(tmp_path),
        DELIBERATE_MESSAGE_QUEUE="redis://127.0.0.1:6379/15",
        DELIBERATE_ASYNC_MODE="threading",
    )

    result = subprocess.run(
        [sys.executable, "-m", "deliberate.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "DELIBERATE_SECRET_KEY" in result.stderr
    # Refused before anything was written: no generated key, no database.
    assert list(tmp_path.iterdir()) == []

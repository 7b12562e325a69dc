"""The command-line interface of the contract. Each command: parse, call a service, commit, report."""

import gc
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TypeVar

import click
from flask import Flask

from deliberate.errors import DomainError

T = TypeVar("T")


def _app(serving: bool = False, **config) -> Flask:
    from deliberate.app import create_app
    from deliberate.database import upgrade

    app = create_app(config if serving else {"ASYNC_MODE": "threading", **config})
    upgrade(app)
    return app


def _committed(work: Callable[[], T]) -> T:
    """``work`` and its commit, in the command's application context; run again when SQLite refused
    the transaction as stale: a server or worker on the same file committed between the command's
    first read and its first write (SQLITE_BUSY_SNAPSHOT, "database is locked" at once, which no
    busy timeout waits out). ``create_user`` hashes a password (about 100 ms) in just that gap."""
    import time

    from deliberate.database import committed

    return committed(work, time.sleep)


def fails_cleanly(command: Callable) -> Callable:
    """Bad input ends in one line on stderr and exit status 1, never a traceback."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as error:
            click.echo(f"deliberate: {error.message}", err=True)
            sys.exit(1)
        except OSError as error:
            click.echo(
                f"deliberate: {error.strerror or error}: {error.filename or ''}".rstrip(": "), err=True
            )
            sys.exit(1)

    return wrapper


@click.group()
def cli() -> None:
    """Deliberate: real-time deliberation for live, multilingual panel discussions."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Create the demo session first if it does not exist.")
@fails_cleanly
def serve(host: str, port: int, demo: bool) -> None:
    """Run the server (single worker)."""
    from deliberate.extensions import db, socketio

    if os.environ.get("DELIBERATE_MESSAGE_QUEUE") and not os.environ.get("DELIBERATE_SECRET_KEY"):
        raise DomainError(
            "invalid",
            "DELIBERATE_MESSAGE_QUEUE is set but DELIBERATE_SECRET_KEY is not: every process would "
            "generate its own key and refuse the others' login cookies; set the same key on all of them",
        )
    if os.environ.get("DELIBERATE_SMTP_HOST") and not os.environ.get("DELIBERATE_PUBLIC_URL"):
        raise DomainError(
            "invalid",
            "DELIBERATE_SMTP_HOST is set but DELIBERATE_PUBLIC_URL is not: links in mails would be built "
            "from the Host header a client sends; set the address people use",
        )
    if os.environ.get("DELIBERATE_JOB_QUEUE") and not os.environ.get("DELIBERATE_MESSAGE_QUEUE"):
        raise DomainError(
            "invalid",
            "DELIBERATE_JOB_QUEUE is set but DELIBERATE_MESSAGE_QUEUE is not: the workers' progress "
            "reaches the pages through the message queue; set both",
        )
    app = _app(serving=True)
    if demo:
        from deliberate.sessions.demo import ensure_demo

        with app.app_context():
            ensure_demo()
            db.session.commit()
    from deliberate.rooms.language import detect

    detect("warm up the detector", "en")  # loads its models now rather than during the first post
    # Everything loaded so far (the app, SQLAlchemy, the detector, scikit-learn) lives as long as the
    # process: moved out of the collector's reach, and with rarer collections, a thousand connections'
    # worth of objects no longer stall the event loop for hundreds of milliseconds under load
    # (bench/vote_storm.py: ack p95 from about 250 ms to under 100 ms).
    from deliberate.jobs import setup as jobs_setup

    jobs_setup.start(app)  # the embedded worker pool, or the sweep of the Redis queue's dead workers
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    from deliberate import asyncmode

    # What the Engine.IO server really runs on, and whether the sockets are patched for it.
    running = socketio.server.eio.async_mode
    patched = ", sockets patched" if asyncmode.socket_patched() else ""
    click.echo(f"Deliberate on http://{host}:{port}/ ({running}{patched})", err=True)
    drain = _drain_on_sigterm(app, port)
    # The disconnect poll (and with Redis the sockets' heartbeat and the balance rounds) from the start,
    # not from the first connection: a process just restarted must say at once that it holds nobody.
    app.extensions["deliberate.connections"].start_polling(
        app, socketio, app.config["DISCONNECT_POLL_SECONDS"]
    )
    # gevent's server spawns a greenlet per connection without a limit; eventlet's pool has one.
    options = {"max_size": app.config["MAX_CONNECTIONS"]} if running == "eventlet" else {}
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False, **options)
    except OSError:
        if not drain.draining:
            raise  # the listener was shut by the drain: it ends the process itself
    drain.finished.wait()


def _drain_on_sigterm(app, port: int):
    """SIGTERM drains (realtime/drain.py) for DELIBERATE_DRAIN_SECONDS at most; a second one exits."""
    import logging
    import signal

    from deliberate.extensions import socketio
    from deliberate.realtime.drain import Drain

    drain = Drain(app.config["DRAIN_SECONDS"])
    app.extensions["deliberate.drain"] = drain

    def leave() -> None:
        logging.shutdown()
        os._exit(0)

    def drained() -> None:
        # The tallies this process took from the store but has not sent yet go out before it exits.
        broadcaster = app.extensions.get("deliberate.broadcaster")
        if broadcaster is not None:
            broadcaster.stop(socketio)
        leave()

    def terminated(_signal, _frame) -> None:
        if drain.draining:
            leave()
        click.echo("SIGTERM: draining", err=True)
        drain.begin(port, socketio, drained)

    signal.signal(signal.SIGTERM, terminated)
    return drain


@cli.command()
@fails_cleanly
def demo() -> None:
    """Create the demo session uclg-1-3-2 (does nothing if it exists)."""
    from deliberate.sessions.demo import ensure_demo

    with _app().app_context():
        session, created = _committed(ensure_demo)
        click.echo(f"{'Created' if created else 'Already there:'} session {session.code}")


@cli.group()
def user() -> None:
    """Manage accounts."""


@user.command("add")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--organiser", is_flag=True, help="Make this account an organiser (site-wide).")
@fails_cleanly
def user_add(email: str, name: str, password: str, organiser: bool) -> None:
    """Create an account."""
    from deliberate.accounts.services import create_user

    with _app().app_context():
        account = _committed(lambda: create_user(email, name, password, organiser=organiser))
        click.echo(f"Created {'organiser' if organiser else 'account'} {account.email}")


@user.command("verify")
@click.argument("email")
@fails_cleanly
def user_verify(email: str) -> None:
    """Mark EMAIL's address verified (an operator who knows it is theirs; no mail needed)."""
    from deliberate.accounts.services import find_by_email
    from deliberate.dbtypes import utcnow
    from deliberate.errors import not_found

    def verify():
        account = find_by_email(email)
        if account is None:
            raise not_found(f"No account with the e-mail address {email}.")
        account.email_verified_at = account.email_verified_at or utcnow()
        return account

    with _app().app_context():
        account = _committed(verify)
        click.echo(f"Verified {account.email}")


@cli.command()
@click.argument("session_code")
@click.argument("email")
@click.argument("role")
@fails_cleanly
def grant(session_code: str, email: str, role: str) -> None:
    """Give EMAIL the ROLE (attendee, panelist, moderator, rapporteur) in a session."""
    from deliberate.accounts.services import find_by_email
    from deliberate.errors import not_found
    from deliberate.sessions.models import ROLES
    from deliberate.sessions.services import get_session
    from deliberate.sessions.services import grant as grant_role

    if role not in ROLES:
        raise DomainError("invalid", f"unknown role {role!r}: choose one of {', '.join(ROLES)}")

    def give():
        session = get_session(session_code)
        account = find_by_email(email)
        if account is None:
            raise not_found(f"no account with e-mail address {email!r}")
        grant_role(session, account, role, actor=None)
        return session, account

    with _app().app_context():
        session, account = _committed(give)
        click.echo(f"{account.email} is now {role} in {session.code}")


@cli.command()
@click.argument("session_code")
@click.argument("email")
@click.option("--readmit", is_flag=True, help="Let the person register again.")
@fails_cleanly
def exclude(session_code: str, email: str, readmit: bool) -> None:
    """Exclude EMAIL from a session (their sockets close, they cannot register again), or readmit."""
    from deliberate.accounts.services import find_by_email
    from deliberate.errors import not_found
    from deliberate.sessions import exclusions
    from deliberate.sessions.services import get_session

    def decide():
        session = get_session(session_code)
        account = find_by_email(email)
        if account is None:
            raise not_found(f"no account with e-mail address {email!r}")
        if readmit:
            exclusions.readmit(session, account, actor=None)
        else:
            exclusions.exclude(session, account, actor=None)
        return session, account

    with _app().app_context():
        session, account = _committed(decide)
        click.echo(f"{account.email} is {'readmitted to' if readmit else 'excluded from'} {session.code}")


def _write(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)


@cli.command()
@click.argument("session_code")
@click.option(
    "--format", "fmt", required=True, type=click.Choice(["html", "md", "pdf", "docx", "json", "csv"])
)
@click.option("--lang", default="en", show_default=True, type=click.Choice(["fr", "en", "es"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--translations", is_flag=True, help="Print the stored translations beside each original (not in CSV)."
)
@fails_cleanly
def export(session_code: str, fmt: str, lang: str, output: Path | None, translations: bool) -> None:
    """Write the session report (stdout when no -o)."""
    from deliberate.reports.service import export_file
    from deliberate.sessions.services import get_session

    with _app().app_context():
        report = export_file(None, get_session(session_code), fmt, lang, translations)
    _write(report.data, output)


@cli.command()
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
@click.option("--local", is_flag=True, hidden=True, help="Run as a child of `serve`'s embedded pool.")
@fails_cleanly
def worker(burst: bool, local: bool) -> None:
    """Run jobs (exports, suggested themes, versions) from the Redis queue DELIBERATE_JOB_QUEUE."""
    if local:
        from deliberate.jobs.local import serve_parent

        serve_parent(_app())
        return
    url, events = os.environ.get("DELIBERATE_JOB_QUEUE"), os.environ.get("DELIBERATE_MESSAGE_QUEUE")
    if not url or not events:
        raise DomainError(
            "invalid",
            "set DELIBERATE_JOB_QUEUE (the jobs) and DELIBERATE_MESSAGE_QUEUE (their progress), "
            "as for `deliberate serve`",
        )
    from deliberate.jobs.queue import QueuePublisher, work
    from deliberate.realtime.setup import message_channel, publish_through

    publisher = QueuePublisher(events, message_channel(events))
    app = _app(PUBLISHER=publisher)
    publish_through(app, publisher)
    click.echo(f"Deliberate worker on {url}", err=True)
    work(app, url, burst=burst)


@cli.command("import-polis")
@click.argument("directory", type=click.Path(path_type=Path))
@click.argument("session_code")
@click.argument("position", type=int)
@fails_cleanly
def import_polis(directory: Path, session_code: str, position: int) -> None:
    """Import a Pol.is open-data export (comments.csv, votes.csv) into question POSITION."""
    from deliberate.polis.importer import import_conversation
    from deliberate.sessions.services import get_session

    def imported():
        session = get_session(session_code)
        return session, import_conversation(directory, session, position)

    with _app().app_context():
        session, result = _committed(imported)
        click.echo(
            f"Imported {result.contributions} contributions ({result.hidden} hidden), "
            f"{result.participants} participants and {result.votes} votes into {session.code} "
            f"question {position}"
        )


@cli.command("export-polis")
@click.argument("session_code")
@click.argument("position", type=int)
@click.argument("directory", type=click.Path(path_type=Path))
@fails_cleanly
def export_polis(session_code: str, position: int, directory: Path) -> None:
    """Write question POSITION as Pol.is comments.csv and votes.csv into DIRECTORY."""
    from deliberate.polis.exporter import export_conversation
    from deliberate.sessions.services import get_session

    with _app().app_context():
        result = export_conversation(get_session(session_code), position, directory)
    click.echo(f"Exported {result.comments} comments and {result.votes} votes to {directory}")

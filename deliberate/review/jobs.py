"""Review work as jobs: freezing a version (the report in every language of the session), rendering a
frozen version as a file, and what a version changed. They cost seconds (the last tens of milliseconds)
on a large session, so never in the server's loop."""

import json

from flask_babel import force_locale
from flask_babel import gettext as _

from deliberate import jobs
from deliberate.access import role_in
from deliberate.accounts.models import User
from deliberate.errors import not_found
from deliberate.extensions import db
from deliberate.sessions.models import PanelSession

SUBMIT = "deliberate.review.jobs.submit"
RENDER = "deliberate.review.jobs.render"
CHANGES = "deliberate.review.jobs.changes"


def _session(session_id: int) -> PanelSession:
    session = db.session.get(PanelSession, session_id)
    if session is None:
        raise not_found(_("No such session."))
    return session


def submit(session_id: int, user_id: int, language: str) -> dict:
    """Freeze the report as the next version, as the moderator who asked (role checked again)."""
    from deliberate.review import services

    session = _session(session_id)
    actor = db.session.get(User, user_id)
    role = role_in(actor, session) if actor is not None else None
    services.require_submitter(role)
    frozen = services.freeze(session, language)
    # End the reading transaction before writing: on SQLite, one that has read while others wrote
    # (the rooms, this job's progress marks) cannot start writing.
    db.session.commit()
    version = services.submit(actor, role, session, language, frozen)
    return {"version": version.number}


def render(session_id: int, number: int, fmt: str, language: str, public: bool) -> dict:
    """Version ``number`` as ``fmt``: for reviewers, frozen as submitted; ``public``, as the published
    report reads it (``language`` if frozen in it, hidden contributions out, attendees pseudonymous)."""
    from deliberate.privacy.redact import public_authors
    from deliberate.reports import redact
    from deliberate.reports.jobs import state_digest
    from deliberate.reports.service import render_snapshot
    from deliberate.review import services

    session = _session(session_id)
    version = services.get_version(session, number)
    jobs.progress(0, 2)
    if public:
        report, _frozen_in = services.in_language(version, language)
        report = redact.without(report, redact.hidden_in(session))
        with force_locale(language):
            report = public_authors(report, session)
    else:
        report, language = version.snapshot, version.language
    cache_key = f"version:{session_id}:{number}:{fmt}:{language}:{int(public)}:{state_digest(report)}"
    file_id = jobs.cached_file(cache_key)
    cached = file_id is not None
    if not cached:
        jobs.progress(1, 2)
        made = render_snapshot(report, fmt, language)
        file_id = jobs.store_file(cache_key, made.data, made.media_type, made.filename)
    return {"file": file_id, "cached": cached}


def changes_key(session_id: int, number: int) -> str:
    return f"changes:{session_id}:{number}"


def body_key(session_id: int, number: int) -> str:
    """The cached part of ``GET /api/v1/sessions/CODE/versions/N`` that never changes (its changes,
    sections and frozen report, serialised once), which the route sends with the live parts."""
    return f"version-body:{session_id}:{number}"


def changes(session_id: int, number: int) -> dict:
    """What version ``number`` changed since the one before, and its sections, kept as a JSON file, and
    the same with the frozen report as the API's answer: reading two frozen reports, diffing their
    syntheses word by word and serialising a report of megabytes is no work for the server's loop, and
    a version never changes, so this runs once per version."""
    from deliberate.review import diff, services

    session = _session(session_id)
    key = changes_key(session_id, number)
    file_id = jobs.cached_file(key)
    if file_id is None or jobs.cached_file(body_key(session_id, number)) is None:
        version = services.get_version(session, number)
        before = services.previous(version)
        jobs.progress(0, 1)
        made = {
            "previous": before.number if before is not None else None,
            "changes": diff.changes(before.snapshot if before is not None else None, version.snapshot),
            "sections": services.sections(version.snapshot),
        }
        data = json.dumps(made, ensure_ascii=False).encode()
        file_id = jobs.store_file(key, data, "application/json", f"changes-v{number}.json")
        body = {"changes": made["changes"], "sections": made["sections"], "report": version.snapshot}
        jobs.store_file(
            body_key(session_id, number),
            json.dumps(body, ensure_ascii=False).encode(),
            "application/json",
            f"version-v{number}.json",
        )
    return {"file": file_id}

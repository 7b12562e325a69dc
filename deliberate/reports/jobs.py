"""Report exports as jobs: build the report, then render it, unless that very report is in the cache."""

import hashlib
import json

from flask_babel import gettext as _

from deliberate import jobs
from deliberate.errors import not_found
from deliberate.extensions import db
from deliberate.reports.builder import build_report
from deliberate.reports.service import render_snapshot
from deliberate.sessions.models import PanelSession


def state_digest(report: dict) -> str:
    """What the report says, without the moment it was built: equal digests, equal files."""
    content = {k: v for k, v in report.items() if k != "generated_at"}
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def export(session_id: int, fmt: str, language: str, translations: bool = False) -> dict:
    session = db.session.get(PanelSession, session_id)
    if session is None:
        raise not_found(_("No such session."))
    jobs.progress(0, 3)
    report = build_report(session, language, translations=translations)
    jobs.progress(1, 3)
    # The digest covers the translations too (with_translations and each text's), so a new or
    # confirmed translation makes a new file.
    cache_key = f"report:{session_id}:{fmt}:{language}:{state_digest(report)}"
    file_id = jobs.cached_file(cache_key)
    cached = file_id is not None
    if not cached:
        made = render_snapshot(report, fmt, language)
        jobs.progress(2, 3)
        file_id = jobs.store_file(cache_key, made.data, made.media_type, made.filename)
    return {"file": file_id, "cached": cached}

"""Exporting a session's report: build once, render in the format asked for."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _

from deliberate import jobs, validation
from deliberate.config import LANGUAGES
from deliberate.extensions import db
from deliberate.reports.builder import build_report
from deliberate.reports.renderers import FORMATS, render
from deliberate.reports.translated import report_labels
from deliberate.sessions.models import PanelSession


@dataclass(frozen=True)
class ReportFile:
    data: bytes
    media_type: str
    filename: str


def render_snapshot(report: dict, fmt: object, language: str) -> ReportFile:
    fmt = validation.choice(fmt, "format", tuple(FORMATS))
    _renderer, media_type, extension = FORMATS[fmt]
    data = render(report, report_labels(language), fmt)
    version = f"-v{report['version']['number']}" if report.get("version") else ""
    translated = "-with-translations" if report.get("with_translations") else ""
    name = f"{report['session']['code']}-report{version}-{language}{translated}.{extension}"
    return ReportFile(data, media_type, name)


def export(session: PanelSession, fmt: object, language: object, translations: object = False) -> ReportFile:
    """The current report of ``session`` as ``fmt`` (html, md, pdf, docx, json, csv) in ``language``;
    with ``translations``, each text with its translations beside it."""
    fmt = validation.choice(fmt, "format", tuple(FORMATS))
    language = validation.choice(language, "lang", LANGUAGES)
    translations = validation.flag(translations, "translations")
    return render_snapshot(build_report(session, language, translations=translations), fmt, language)


# --- As jobs: the web and the command line share these ---------------------------------------------

JOB = "deliberate.reports.jobs.export"


def start_export(
    actor_id: int | None, session: PanelSession, fmt: object, language: object, translations: object = False
) -> dict:
    """Enqueue the export (after the commit); the same request while one runs shares that job."""
    from deliberate.access import EXPORTS

    fmt = validation.choice(fmt, "format", tuple(FORMATS))
    language = validation.choice(language, "lang", LANGUAGES)
    translations = validation.flag(translations, "translations")
    # Without translations the job's arguments and key stay as they were (jobs queued before still run).
    extra, suffix = ((True,), ":translations") if translations else ((), "")
    return jobs.enqueue(
        JOB,
        session.id,
        fmt,
        language,
        *extra,
        key=f"export:{session.id}:{fmt}:{language}{suffix}",
        user_id=actor_id,
        session_id=session.id,
        roles=EXPORTS,
        language=language,
    )


def job_file(job) -> ReportFile:
    """The file of a finished export job, or why there is none."""
    kept = jobs.result_file(job, unfinished=_("The report is still being made; try again in a moment."))
    return ReportFile(kept.data, kept.media_type, kept.filename)


def export_file(
    actor_id: int | None, session: PanelSession, fmt: object, language: object, translations: object = False
) -> ReportFile:
    """Export as a job and wait for its file (the server keeps serving meanwhile)."""
    started = start_export(actor_id, session, fmt, language, translations)
    db.session.commit()
    return job_file(jobs.wait(started["id"], current_app.config["JOB_WAIT"]))

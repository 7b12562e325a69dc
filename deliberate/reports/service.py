"""Exporting a session's report: build once, render in the format asked for."""

from dataclasses import dataclass

from deliberate import validation
from deliberate.config import LANGUAGES
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
    return ReportFile(data, media_type, f"{report['session']['code']}-report{version}-{language}.{extension}")


def export(session: PanelSession, fmt: object, language: object) -> ReportFile:
    """The current report of ``session`` as ``fmt`` (html, md, pdf, docx, json, csv) in ``language``."""
    fmt = validation.choice(fmt, "format", tuple(FORMATS))
    language = validation.choice(language, "lang", LANGUAGES)
    return render_snapshot(build_report(session, language), fmt, language)

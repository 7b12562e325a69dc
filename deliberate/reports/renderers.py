"""One entry point for every report format: format key -> (renderer, media type, file extension)."""

from collections.abc import Callable

from deliberate.reports.labels import with_defaults
from deliberate.reports.render_csv import render_csv
from deliberate.reports.render_docx import render_docx
from deliberate.reports.render_html import render_html
from deliberate.reports.render_json import render_json
from deliberate.reports.render_markdown import render_markdown
from deliberate.reports.render_pdf import render_pdf
from deliberate.reports.text import without_controls

Renderer = Callable[[dict, dict[str, str]], bytes]

# Text formats a person may print to a terminal (``deliberate export`` writes to stdout); the PDF and
# DOCX writers clean their own text, JSON escapes control characters.
CLEANED = frozenset({"html", "md", "csv"})

FORMATS: dict[str, tuple[Renderer, str, str]] = {
    "html": (render_html, "text/html; charset=utf-8", "html"),
    "md": (render_markdown, "text/markdown; charset=utf-8", "md"),
    "pdf": (render_pdf, "application/pdf", "pdf"),
    "docx": (render_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "json": (render_json, "application/json", "json"),
    "csv": (render_csv, "text/csv; charset=utf-8", "csv"),
}


def render(report: dict, labels: dict[str, str], fmt: str) -> bytes:
    """Render ``report`` as ``fmt``; missing labels fall back to English rather than failing."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format: {fmt!r}")
    renderer, _media_type, _extension = FORMATS[fmt]
    if fmt in CLEANED:
        report = without_controls(report)
    return renderer(report, with_defaults(labels))

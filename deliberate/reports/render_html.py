"""The printable, standalone HTML report (also the source of the PDF)."""

from functools import lru_cache

import jinja2
from markupsafe import Markup

from deliberate.paths import resource_dir
from deliberate.reports.charts import activity_chart, opinion_map_chart, support_chart
from deliberate.reports.labels import (
    colon,
    count,
    language_label,
    original_note,
    percent,
    quoted,
    role_label,
    session_date,
    short_datetime,
    short_time,
    status_label,
    translation_note,
)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    # A standalone environment, not Flask's: renderers must work without an app (CLI, tests, workers).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates") / "report"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def render_html(report: dict, labels: dict[str, str]) -> bytes:
    # The charts are built here from escaped text, hence Markup; every other value is autoescaped.
    charts = {
        question["id"]: {
            "support": Markup(support_chart(question["clusters"], labels)),
            "activity": Markup(activity_chart(question["activity"], labels)),
            "opinion_map": Markup(opinion_map_chart(question.get("opinion_groups") or {}, labels)),
        }
        for question in report["questions"]
    }
    # Dates, counts and quotes in the report's language (the labels carry it).
    env = _environment().overlay()
    env.filters.update(
        datetime=lambda iso: short_datetime(iso, labels),
        time=lambda iso: short_time(iso, labels),
        count=lambda n: count(n, labels),
        percent=lambda share: percent(share, labels),
        quoted=lambda text: quoted(text, labels),
        colon=lambda name: colon(name, labels),
        language_name=lambda code: language_label(labels, code),
    )
    html = env.get_template("report.html").render(
        report=report,
        session=report["session"],
        labels=labels,
        charts=charts,
        session_date=session_date(report["session"], labels),
        role_name=lambda role: role_label(labels, role),
        status_name=lambda status: status_label(labels, status),
        language_name=lambda code: language_label(labels, code),
        translation_note=lambda entry: translation_note(labels, entry),
        original_note=lambda code: original_note(labels, code),
    )
    return html.encode("utf-8")

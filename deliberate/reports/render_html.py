"""The printable, standalone HTML report (also the source of the PDF)."""

from functools import lru_cache

import jinja2
from markupsafe import Markup

from deliberate.paths import resource_dir
from deliberate.reports.charts import activity_chart, opinion_map_chart, support_chart
from deliberate.reports.labels import (
    language_label,
    original_note,
    role_label,
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
    env.filters["datetime"] = short_datetime
    env.filters["time"] = short_time
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
    html = (
        _environment()
        .get_template("report.html")
        .render(
            report=report,
            session=report["session"],
            labels=labels,
            charts=charts,
            role_name=lambda role: role_label(labels, role),
            status_name=lambda status: status_label(labels, status),
            language_name=lambda code: language_label(labels, code),
            translation_note=lambda entry: translation_note(labels, entry),
            original_note=lambda code: original_note(labels, code),
        )
    )
    return html.encode("utf-8")

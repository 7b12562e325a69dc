"""The session report carries each question's opinion groups, in every format and language."""

import io
import json

import pytest

from deliberate.extensions import db
from deliberate.reports.builder import build_report
from deliberate.reports.renderers import render
from deliberate.reports.translated import report_labels
from deliberate.sessions.models import PanelSession


@pytest.fixture
def report(app, scheduler, camps, demo_session):
    scheduler.flush()
    with app.app_context():
        return build_report(db.session.get(PanelSession, demo_session.id), "en"), report_labels("en")


def test_the_json_report_has_the_full_figures(report, camps):
    data, labels = report
    section = json.loads(render(data, labels, "json"))["questions"][0]["opinion_groups"]

    assert section["participants"] == 14
    assert [g["size"] for g in section["groups"]] == [7, 7]
    (first, *_) = section["consensus"]
    assert first["contribution_id"] == camps.contributions[1]
    assert [(g["agree"], g["disagree"]) for g in first["groups"]] == [(7, 0), (7, 0)]
    assert len(section["points"]) == 14


@pytest.mark.parametrize("fmt", ["html", "md", "csv"])
def test_text_reports_name_the_groups_and_the_common_ground(report, fmt):
    data, labels = report
    text = render(data, labels, fmt).decode("utf-8-sig")

    if fmt == "csv":
        assert "opinion_consensus_rank" in text.splitlines()[0] and "A:7/0/7|B:7/0/7" in text
    else:
        assert labels["opinion_groups"] in text and labels["opinion_consensus"] in text
        assert "Contribution 1" in text


def test_the_html_report_draws_the_map(report):
    data, labels = report
    html = render(data, labels, "html").decode()
    assert html.count("<circle") >= 14


def test_the_docx_report_has_the_section(report):
    from docx import Document

    data, labels = report
    document = Document(io.BytesIO(render(data, labels, "docx")))
    headings = [p.text for p in document.paragraphs]
    assert labels["opinion_groups"] in headings and labels["opinion_consensus"] in headings


def test_the_pdf_report_has_the_section(report):
    import pypdf

    data, labels = report
    reader = pypdf.PdfReader(io.BytesIO(render(data, labels, "pdf")))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert labels["opinion_groups"] in text and "Contribution 1" in text


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_labels_are_translated(app, language):
    with app.app_context():
        assert report_labels(language)["opinion_groups"] != report_labels("en")["opinion_groups"]


def test_a_published_version_leaves_out_what_was_hidden_since(report, camps):
    from deliberate.reports.redact import without

    data, _labels = report
    unites = camps.contributions[1]
    section = without(data, {unites})["questions"][0]["opinion_groups"]

    assert unites not in [c["contribution_id"] for c in section["consensus"]]
    assert unites in [c["contribution_id"] for c in data["questions"][0]["opinion_groups"]["consensus"]]

"""Reports in their reader's conventions: dates, counts, quotes and languages of the report's locale,
the proofing language of the DOCX, and ``lang`` on every text written in a known language."""

import io
import re

import docx
import pytest
from reports.report_data import make_report

from deliberate import formatting
from deliberate.reports.labels import with_defaults
from deliberate.reports.render_docx import render_docx
from deliberate.reports.render_html import render_html
from deliberate.reports.render_markdown import render_markdown

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def labels_in(language: str) -> dict[str, str]:
    return with_defaults({"locale": language})


@pytest.fixture
def report() -> dict:
    report = make_report()
    first = report["questions"][0]
    contributions = first["clusters"][0]["contributions"]
    first["most_agreed"] = contributions[:2]
    first["footnotes"] = [
        {
            "number": 1,
            "contribution_id": c["id"],
            "text": c["text"],
            "language": c["language"],
            "agree": 1,
            "disagree": 0,
        }
        for c in contributions[:2]
    ]
    first["participation"]["votes"] = 12345
    return report


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_helper_writes_dates_times_and_counts_the_locales_way():
    assert formatting.long_date("2026-12-02", "fr") == "2 décembre 2026"
    assert formatting.long_date("2026-12-02", "es") == "2 de diciembre de 2026"
    assert formatting.date_time("2026-12-02T10:05:00+00:00", "fr") == "2 déc. 2026, 10:05 UTC"
    assert formatting.date_time("2026-12-02T10:05:00+00:00", "en") == "Dec 2, 2026, 10:05\u202fAM UTC"
    assert formatting.count(12345, "fr") == "12\u202f345"
    assert formatting.count(12345, "es") == "12.345"
    assert formatting.count(12345, "en") == "12,345"
    assert formatting.quoted("oui", "fr") == "«\u00a0oui\u00a0»"
    assert formatting.quoted("sí", "es") == "«sí»"
    assert formatting.percent(0.42, "fr") == "42\u00a0%"


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("render", [render_html, render_markdown, render_docx], ids=["html", "md", "docx"])
def test_no_iso_date_in_a_report_read_in_french_or_spanish(report, language, render):
    report["language"] = language
    data = render(report, labels_in(language))
    text = docx_text(data) if render is render_docx else data.decode("utf-8")
    assert not ISO_DATE.findall(text)
    assert formatting.long_date("2021-05-31", language) in text
    assert formatting.count(12345, language) in text


def test_quotes_and_colons_follow_french_typography(report):
    report["language"] = "fr"
    html = render_html(report, labels_in("fr")).decode("utf-8")
    assert "«\u00a0Il faut des fonds de garantie publics.\u00a0»" in html
    assert "“" not in html
    assert "Support\u00a0:" in html  # the English default label, with the French colon


def test_the_docx_proofing_language_is_the_reports(report):
    report["language"] = "es"
    document = docx.Document(io.BytesIO(render_docx(report, labels_in("es"))))
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    languages = {lang.get(f"{namespace}val") for lang in document.styles.element.iter(f"{namespace}lang")}
    assert languages == {"es-ES"}


def test_every_contribution_ranking_and_quote_of_the_html_carries_its_language(report):
    html = render_html(report, labels_in("en")).decode("utf-8")
    texts = re.findall(r'<p class="text"( lang="(\w+)")?>', html)
    assert texts and all(lang for _attr, lang in texts)
    ranking = re.search(r'<table class="ranking">.*?</table>', html, re.S).group(0)
    assert re.findall(r'<td class="text"><span lang="(\w+)">', ranking) == ["fr", "es"]
    footnotes = re.search(r'<ol class="footnotes">.*?</ol>', html, re.S).group(0)
    assert re.findall(r'</a> <span lang="(\w+)">', footnotes) == ["fr", "es"]

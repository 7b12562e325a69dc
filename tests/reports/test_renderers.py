"""Every report format renders the same report, and untrusted text stays text in all of them."""

import copy
import csv
import io
import json
from html.parser import HTMLParser

import markdown
import pytest
from reports.report_data import FORMULA, SCRIPT, make_report

from deliberate.reports.charts import activity_chart, support_chart
from deliberate.reports.labels import DEFAULT_LABELS, LABEL_KEYS
from deliberate.reports.render_csv import render_csv
from deliberate.reports.render_docx import render_docx, synthesis_blocks
from deliberate.reports.render_html import render_html
from deliberate.reports.render_json import render_json
from deliberate.reports.render_markdown import escape_markdown, render_markdown
from deliberate.reports.renderers import FORMATS, render


@pytest.fixture
def report() -> dict:
    return make_report()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [value for name, value in attrs if name == "id"]

    def handle_data(self, data):
        self.text.append(data)


def parse_html(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def html_of(report: dict) -> str:
    return render_html(report, DEFAULT_LABELS).decode("utf-8")


# --- labels -------------------------------------------------------------------------------------


def test_label_keys_include_every_heading_the_brief_names():
    assert {
        "report_title",
        "version",
        "generated",
        "question",
        "clusters",
        "support",
        "agree",
        "disagree",
        "supporters",
        "most_agreed",
        "most_divisive",
        "footnotes",
        "no_contributions",
    } <= set(LABEL_KEYS)


# --- charts -------------------------------------------------------------------------------------


def test_support_chart_escapes_cluster_labels(report):
    svg = support_chart(report["questions"][0]["clusters"], DEFAULT_LABELS)
    assert 'role="img"' in svg and "<title>Support per cluster</title>" in svg
    assert "Training &lt;b&gt;young&lt;/b&gt; people" in svg
    assert "<b>" not in svg


def test_charts_say_no_data_when_question_is_empty():
    assert "No data" in support_chart([], DEFAULT_LABELS)
    assert "No data" in activity_chart([], DEFAULT_LABELS)


def test_activity_chart_has_one_bar_per_bucket_and_series(report):
    svg = activity_chart(report["questions"][0]["activity"], DEFAULT_LABELS)
    assert svg.count("<rect") == 2 + 2 * 3  # two legend swatches, then contributions and votes per bucket


# --- HTML ---------------------------------------------------------------------------------------


def test_html_shows_cluster_labels_and_syntheses(report):
    text = "".join(parse_html(html_of(report)).text)
    assert "Financement solidaire" in text and "Training <b>young</b> people" in text
    assert "Guarantee funds" in text and "public guarantees" in text


def test_html_shows_script_contribution_as_text_not_element(report):
    html = html_of(report)
    parsed = parse_html(html)
    assert "script" not in parsed.tags
    assert SCRIPT in "".join(parsed.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html


def test_html_anchors_each_contribution_once_for_footnote_links(report):
    ids = parse_html(html_of(report)).ids
    for contribution_id in (101, 102, 103, 104, 105, 106):
        assert ids.count(f"c{contribution_id}") == 1


def test_html_declares_report_language_and_breaks_page_per_question(report):
    report["language"] = "fr"
    html = html_of(report)
    assert '<html lang="fr">' in html
    assert html.count('<section class="question"') == 2
    assert "page-break-before: always" in html


def test_html_includes_both_charts_only_for_questions_with_contributions(report):
    html = html_of(report)
    assert html.count("<svg") == 2
    assert "<title>Support per cluster</title>" in html and "<title>Activity over time</title>" in html


def test_html_says_when_a_question_has_no_contributions(report):
    assert "No contributions." in html_of(report)


# --- Markdown -----------------------------------------------------------------------------------


def markdown_of(report: dict) -> str:
    return render_markdown(report, DEFAULT_LABELS).decode("utf-8")


def test_markdown_has_question_and_cluster_headings(report):
    lines = markdown_of(report).splitlines()
    assert "## Question 1: How should cooperatives be financed?" in lines
    assert "### Cluster: Financement solidaire" in lines
    assert "### Cluster: Training &lt;b&gt;young&lt;/b&gt; people" in lines


def test_markdown_turns_synthesis_references_into_footnotes(report):
    text = markdown_of(report)
    assert "Guarantee funds (#101[^q1-2]) and doubts (#103[^q1-3])." in text
    assert "Participants favour **public guarantees** (#104[^q1-1])." in text
    assert "[^q1-2]: “Il faut des fonds de garantie publics.” (Agree 9, Disagree 0)" in text


def test_markdown_never_contains_raw_script_tag(report):
    assert "<script>" not in markdown_of(report)


def test_markdown_viewer_shows_script_contribution_as_text(report):
    html = markdown.markdown(markdown_of(report), extensions=["tables", "footnotes"])
    parsed = parse_html(html)
    assert "script" not in parsed.tags
    assert "<script>alert(1)</script>" in "".join(parsed.text)


def test_markdown_escapes_list_markers_at_line_start():
    assert escape_markdown("- un punto\n1. y otro") == "\\- un punto\n1\\. y otro"


def test_markdown_escapes_emphasis_and_links_in_contributions():
    assert escape_markdown("*bold* [x](http://e) #1 |") == "\\*bold\\* \\[x\\](http://e) \\#1 \\|"


def test_markdown_neutralises_raw_html_in_syntheses(report):
    report["questions"][0]["synthesis"] = "<img src=x onerror=alert(1)> see <https://example.org>"
    text = markdown_of(report)
    assert "<img" not in text and "onerror" not in text
    assert "[https://example.org](https://example.org)" in text


@pytest.mark.parametrize(
    "synthesis",
    [
        "[a](java&#x73;cript:alert(1))",
        "[a](&#106;avascript:alert(1))",
        "[a](javascript&colon;alert(1))",
        "[a][r]\n\n[r]: javascript:alert(1)",
        "<javascript:alert(1)>",
        "[a](JaVaScRiPt:alert(1))",
        "![img](https://tracker.example/p.png)",
    ],
)
def test_markdown_keeps_no_script_link_or_remote_image_in_any_spelling(report, synthesis):
    report["questions"][0]["synthesis"] = synthesis
    text = markdown_of(report).lower()
    assert "](java" not in text and "<java" not in text and "]: java" not in text
    assert "tracker.example" not in text


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_contains_question_and_script_text(report):
    pypdf = pytest.importorskip("pypdf")
    pdf = render(report, DEFAULT_LABELS, "pdf")
    text = " ".join("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages).split())
    assert "How should cooperatives be financed?" in text
    assert "<script>alert(1)</script>" in text


# --- DOCX ---------------------------------------------------------------------------------------


def open_docx(report: dict):
    import docx

    return docx.Document(io.BytesIO(render_docx(report, DEFAULT_LABELS)))


def test_docx_uses_real_headings_with_cluster_labels(report):
    headings = {
        (p.style.name, p.text) for p in open_docx(report).paragraphs if p.style.name.startswith("Heading")
    }
    assert ("Heading 1", "Question 1: How should cooperatives be financed?") in headings
    assert ("Heading 2", "Most agreed contributions") in headings
    assert ("Heading 3", "Financement solidaire") in headings
    assert ("Heading 3", "Training <b>young</b> people") in headings


def test_docx_lists_contributions_in_tables(report):
    tables = open_docx(report).tables
    # most agreed, most divisive, two clusters, unclustered
    assert len(tables) == 5
    cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
    assert SCRIPT in cells and "Panelist" in cells


def test_docx_synthesis_is_plain_text_with_numbered_references():
    blocks = synthesis_blocks("Some **strong** _ideas_ (#101), not #999.\n\n- one [link](http://x)", {101: 1})
    assert blocks == [("p", "Some strong ideas (#101 [1]), not #999."), ("bullet", "one link (http://x)")]


# --- JSON and CSV -------------------------------------------------------------------------------


def test_json_is_the_report_itself(report):
    assert json.loads(render_json(report, DEFAULT_LABELS)) == make_report()


def read_csv(report: dict) -> tuple[bytes, list[dict]]:
    data = render_csv(report, DEFAULT_LABELS)
    return data, list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_starts_with_byte_order_mark(report):
    data, _rows = read_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")


def test_csv_has_one_row_per_contribution_without_ranking_duplicates(report):
    _data, rows = read_csv(report)
    assert [row["contribution_id"] for row in rows] == ["101", "102", "103", "104", "105", "106"]
    assert rows[0]["cluster_label"] == "Financement solidaire" and rows[5]["cluster_id"] == ""


def test_csv_neutralises_formula_injection(report):
    _data, rows = read_csv(report)
    texts = {row["contribution_id"]: row["text"] for row in rows}
    assert texts["105"] == "'" + FORMULA
    assert texts["106"].startswith("'- un punto")
    assert texts["103"] == SCRIPT


# --- dispatch -----------------------------------------------------------------------------------


def test_every_format_renders_a_file_of_its_own_kind(report):
    import io
    import json
    import zipfile

    files = {fmt: render(copy.deepcopy(report), DEFAULT_LABELS, fmt) for fmt in FORMATS}
    assert files["html"].lstrip().lower().startswith(b"<!doctype html")
    assert files["pdf"].startswith(b"%PDF-")
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(files["docx"])).namelist()
    assert json.loads(files["json"])["questions"][0]["text"] == report["questions"][0]["text"]
    assert files["csv"].decode("utf-8-sig").splitlines()[0].startswith("question_position")
    assert files["md"].decode("utf-8").startswith("# ")


def test_unknown_format_is_refused(report):
    with pytest.raises(ValueError):
        render(report, DEFAULT_LABELS, "xlsx")


def test_translated_labels_are_used_and_missing_ones_fall_back_to_english(report):
    html = render(report, {"report_title": "Rapport de session"}, "html").decode("utf-8")
    assert "Rapport de session" in html and "Most agreed contributions" in html


def test_markdown_keeps_no_javascript_links_from_a_synthesis():
    from deliberate.reports.render_markdown import _synthesis

    out = _synthesis("[a](javascript:alert(1)) [b](https://example.org) [c](data:text/html,x)", {})
    assert "javascript:" not in out and "data:" not in out and "https://example.org" in out


# Issue 15, point 16: control characters stored before input was cleaned never reach a file or a
# terminal (``deliberate export`` writes to stdout).
@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_control_characters_in_stored_texts_do_not_reach_the_export(fmt):
    from deliberate.reports.renderers import render

    report = make_report()
    first = report["questions"][0]
    first["text"] = "Q\x1b[31m\x07\x08 red\tand\nnext"
    first["synthesis"] = "Syn\x1b]0;title\x07thesis"
    for contribution in first["clusters"][0]["contributions"] + first["most_agreed"]:
        contribution["text"] = "C\x1b[2J\x08ontribution\x9b"

    out = render(report, DEFAULT_LABELS, fmt).decode("utf-8")

    assert not any(ch in out for ch in "\x1b\x07\x08\x9b")
    assert "[31m" in out  # only the control characters go, the visible rest stays

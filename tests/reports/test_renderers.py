"""Every report format renders the same report, and untrusted text stays text in all of them."""

import copy
import csv
import io
import json
from html.parser import HTMLParser

import markdown
import pytest

from deliberate.reports.charts import activity_chart, support_chart
from deliberate.reports.labels import DEFAULT_LABELS, LABEL_KEYS
from deliberate.reports.render_csv import render_csv
from deliberate.reports.render_docx import render_docx, synthesis_blocks
from deliberate.reports.render_html import render_html
from deliberate.reports.render_json import render_json
from deliberate.reports.render_markdown import escape_markdown, render_markdown
from deliberate.reports.renderers import FORMATS, render

SCRIPT = '<script>alert(1)</script> & "quotes"'
FORMULA = '=HYPERLINK("http://evil.example","clic")'


def make_contribution(id, text, *, language="en", role="attendee", agree=0, disagree=0, cluster=None):
    return {
        "id": id,
        "text": text,
        "author": f"Person {id}",
        "role": role,
        "language": language,
        "created_at": "2026-11-27T09:05:00+00:00",
        "agree": agree,
        "disagree": disagree,
        "cluster_id": cluster[0] if cluster else None,
        "cluster_label": cluster[1] if cluster else None,
    }


def make_report() -> dict:
    financing, training = (3, "Financement solidaire"), (4, "Training <b>young</b> people")
    c101 = make_contribution(
        101, "Il faut des fonds de garantie publics.", language="fr", agree=9, cluster=financing
    )
    c102 = make_contribution(
        102,
        "La banca ética puede financiar cooperativas.",
        language="es",
        agree=5,
        disagree=1,
        role="panelist",
        cluster=financing,
    )
    c103 = make_contribution(103, SCRIPT, agree=3, disagree=4, cluster=financing)
    c104 = make_contribution(104, "Train young workers *first*.", agree=7, cluster=training)
    c105 = make_contribution(105, FORMULA, disagree=2, cluster=training)
    c106 = make_contribution(106, "- un punto suelto\n1. y otro", language="es", agree=1)
    first = {
        "id": 1,
        "position": 1,
        "text": "How should cooperatives be financed?",
        "status": "closed",
        "synthesis": "Participants favour **public guarantees** (#104).",
        "synthesis_html": "<p>Participants favour <strong>public guarantees</strong> "
        '(<a href="#c104" class="ref">#104</a><sup class="fn">[3]</sup>).</p>',
        "attribution": "Data from Pol.is, CC BY 4.0",
        "participation": {"participants": 12, "contributions": 6, "votes": 42},
        "clusters": [
            {
                "id": 3,
                "label": financing[1],
                "synthesis": "Guarantee funds (#101) and doubts (#103).",
                "synthesis_html": "<p>Guarantee funds "
                '(<a href="#c101" class="ref">#101</a><sup class="fn">[1]</sup>) and doubts '
                '(<a href="#c103" class="ref">#103</a><sup class="fn">[2]</sup>).</p>',
                "agree": 17,
                "disagree": 5,
                "supporters": 8,
                "contributions": [c101, c102, c103],
            },
            {
                "id": 4,
                "label": training[1],
                "synthesis": "",
                "synthesis_html": "",
                "agree": 7,
                "disagree": 2,
                "supporters": 5,
                "contributions": [c104, c105],
            },
        ],
        "unclustered": [c106],
        "most_agreed": [c101, c104, c102],
        "most_divisive": [c103, c105],
        "activity": [
            {"t": "2026-11-27T09:00:00+00:00", "contributions": 2, "votes": 10},
            {"t": "2026-11-27T09:05:00+00:00", "contributions": 3, "votes": 25},
            {"t": "2026-11-27T09:10:00+00:00", "contributions": 1, "votes": 7},
        ],
        "footnotes": [
            {"number": 1, "contribution_id": 101, "text": c101["text"], "agree": 9, "disagree": 0},
            {"number": 2, "contribution_id": 103, "text": SCRIPT, "agree": 3, "disagree": 4},
            {"number": 3, "contribution_id": 104, "text": c104["text"], "agree": 7, "disagree": 0},
        ],
    }
    empty = {
        "id": 2,
        "position": 2,
        "text": "¿Qué papel para los municipios?",
        "status": "open",
        "synthesis": "",
        "synthesis_html": "",
        "attribution": None,
        "participation": {"participants": 0, "contributions": 0, "votes": 0},
        "clusters": [],
        "unclustered": [],
        "most_agreed": [],
        "most_divisive": [],
        "activity": [],
        "footnotes": [],
    }
    return {
        "format_version": 1,
        "generated_at": "2026-11-27T10:00:00+00:00",
        "language": "en",
        "version": {"number": 2, "status": "approved", "submitted_at": "2026-11-28T08:30:00+00:00"},
        "session": {
            "code": "uclg-1-3-2",
            "title": "Social economy & local development",
            "description": "First paragraph.\n\nSecond paragraph.",
            "date": "2021-05-31",
            "start_time": "08:00",
            "end_time": "09:30",
            "timezone": "UTC-3",
            "languages": ["fr", "en", "es"],
            "details": [{"label": "Organisers", "value": "UCLG"}],
        },
        "questions": [first, empty],
    }


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
    assert "Guarantee funds (#101[^q1-1]) and doubts (#103[^q1-2])." in text
    assert "Participants favour **public guarantees** (#104[^q1-3])." in text
    assert '[^q1-1]: "Il faut des fonds de garantie publics." (Agree 9, Disagree 0)' in text


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


def test_every_format_renders_bytes(report):
    for fmt in FORMATS:
        assert isinstance(render(copy.deepcopy(report), DEFAULT_LABELS, fmt), bytes)


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

"""The PDF report: tagged PDF/UA-1, user text drawn as text whatever it contains, and footnotes
numbered in reading order in every format."""

import io
import re
import subprocess

import pypdf
import pytest
from reports.report_data import make_contribution, make_report

from deliberate.reports.labels import DEFAULT_LABELS
from deliberate.reports.render_docx import render_docx
from deliberate.reports.render_html import render_html
from deliberate.reports.render_markdown import render_markdown
from deliberate.reports.render_pdf import language, pdf_data, render_pdf
from deliberate.reports.synthesis_tree import synthesis_tree
from deliberate.reports.typst_compile import undrawable

# Typst markup, Typst code, and the characters its markup and strings treat specially.
HOSTILE = [
    '#set page(fill: red) #panic("boom") #read("/etc/passwd")',
    "$x^2$ and $ sum_(i=0)^n i $",
    "back\\slash \\ ] [ } { ) ( \" ' ` ~ _under_ *star* <label> @reference // comment /* c */",
    "= Not a heading\n- not a list\n+ not an enum\n/ term: no",
    '"); #import "x.typ": * #include "y.typ"',
]
EMOJI, CJK, ARABIC, HEBREW = (
    "Vote 👍🏽 👨‍👩‍👧 🇫🇷 ✅",
    "合作社需要公共担保。協同組合",
    "التعاونيات تحتاج إلى ضمانات",
    "שלום לכולם",
)


def pdf_of(report: dict) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(render_pdf(report, DEFAULT_LABELS)))


def text_of(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def with_contributions(*texts: str, language: str = "en") -> dict:
    """The sample report with extra unclustered contributions in question 1."""
    report = make_report()
    extra = [make_contribution(900 + n, text, language=language) for n, text in enumerate(texts)]
    report["questions"][0]["unclustered"] += extra
    return report


def structure_languages(reader: pypdf.PdfReader) -> set[str]:
    languages: set[str] = set()
    pending = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while pending:
        node = pending.pop().get_object()
        if not isinstance(node, dict):
            continue
        if "/Lang" in node:
            languages.add(str(node["/Lang"]))
        kids = node.get("/K")
        pending += kids if isinstance(kids, list) else [kids] if kids is not None else []
    return languages


def outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        titles += outline_titles(entry) if isinstance(entry, list) else [entry.title]
    return titles


@pytest.fixture(scope="module")
def sample() -> pypdf.PdfReader:
    return pdf_of(make_report())


def test_pdf_is_tagged_with_a_structure_tree(sample):
    root = sample.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def test_pdf_claims_pdf_ua_1_and_has_the_session_title(sample):
    metadata = sample.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", metadata)
    assert sample.metadata.title == "Social economy & local development"


def test_pdf_document_language_is_the_report_language():
    report = make_report()
    report["language"] = "fr"
    assert pdf_of(report).trailer["/Root"]["/Lang"] == "fr"


def test_each_contribution_is_tagged_with_its_own_language(sample):
    # The report is English; contributions 101 (fr) and 102 (es) bring their languages in.
    assert {"fr", "es"} <= structure_languages(sample)


def test_headings_are_bookmarks_in_their_hierarchy(sample):
    outline = sample.outline
    assert outline[0].title == "Social economy & local development"
    assert "How should cooperatives be financed?" in outline_titles(outline)
    assert {"Financement solidaire", "Training <b>young</b> people"} <= set(outline_titles(outline))


def test_pdf_has_a_page_per_question_and_page_numbers(sample):
    assert len(sample.pages) >= 3
    assert f"1 / {len(sample.pages)}" in sample.pages[0].extract_text()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_typst_markup_in_a_contribution_is_printed_as_typed(hostile):
    reader = pdf_of(with_contributions(hostile))
    assert " ".join(hostile.split()) in text_of(reader)
    assert len(reader.pages) >= 3  # no page setting leaked from the text


def test_typst_markup_in_titles_labels_and_syntheses_is_printed_as_typed():
    report = make_report()
    report["session"]["title"] = "#panic() $x$ ]"
    first = report["questions"][0]
    first["clusters"][0]["label"] = "#strong[bold] \\ $"
    first["synthesis_html"] = "<p>Quote: #set text(red) $y$ \\ ]</p>"
    text = text_of(pdf_of(report))
    assert "#panic() $x$ ]" in text
    assert "#strong[bold] \\ $" in text
    assert "Quote: #set text(red) $y$ \\ ]" in text


def test_emoji_chinese_arabic_and_hebrew_do_not_fail_the_pdf():
    reader = pdf_of(with_contributions(EMOJI, CJK, ARABIC, HEBREW))
    text = text_of(reader)
    assert "合作社需要公共担保" in text
    assert "Vote" in text


def test_control_characters_are_stripped_and_the_pdf_still_made():
    reader = pdf_of(with_contributions("bell\x07 null\x00 escape\x1b del\x7f end"))
    assert "bell null escape del end" in text_of(reader)


def test_private_use_and_noncharacters_do_not_fail_the_pdf():
    reader = pdf_of(with_contributions("private \U0010fffd \ue000 non \ufffe char"))
    assert "private" in text_of(reader) and "char" in text_of(reader)


def test_typst_missing_glyph_message_names_the_characters():
    message = 'PDF/UA-1 error: the text `"a\\u{10fffd}\\"b"` could not be displayed with font `"Noto Sans"`'
    assert undrawable(message) == {"\U0010fffd"}
    assert undrawable("some other error") == set()


def test_language_tags_are_reduced_to_their_iso_639_part():
    assert [language(code) for code in ("fr", "pt-BR", "zh_Hant", "", None, "1x", "toolong")] == [
        "fr",
        "pt",
        "zh",
        None,
        None,
        None,
        None,
    ]


def test_the_compile_runs_in_a_child_process(monkeypatch):
    calls = []
    real_run = subprocess.run

    def recording_run(command, *args, **kwargs):
        calls.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", recording_run)
    render_pdf(make_report(), DEFAULT_LABELS)
    assert any("deliberate.reports.typst_compile" in part for command in calls for part in command)


def test_synthesis_html_becomes_blocks_with_references_and_their_notes():
    html = (
        '<h3>Title</h3><p>See <a href="#c12" class="ref">#12</a><sup class="fn">[3]</sup> and '
        "<strong>more</strong></p><ul><li>one <em>two</em></li></ul>"
    )
    assert synthesis_tree(html) == [
        {"t": "h3", "c": ["Title"]},
        {
            "t": "p",
            "c": ["See ", {"t": "ref", "id": 12, "n": 3, "c": []}, " and ", {"t": "strong", "c": ["more"]}],
        },
        {"t": "ul", "c": [{"t": "li", "c": [{"t": "p", "c": ["one ", {"t": "em", "c": ["two"]}]}]}]},
    ]


# --- Footnotes in reading order, the same in every format ----------------------------------------


def test_pdf_first_mention_carries_the_quote_in_reading_order():
    # Question synthesis (#104) first, then the financing cluster's (#101, #103).
    data = pdf_data(make_report(), DEFAULT_LABELS)
    refs = []
    for section in data["questions"][0]["sections"]:
        for nodes in [section.get("nodes", [])] + [c["nodes"] for c in section.get("clusters", [])]:
            refs += [node for block in nodes for node in block["c"] if isinstance(node, dict)]
    assert [(ref["id"], ref["n"], ref["first"]) for ref in refs if ref["t"] == "ref"] == [
        (104, 1, True),
        (101, 2, True),
        (103, 3, True),
    ]


def test_every_format_numbers_the_question_synthesis_notes_first():
    report = make_report()
    html = render_html(report, DEFAULT_LABELS).decode()
    assert re.search(r'#104</a><sup class="fn">\[1\]</sup>', html)
    assert re.search(r'#101</a><sup class="fn">\[2\]</sup>', html)
    markdown = render_markdown(report, DEFAULT_LABELS).decode()
    assert "(#104[^q1-1])" in markdown and "(#101[^q1-2])" in markdown
    assert markdown.index("[^q1-1]:") < markdown.index("[^q1-2]:")

    import docx

    document = docx.Document(io.BytesIO(render_docx(report, DEFAULT_LABELS)))
    paragraphs = [p.text for p in document.paragraphs]
    assert any("#104 [1]" in p for p in paragraphs) and any("#101 [2]" in p for p in paragraphs)
    assert any(p.startswith("[1] #104") for p in paragraphs)

    text = text_of(pypdf.PdfReader(io.BytesIO(render_pdf(report, DEFAULT_LABELS))))
    assert re.search(r"1\s*#104 “Train young workers", text)  # the page's footnote
    assert re.search(r"2\s*#101 “Il faut des fonds", text)


def test_a_synthesis_in_another_language_is_tagged_and_marked_as_written():
    report = make_report()
    report["questions"][0]["synthesis_language"] = "es"
    reader = pdf_of(report)
    assert "es" in structure_languages(reader)
    assert "Synthesis written in: Español" in text_of(reader)

"""The Word report: real headings (so the navigation pane works), tables for contributions."""

import io
import re
from xml.sax.saxutils import escape

from deliberate.reports.labels import (
    colon,
    count,
    language_label,
    original_note,
    percent,
    quoted,
    role_label,
    session_facts,
    status_label,
    translation_note,
)
from deliberate.reports.render_csv import contributions_of
from deliberate.reports.text import printable_text

_REFERENCE = re.compile(r"(?<![\w&#])#(\d+)\b")
_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~|\*|`)(?=\S)(.+?)(?<=\S)\1|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_BLOCK_MARK = re.compile(r"^\s*(#{1,6}\s+|>\s?)")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
COLUMN_WIDTHS_CM = (1.3, 7.4, 2.6, 2.0, 1.3, 1.2, 1.4)
MARGIN_CM = 1.8
TEXT_WIDTH_CM = 21.0 - 2 * MARGIN_CM  # A4 between the margins
OPINION_FIGURES_CM = 2.2  # the opinion groups' tables: the text, then a column of figures per group
TWIPS_PER_CM = 1440 / 2.54
_NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _clean(text: object) -> str:
    # Word refuses XML-illegal characters (controls, noncharacters), which pasted text sometimes carries.
    return printable_text(str(text))


def synthesis_blocks(markdown: str, notes: dict[int, int]) -> list[tuple[str, str]]:
    """Markdown -> [(kind, plain text)], kind "p" or "bullet"; references become '#123 [N]'.

    Deliberately simple: a synthesis is a few paragraphs and lists, and Word needs plain runs.
    """
    blocks: list[tuple[str, str]] = []
    for paragraph in re.split(r"\n\s*\n", markdown.strip()):
        lines: list[str] = []
        for line in paragraph.splitlines():
            line = _plain(_BLOCK_MARK.sub("", line), notes)
            if _BULLET.match(line):
                blocks.append(("bullet", _BULLET.sub("", line)))
            elif blocks and blocks[-1][0] == "bullet" and not lines and line.startswith(" "):
                blocks[-1] = ("bullet", f"{blocks[-1][1]} {line.strip()}")
            elif line.strip():
                lines.append(line.strip())
        if lines:
            blocks.append(("p", " ".join(lines)))
    return blocks


def _plain(line: str, notes: dict[int, int]) -> str:
    line = _LINK.sub(lambda m: m[1] if m[0].startswith("!") or not m[2] else f"{m[1]} ({m[2]})", line)
    for _ in range(2):  # twice, for nested emphasis such as ***text***
        line = _EMPHASIS.sub(lambda m: m[2] if m[2] is not None else m[3], line)
    return _REFERENCE.sub(lambda m: f"{m[0]} [{notes[int(m[1])]}]" if int(m[1]) in notes else m[0], line)


def render_docx(report: dict, labels: dict[str, str]) -> bytes:
    # Imported here: python-docx loads lxml and its template only when someone asks for Word.
    import docx
    from docx.shared import Cm

    document = docx.Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(MARGIN_CM)
    document.core_properties.title = _clean(report["session"]["title"])
    document.core_properties.language = report["language"]
    _proofing_language(document, report["language"])
    out = _Writer(document)
    _header(out, report, labels)
    for question in report["questions"]:
        _question(out, question, labels)
    data = io.BytesIO()
    document.save(data)
    return data.getvalue()


class _Writer:
    """python-docx's document, with each style resolved once: setting a paragraph's style by name (or
    even by style object) walks every style of the template, several milliseconds a time, and a large
    report sets one hundreds of times. The paragraph gets the style's id directly instead."""

    def __init__(self, document):
        self.document = document
        self._style_ids: dict[str, str] = {}

    def paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.document.add_paragraph(text)
        if style is not None:
            if style not in self._style_ids:
                self._style_ids[style] = self.document.styles[style].style_id
            paragraph._p.get_or_add_pPr().style = self._style_ids[style]
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, rows: list[str], widths: list[int]) -> None:
        """A table from its rows' XML (``_row``), then an empty paragraph so the next never touches it."""
        from docx.oxml import parse_xml

        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        table = parse_xml(
            f"<w:tbl {_NAMESPACE}><w:tblPr>"
            '<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" '
            f'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
        )
        self.document.element.body.sectPr.addprevious(table)
        self.paragraph()


# Word's proofing tags: the language with its usual region (python-docx's template says en-US).
_PROOFING = {"en": "en-GB", "fr": "fr-FR", "es": "es-ES"}


def _proofing_language(document, language: str) -> None:
    """Spelling and hyphenation in the report's language: the default run language of every style."""
    from docx.oxml.ns import qn

    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), _PROOFING.get(language, language))


def _header(out: "_Writer", report: dict, labels: dict[str, str]) -> None:
    session = report["session"]
    out.paragraph(_clean(labels["report_title"]), style="Subtitle")
    out.heading(_clean(session["title"]), level=0)
    facts = session_facts(report, labels)
    for name, value in facts:
        paragraph = out.paragraph()
        paragraph.add_run(_clean(f"{name}: ")).bold = True
        paragraph.add_run(_clean(value))
    for text in re.split(r"\n\s*\n", session["description"]):
        if text.strip():
            out.paragraph(_clean(text.strip()))


def _question(out: "_Writer", question: dict, labels: dict[str, str]) -> None:
    notes = {note["contribution_id"]: note["number"] for note in question["footnotes"]}
    title = f"{labels['question']} {question['position']}: {question['text']}"
    heading = out.heading(_clean(title), 1)
    heading.paragraph_format.page_break_before = True
    figures = question["participation"]
    summary = (
        f"{status_label(labels, question['status'])} · "
        f"{labels['participants']} {count(figures['participants'], labels)} · "
        f"{labels['contributions']} {count(figures['contributions'], labels)} · "
        f"{labels['votes']} {count(figures['votes'], labels)}"
    )
    out.paragraph(_clean(summary))
    if question["attribution"]:
        attribution = f"{labels['attribution']}: {question['attribution']}"
        out.paragraph().add_run(_clean(attribution)).italic = True
    if question["synthesis"].strip():
        out.heading(_clean(labels["question_synthesis"]), 2)
        _synthesis_part(out, question, labels, notes)
    if next(contributions_of(question), None) is None:
        out.paragraph(_clean(labels["no_contributions"]))
    for key in ("most_agreed", "most_divisive"):
        if question[key]:
            out.heading(_clean(labels[key]), 2)
            _table(out, question[key], labels)
    _opinion_groups(out, question.get("opinion_groups"), labels)
    if question["clusters"]:
        out.heading(_clean(labels["clusters"]), 2)
    for cluster in question["clusters"]:
        out.heading(_clean(cluster["label"]), 3)
        for entry in cluster.get("label_translations") or []:
            out.paragraph().add_run(_clean(_beside(entry, labels))).italic = True
        out.paragraph(
            _clean(
                f"{colon(labels['support'], labels)} {labels['agree']} {count(cluster['agree'], labels)} · "
                f"{labels['disagree']} {count(cluster['disagree'], labels)} · "
                f"{labels['supporters']} {count(cluster['supporters'], labels)}"
            )
        )
        if cluster["synthesis"].strip():
            _synthesis_part(out, cluster, labels, notes)
        _table(out, cluster["contributions"], labels)
    if question["unclustered"]:
        out.heading(_clean(labels["unclustered"]), 2)
        _table(out, question["unclustered"], labels)
    if question["footnotes"]:
        out.heading(_clean(labels["footnotes"]), 2)
        for note in question["footnotes"]:
            out.paragraph(
                _clean(
                    f"[{note['number']}] #{note['contribution_id']} {quoted(note['text'], labels)} "
                    f"({labels['agree']} {count(note['agree'], labels)}, "
                    f"{labels['disagree']} {count(note['disagree'], labels)})"
                    + "".join(f"\n{_beside(t, labels)}" for t in note.get("translations") or [])
                )
            )


def _synthesis_part(out: "_Writer", part: dict, labels: dict[str, str], notes: dict[int, int]) -> None:
    """In the report's language when it was translated into it (marked, the original after it), else
    as written; then, with the translations option, its other translations, each marked."""
    mine = part.get("synthesis_translation")
    if mine:
        out.paragraph().add_run(_clean(translation_note(labels, mine))).italic = True
        _synthesis(out, mine["text"], notes)
        original = original_note(labels, part["synthesis_language"])
        out.paragraph().add_run(_clean(original)).italic = True
    _synthesis(out, part["synthesis"], notes)
    for entry in part.get("synthesis_translations") or []:
        if not mine or entry["language"] != mine["language"]:
            note = f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}"
            out.paragraph().add_run(_clean(note)).italic = True
            _synthesis(out, entry["text"], notes)


def _beside(entry: dict, labels: dict[str, str]) -> str:
    """A translation beside its original: "[Español · Machine translation from …] text"."""
    note = f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}"
    return f"[{note}] {entry['text']}"


def _synthesis(out: "_Writer", markdown: str, notes: dict[int, int]) -> None:
    for kind, text in synthesis_blocks(markdown, notes):
        out.paragraph(_clean(text), style="List Bullet" if kind == "bullet" else None)


def _table(out: "_Writer", items: list[dict], labels: dict[str, str]) -> None:
    """A contributions table, written as one piece of XML: python-docx's cell-by-cell API costs about
    a millisecond per cell, which is most of a large report's time."""
    headers = (
        "#",
        labels["text"],
        labels["author"],
        labels["role"],
        labels["language"],
        labels["agree"],
        labels["disagree"],
    )
    widths = [round(cm * TWIPS_PER_CM) for cm in COLUMN_WIDTHS_CM]
    rows = [_row(headers, widths, header=True)]
    rows += [
        _row(
            (
                f"#{c['id']}",
                "\n".join([c["text"], *(_beside(t, labels) for t in c.get("translations") or [])]),
                c["author"],
                role_label(labels, c["role"]),
                c["language"],
                c["agree"],
                c["disagree"],
            ),
            widths,
        )
        for c in items
    ]
    out.table(rows, widths)


def _row(values: tuple, widths: list[int], header: bool = False) -> str:
    # The header row repeats on every page (w:tblHeader) and is bold; every cell is 9 pt.
    properties = "<w:trPr><w:tblHeader/></w:trPr>" if header else ""
    bold = "<w:b/>" if header else ""
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr>{bold}'
        f'<w:sz w:val="18"/></w:rPr>{_runs(value)}</w:r></w:p></w:tc>'
        for value, width in zip(values, widths, strict=True)
    )
    return f"<w:tr>{properties}{cells}</w:tr>"


def _runs(value: object) -> str:
    """Run content of a text: line breaks as w:br, as python-docx writes them."""
    lines = (escape(line) for line in _clean(value).replace("\t", " ").split("\n"))
    return "<w:br/>".join(f'<w:t xml:space="preserve">{line}</w:t>' for line in lines)


def _opinion_groups(out: "_Writer", section: dict | None, labels: dict[str, str]) -> None:
    """Groups with sizes and representative contributions, consensus and divisive with counts per group.

    The map is a table of its figures here (a DOCX carries no SVG): the groups' sizes say its shape.
    """
    if not section:
        return
    out.heading(_clean(labels["opinion_groups"]), 2)
    if not section["groups"]:
        out.paragraph(_clean(labels["opinion_none"]))
        return
    placed = labels["opinion_placed"].replace("{n}", str(section["min_votes"]))
    out.paragraph(_clean(f"{placed}: {section['participants']}"))
    for group in section["groups"]:
        out.heading(
            _clean(
                f"{labels['opinion_group']} {group['name']} · "
                f"{labels['opinion_people']} {count(group['size'], labels)}"
            ),
            3,
        )
        for r in group["representative"]:
            out.paragraph(
                _clean(
                    f"#{r['contribution_id']} {quoted(r['text'], labels)} "
                    f"({percent(r['agree_share'], labels)} "
                    f"{labels['opinion_agree_share']}, {percent(r['disagree_share'], labels)} "
                    f"{labels['opinion_disagree_share']})"
                ),
                style="List Bullet",
            )
    for key in ("consensus", "divisive"):
        if not section[key]:
            continue
        out.heading(_clean(labels["opinion_" + key]), 3)
        headers = [labels["text"]] + [
            f"{labels['opinion_group']} {group['name']}: {labels['agree']} / {labels['disagree']}"
            for group in section["groups"]
        ]
        side = round(OPINION_FIGURES_CM * TWIPS_PER_CM)
        text = max(TEXT_WIDTH_CM - OPINION_FIGURES_CM * len(section["groups"]), 6.0)
        widths = [round(text * TWIPS_PER_CM)] + [side] * len(section["groups"])
        rows = [_row(tuple(headers), widths, header=True)]
        rows += [
            _row(
                (
                    f"#{c['contribution_id']} {c['text']}",
                    *(f"{figures.get('agree', 0)} / {figures.get('disagree', 0)}" for figures in c["groups"]),
                ),
                widths,
            )
            for c in section[key]
        ]
        out.table(rows, widths)

"""The Word report: real headings (so the navigation pane works), tables for contributions."""

import io
import re
from xml.sax.saxutils import escape

from deliberate.reports.labels import (
    language_label,
    original_note,
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
        section.left_margin = section.right_margin = Cm(1.8)
    document.core_properties.title = _clean(report["session"]["title"])
    document.core_properties.language = report["language"]
    _header(document, report, labels)
    for question in report["questions"]:
        _question(document, question, labels)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _header(document, report: dict, labels: dict[str, str]) -> None:
    session = report["session"]
    document.add_paragraph(_clean(labels["report_title"]), style="Subtitle")
    document.add_heading(_clean(session["title"]), level=0)
    facts = session_facts(report, labels)
    for name, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(_clean(f"{name}: ")).bold = True
        paragraph.add_run(_clean(value))
    for text in re.split(r"\n\s*\n", session["description"]):
        if text.strip():
            document.add_paragraph(_clean(text.strip()))


def _question(document, question: dict, labels: dict[str, str]) -> None:
    notes = {note["contribution_id"]: note["number"] for note in question["footnotes"]}
    title = f"{labels['question']} {question['position']}: {question['text']}"
    heading = document.add_heading(_clean(title), 1)
    heading.paragraph_format.page_break_before = True
    figures = question["participation"]
    summary = (
        f"{status_label(labels, question['status'])} · {labels['participants']} {figures['participants']}"
        f" · {labels['contributions']} {figures['contributions']} · {labels['votes']} {figures['votes']}"
    )
    document.add_paragraph(_clean(summary))
    if question["attribution"]:
        attribution = f"{labels['attribution']}: {question['attribution']}"
        document.add_paragraph().add_run(_clean(attribution)).italic = True
    if question["synthesis"].strip():
        document.add_heading(_clean(labels["question_synthesis"]), 2)
        _synthesis_part(document, question, labels, notes)
    if next(contributions_of(question), None) is None:
        document.add_paragraph(_clean(labels["no_contributions"]))
    for key in ("most_agreed", "most_divisive"):
        if question[key]:
            document.add_heading(_clean(labels[key]), 2)
            _table(document, question[key], labels)
    _opinion_groups(document, question.get("opinion_groups"), labels)
    if question["clusters"]:
        document.add_heading(_clean(labels["clusters"]), 2)
    for cluster in question["clusters"]:
        document.add_heading(_clean(cluster["label"]), 3)
        for entry in cluster.get("label_translations") or []:
            document.add_paragraph().add_run(_clean(_beside(entry, labels))).italic = True
        document.add_paragraph(
            _clean(
                f"{labels['support']}: {labels['agree']} {cluster['agree']} · {labels['disagree']} "
                f"{cluster['disagree']} · {labels['supporters']} {cluster['supporters']}"
            )
        )
        if cluster["synthesis"].strip():
            _synthesis_part(document, cluster, labels, notes)
        _table(document, cluster["contributions"], labels)
    if question["unclustered"]:
        document.add_heading(_clean(labels["unclustered"]), 2)
        _table(document, question["unclustered"], labels)
    if question["footnotes"]:
        document.add_heading(_clean(labels["footnotes"]), 2)
        for note in question["footnotes"]:
            document.add_paragraph(
                _clean(
                    f"[{note['number']}] #{note['contribution_id']} “{note['text']}” "
                    f"({labels['agree']} {note['agree']}, {labels['disagree']} {note['disagree']})"
                    + "".join(f"\n{_beside(t, labels)}" for t in note.get("translations") or [])
                )
            )


def _synthesis_part(document, part: dict, labels: dict[str, str], notes: dict[int, int]) -> None:
    """In the report's language when it was translated into it (marked, the original after it), else
    as written; then, with the translations option, its other translations, each marked."""
    mine = part.get("synthesis_translation")
    if mine:
        document.add_paragraph().add_run(_clean(translation_note(labels, mine))).italic = True
        _synthesis(document, mine["text"], notes)
        original = original_note(labels, part["synthesis_language"])
        document.add_paragraph().add_run(_clean(original)).italic = True
    _synthesis(document, part["synthesis"], notes)
    for entry in part.get("synthesis_translations") or []:
        if not mine or entry["language"] != mine["language"]:
            note = f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}"
            document.add_paragraph().add_run(_clean(note)).italic = True
            _synthesis(document, entry["text"], notes)


def _beside(entry: dict, labels: dict[str, str]) -> str:
    """A translation beside its original: "[Español · Machine translation from …] text"."""
    note = f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}"
    return f"[{note}] {entry['text']}"


def _synthesis(document, markdown: str, notes: dict[int, int]) -> None:
    for kind, text in synthesis_blocks(markdown, notes):
        document.add_paragraph(_clean(text), style="List Bullet" if kind == "bullet" else None)


def _table(document, items: list[dict], labels: dict[str, str]) -> None:
    """A contributions table, written as one piece of XML: python-docx's cell-by-cell API costs about
    a millisecond per cell, which is most of a large report's time."""
    from docx.oxml import parse_xml

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
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    table = parse_xml(
        f"<w:tbl {_NAMESPACE}><w:tblPr>"
        '<w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" '
        f'w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )
    document.element.body.sectPr.addprevious(table)
    document.add_paragraph()


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


def _opinion_groups(document, section: dict | None, labels: dict[str, str]) -> None:
    """Groups with sizes and representative contributions, consensus and divisive with counts per group.

    The map is a table of its figures here (a DOCX carries no SVG): the groups' sizes say its shape.
    """
    if not section:
        return
    document.add_heading(_clean(labels["opinion_groups"]), 2)
    if not section["groups"]:
        document.add_paragraph(_clean(labels["opinion_none"]))
        return
    placed = labels["opinion_placed"].replace("{n}", str(section["min_votes"]))
    document.add_paragraph(_clean(f"{placed}: {section['participants']}"))
    for group in section["groups"]:
        document.add_heading(
            _clean(f"{labels['opinion_group']} {group['name']} · {labels['opinion_people']} {group['size']}"),
            3,
        )
        for r in group["representative"]:
            document.add_paragraph(
                _clean(
                    f"#{r['contribution_id']} “{r['text']}” ({round(100 * r['agree_share'])}% "
                    f"{labels['opinion_agree_share']}, {round(100 * r['disagree_share'])}% "
                    f"{labels['opinion_disagree_share']})"
                ),
                style="List Bullet",
            )
    for key in ("consensus", "divisive"):
        if not section[key]:
            continue
        document.add_heading(_clean(labels["opinion_" + key]), 3)
        table = document.add_table(rows=1, cols=1 + len(section["groups"]))
        cells = table.rows[0].cells
        cells[0].text = _clean(labels["text"])
        for cell, group in zip(cells[1:], section["groups"], strict=True):
            cell.text = _clean(
                f"{labels['opinion_group']} {group['name']}: {labels['agree']} / {labels['disagree']}"
            )
        for c in section[key]:
            row = table.add_row().cells
            row[0].text = _clean(f"#{c['contribution_id']} {c['text']}")
            for cell, figures in zip(row[1:], c["groups"], strict=True):
                cell.text = f"{figures.get('agree', 0)} / {figures.get('disagree', 0)}"

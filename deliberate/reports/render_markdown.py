"""The Markdown report (GitHub-flavoured): headings, tables and footnotes.

Contribution texts are escaped so any Markdown viewer shows them as typed: ``<``, ``>`` and ``&``
become entities (every renderer passes entities through, not every one honours ``\\<``), other
Markdown punctuation gets a backslash.
"""

import re

from deliberate.clusters.synthesis_markdown import to_markdown
from deliberate.reports.labels import (
    colon,
    count,
    language_label,
    original_note,
    percent,
    quoted,
    role_label,
    session_facts,
    short_time,
    status_label,
    translation_note,
)
from deliberate.reports.render_csv import contributions_of

_PUNCTUATION = re.compile(r"([\\`*_\[\]{}#|!~])")
_LEADING = re.compile(r"^([-+=]|\d+(?=[.)]))")  # list items, setext underlines, ordered lists
_REFERENCE = re.compile(r"(?<![\w&#])#(\d+)\b")
# Raw HTML tags in a synthesis (autolinks such as <https://…> have a colon and are kept).
_HTML_TAG = re.compile(r"<(?=[/!?]|[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$))")
_HEADING = re.compile(r"^(#{1,6})(?=\s)", re.MULTILINE)


def escape_markdown(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    lines = [_PUNCTUATION.sub(r"\\\1", line.strip()) for line in text.splitlines()]
    return "\n".join(_LEADING.sub(_escape_leading, line) for line in lines)


def _escape_leading(match: re.Match) -> str:
    # "1." must become "1\." (handled by keeping the digits and escaping what follows), "-" becomes "\-".
    marker = match[1]
    return marker + "\\" if marker.isdigit() else "\\" + marker


def render_markdown(report: dict, labels: dict[str, str]) -> bytes:
    facts = session_facts(report, labels)
    raw = labels  # for the labels with a {placeholder}: filled first, escaped after
    labels = {key: escape_markdown(value) for key, value in labels.items()}
    session = report["session"]
    out = [f"# {escape_markdown(session['title'])}", "", f"*{labels['report_title']}*", ""]
    out += [f"- **{escape_markdown(name)}:** {escape_markdown(str(value))}" for name, value in facts]
    for paragraph in session["description"].split("\n\n"):
        if paragraph.strip():
            out += ["", escape_markdown(paragraph)]
    for question in report["questions"]:
        out += ["", *_question(question, labels, raw, report["language"])]
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


def _question(question: dict, labels: dict[str, str], raw: dict[str, str], language: str) -> list[str]:
    # Footnote labels carry the question position: GFM footnote labels are document-wide.
    position = question["position"]
    notes = {note["contribution_id"]: f"q{position}-{note['number']}" for note in question["footnotes"]}
    figures = question["participation"]
    out = [
        f"## {labels['question']} {position}: {escape_markdown(question['text'])}",
        "",
        f"*{status_label(labels, question['status'])}* · **{labels['participation']}:** "
        f"{labels['participants']} {count(figures['participants'], labels)} · {labels['contributions']} "
        f"{count(figures['contributions'], labels)} · {labels['votes']} {count(figures['votes'], labels)}",
    ]
    if question["attribution"]:
        out += ["", f"*{labels['attribution']}: {escape_markdown(question['attribution'])}*"]
    if question["synthesis"].strip():
        out += ["", f"### {labels['question_synthesis']}"]
        out += _synthesis_part(question, labels, raw, language, notes)
    if next(contributions_of(question), None) is None:
        out += ["", labels["no_contributions"]]
    for key in ("most_agreed", "most_divisive"):
        if question[key]:
            out += ["", f"### {labels[key]}", "", *_table(question[key], labels, raw)]
    out += _opinion_groups(question.get("opinion_groups"), labels, raw)
    for cluster in question["clusters"]:
        out += [
            "",
            f"### {labels['cluster']}: {escape_markdown(cluster['label'])}",
            *_translations(cluster.get("label_translations"), raw),
            "",
            f"{colon(labels['support'], labels)} {labels['agree']} {count(cluster['agree'], labels)} · "
            f"{labels['disagree']} {count(cluster['disagree'], labels)} · "
            f"{labels['supporters']} {count(cluster['supporters'], labels)}",
        ]
        if cluster["synthesis"].strip():
            out += _synthesis_part(cluster, labels, raw, language, notes)
        out += ["", *_items(cluster["contributions"], labels, raw)]
    if question["unclustered"]:
        out += ["", f"### {labels['unclustered']}", "", *_items(question["unclustered"], labels, raw)]
    if question["footnotes"]:
        out.append("")
        out += [
            f"[^{notes[note['contribution_id']]}]: {quoted(_one_line(note['text']), labels)} "
            f"({labels['agree']} {count(note['agree'], labels)}, "
            f"{labels['disagree']} {count(note['disagree'], labels)})"
            + "".join(f" / {_one_translation(t, raw)}" for t in note.get("translations") or [])
            for note in question["footnotes"]
        ]
    return out


def _opinion_groups(section: dict | None, labels: dict[str, str], raw: dict[str, str]) -> list[str]:
    """Groups with sizes and representative contributions, then consensus and divisive tables."""
    if not section:
        return []
    out = ["", f"### {labels['opinion_groups']}", ""]
    if not section["groups"]:
        return [*out, labels["opinion_none"]]
    placed = escape_markdown(raw["opinion_placed"].replace("{n}", str(section["min_votes"])))
    out.append(f"{placed}: {section['participants']}")
    for group in section["groups"]:
        out += [
            "",
            f"**{labels['opinion_group']} {group['name']}** · "
            f"{labels['opinion_people']} {count(group['size'], labels)}",
            "",
        ]
        out += [
            f"- #{r['contribution_id']} {_one_line(r['text'])} ({percent(r['agree_share'], labels)} "
            f"{labels['opinion_agree_share']}, {percent(r['disagree_share'], labels)} "
            f"{labels['opinion_disagree_share']})"
            for r in group["representative"]
        ]
    names = [g["name"] for g in section["groups"]]
    for key in ("consensus", "divisive"):
        if section[key]:
            out += ["", f"#### {labels['opinion_' + key]}", ""]
            header = [
                labels["text"],
                *(f"{labels['opinion_group']} {n}: {labels['agree']} / {labels['disagree']}" for n in names),
            ]
            out += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
            out += [
                f"| #{c['contribution_id']} {_one_line(c['text'])} | "
                + " | ".join(f"{g.get('agree', 0)} / {g.get('disagree', 0)}" for g in c["groups"])
                + " |"
                for c in section[key]
            ]
    return out


_UNSAFE_LINK = re.compile(r"\]\(\s*<?\s*(?!https?:|mailto:|#|/)[a-zA-Z][\w+.-]*:", re.IGNORECASE)


def _written_in(part: dict, labels: dict, language: str) -> list[str]:
    written = part.get("synthesis_language")
    if not written or written == language:
        return []
    return ["", f"*{labels['written_in']}: {labels.get('language_' + written, written)}*"]


def _synthesis_part(part: dict, labels: dict, raw: dict, language: str, notes: dict[int, str]) -> list[str]:
    """A synthesis: in the report's language when it was translated into it (marked, the original
    after it), else as written; then, with the translations option, its other translations."""
    mine = part.get("synthesis_translation")
    if mine:
        out = ["", f"*{escape_markdown(translation_note(raw, mine))}*", "", _synthesis(mine["text"], notes)]
        out += ["", f"*{escape_markdown(original_note(raw, part['synthesis_language']))}*"]
        out += ["", _synthesis(part["synthesis"], notes)]
    else:
        out = [*_written_in(part, labels, language), "", _synthesis(part["synthesis"], notes)]
    for entry in part.get("synthesis_translations") or []:
        if mine and entry["language"] == mine["language"]:
            continue
        note = f"{language_label(raw, entry['language'])} · {translation_note(raw, entry)}"
        out += ["", f"*{escape_markdown(note)}*", "", _synthesis(entry["text"], notes)]
    return out


def _translations(entries: list[dict] | None, raw: dict) -> list[str]:
    """A label's translations under it, one paragraph each, marked."""
    return [line for t in entries or [] for line in ("", _one_translation(t, raw))]


def _one_translation(entry: dict, raw: dict) -> str:
    """A translation beside its original, on one line, marked: "text *(Español · Machine …)*"."""
    note = f"{language_label(raw, entry['language'])} · {translation_note(raw, entry)}"
    return f"{_one_line(entry['text'])} *({escape_markdown(note)})*"


def _synthesis(markdown: str, notes: dict[int, str]) -> str:
    """The moderator's Markdown through the one sanitiser of every export, references as footnotes."""
    return to_markdown(markdown, notes)


def _who(c: dict, labels: dict[str, str], *more: str) -> str:
    details = ", ".join([role_label(labels, c["role"]), escape_markdown(c["language"]), *more])
    return f"{escape_markdown(c['author'])} ({details})"


def _table(items: list[dict], labels: dict[str, str], raw: dict[str, str]) -> list[str]:
    rows = [
        f"| # | {labels['text']} | {labels['author']} | {labels['agree']} | {labels['disagree']} |",
        "| ---: | --- | --- | ---: | ---: |",
    ]
    rows += [
        f"| {c['id']} | {_one_line(c['text'])}"
        + "".join(f" / {_one_translation(t, raw)}" for t in c.get("translations") or [])
        + f" | {_who(c, labels)} | {count(c['agree'], labels)} | {count(c['disagree'], labels)} |"
        for c in items
    ]
    return rows


def _items(items: list[dict], labels: dict[str, str], raw: dict[str, str]) -> list[str]:
    out = []
    for c in items:
        # Continuation lines are indented so a multi-line contribution stays inside its list item.
        text = escape_markdown(c["text"]).replace("\n", "\n  ")
        out.append(
            f"- **#{c['id']}** {text}  \n  *{_who(c, labels, short_time(c['created_at'], labels))} · "
            f"{labels['agree']} {count(c['agree'], labels)} · "
            f"{labels['disagree']} {count(c['disagree'], labels)}*"
            + "".join(f"  \n  {_one_translation(t, raw)}" for t in c.get("translations") or [])
        )
    return out


def _one_line(text: str) -> str:
    return " ".join(escape_markdown(text).split())

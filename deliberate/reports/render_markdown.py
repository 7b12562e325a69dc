"""The Markdown report (GitHub-flavoured): headings, tables and footnotes.

Contribution texts are escaped so any Markdown viewer shows them as typed: ``<``, ``>`` and ``&``
become entities (every renderer passes entities through, not every one honours ``\\<``), other
Markdown punctuation gets a backslash.
"""

import re

from deliberate.clusters.synthesis_markdown import to_markdown
from deliberate.reports.labels import role_label, session_facts, short_time, status_label
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
    labels = {key: escape_markdown(value) for key, value in labels.items()}
    session = report["session"]
    out = [f"# {escape_markdown(session['title'])}", "", f"*{labels['report_title']}*", ""]
    out += [f"- **{escape_markdown(name)}:** {escape_markdown(str(value))}" for name, value in facts]
    for paragraph in session["description"].split("\n\n"):
        if paragraph.strip():
            out += ["", escape_markdown(paragraph)]
    for question in report["questions"]:
        out += ["", *_question(question, labels, report["language"])]
    return ("\n".join(out).rstrip() + "\n").encode("utf-8")


def _question(question: dict, labels: dict[str, str], language: str) -> list[str]:
    # Footnote labels carry the question position: GFM footnote labels are document-wide.
    position = question["position"]
    notes = {note["contribution_id"]: f"q{position}-{note['number']}" for note in question["footnotes"]}
    figures = question["participation"]
    out = [
        f"## {labels['question']} {position}: {escape_markdown(question['text'])}",
        "",
        f"*{status_label(labels, question['status'])}* · **{labels['participation']}:** "
        f"{labels['participants']} {figures['participants']} · {labels['contributions']} "
        f"{figures['contributions']} · {labels['votes']} {figures['votes']}",
    ]
    if question["attribution"]:
        out += ["", f"*{labels['attribution']}: {escape_markdown(question['attribution'])}*"]
    if question["synthesis"].strip():
        out += ["", f"### {labels['question_synthesis']}", *_written_in(question, labels, language)]
        out += ["", _synthesis(question["synthesis"], notes)]
    if next(contributions_of(question), None) is None:
        out += ["", labels["no_contributions"]]
    for key in ("most_agreed", "most_divisive"):
        if question[key]:
            out += ["", f"### {labels[key]}", "", *_table(question[key], labels)]
    out += _opinion_groups(question.get("opinion_groups"), labels)
    for cluster in question["clusters"]:
        out += [
            "",
            f"### {labels['cluster']}: {escape_markdown(cluster['label'])}",
            "",
            f"{labels['support']}: {labels['agree']} {cluster['agree']} · {labels['disagree']} "
            f"{cluster['disagree']} · {labels['supporters']} {cluster['supporters']}",
        ]
        if cluster["synthesis"].strip():
            out += [*_written_in(cluster, labels, language), "", _synthesis(cluster["synthesis"], notes)]
        out += ["", *_items(cluster["contributions"], labels)]
    if question["unclustered"]:
        out += ["", f"### {labels['unclustered']}", "", *_items(question["unclustered"], labels)]
    if question["footnotes"]:
        out.append("")
        out += [
            f'[^{notes[note["contribution_id"]]}]: "{_one_line(note["text"])}" '
            f"({labels['agree']} {note['agree']}, {labels['disagree']} {note['disagree']})"
            for note in question["footnotes"]
        ]
    return out


def _opinion_groups(section: dict | None, labels: dict[str, str]) -> list[str]:
    """Groups with sizes and representative contributions, then consensus and divisive tables."""
    if not section:
        return []
    out = ["", f"### {labels['opinion_groups']}", ""]
    if not section["groups"]:
        return [*out, labels["opinion_none"]]
    placed = labels["opinion_placed"].replace("{n}", str(section["min_votes"]))
    out.append(f"{placed}: {section['participants']}")
    for group in section["groups"]:
        out += [
            "",
            f"**{labels['opinion_group']} {group['name']}** · {labels['opinion_people']} {group['size']}",
            "",
        ]
        out += [
            f"- #{r['contribution_id']} {_one_line(r['text'])} ({round(100 * r['agree_share'])}% "
            f"{labels['opinion_agree_share']}, {round(100 * r['disagree_share'])}% "
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


def _synthesis(markdown: str, notes: dict[int, str]) -> str:
    """The moderator's Markdown through the one sanitiser of every export, references as footnotes."""
    return to_markdown(markdown, notes)


def _who(c: dict, labels: dict[str, str], *more: str) -> str:
    details = ", ".join([role_label(labels, c["role"]), escape_markdown(c["language"]), *more])
    return f"{escape_markdown(c['author'])} ({details})"


def _table(items: list[dict], labels: dict[str, str]) -> list[str]:
    rows = [
        f"| # | {labels['text']} | {labels['author']} | {labels['agree']} | {labels['disagree']} |",
        "| ---: | --- | --- | ---: | ---: |",
    ]
    rows += [
        f"| {c['id']} | {_one_line(c['text'])} | {_who(c, labels)} | {c['agree']} | {c['disagree']} |"
        for c in items
    ]
    return rows


def _items(items: list[dict], labels: dict[str, str]) -> list[str]:
    out = []
    for c in items:
        # Continuation lines are indented so a multi-line contribution stays inside its list item.
        text = escape_markdown(c["text"]).replace("\n", "\n  ")
        out.append(
            f"- **#{c['id']}** {text}  \n  *{_who(c, labels, short_time(c['created_at']))} · "
            f"{labels['agree']} {c['agree']} · {labels['disagree']} {c['disagree']}*"
        )
    return out


def _one_line(text: str) -> str:
    return " ".join(escape_markdown(text).split())

"""Syntheses are Markdown: rendered to HTML, sanitised with nh3, references ``#123`` made traceable."""

import re

import markdown
import nh3

REFERENCE = re.compile(r"(?<![\w&#/])#(\d+)\b")
# "#12" first on a line (after list or quote markers) would be a Markdown heading, which Python-Markdown
# allows without a space after "#": the reference would vanish into a stripped <h1>. Escape that "#".
SKIP = re.compile(r"(<a\b[^>]*>.*?</a>|<code>.*?</code>|<[^>]*>)")
LINE_START_REFERENCE = re.compile(r"^((?:[ \t]*(?:>|[-*+]|\d+[.)]))*[ \t]*)#(?=\d)", re.MULTILINE)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "a",
    "sup",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "title"}, "sup": {"class"}}


def references(text: str) -> list[int]:
    """Contribution ids referenced as ``#123``, in order of first mention."""
    return list(dict.fromkeys(int(m) for m in REFERENCE.findall(text or "")))


def render(text: str, known_ids: set[int] | None = None, footnotes: dict[int, int] | None = None) -> str:
    """Sanitised HTML of a synthesis; each known ``#123`` becomes a link to that contribution, with its
    footnote number when ``footnotes`` maps ids to numbers (the report does)."""
    if not text:
        return ""

    def link(match: re.Match) -> str:
        cid = int(match.group(2))  # group 1 of the pattern below is an HTML tag, left as it is
        if known_ids is not None and cid not in known_ids:
            return match.group(0)
        note = f'<sup class="fn">[{footnotes[cid]}]</sup>' if footnotes and cid in footnotes else ""
        return f'<a href="#c{cid}" class="ref">#{cid}</a>{note}'

    text = LINE_START_REFERENCE.sub(r"\1\\#", text)
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    # Links and code are copied as they are: a reference inside them must not become a nested link.
    html = re.sub(SKIP.pattern + "|" + REFERENCE.pattern, lambda m: m.group(1) or link(m), html, flags=re.S)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )

"""Syntheses are Markdown: rendered to HTML, sanitised with nh3, references ``#123`` made traceable.

The renderer is cmark-gfm (C, through ``cmarkgfm``), whose cost grows linearly with the input: with
Python-Markdown, ``'[' * 5000`` took 7.5 s and stalled every room; with cmark, ``'[' * 50000`` takes
tens of milliseconds (bench/hostile_load.py measures the pathological inputs). Every later pass over
the HTML is a single linear scan too. Raw HTML in a synthesis is not rendered (cmark's safe mode),
and nh3 then applies the one link policy of every export: http, https, mailto and ``#id`` only.
"""

import re

import cmarkgfm
import nh3
from cmarkgfm.cmark import Options

from deliberate import validation

REFERENCE = re.compile(r"(?<![\w&#/])#(\d+)\b")
# One tag at a time, never scanning past the next "<": linear even on "<a <a <a ...".
TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^<>]*>")
# Deeper than this, lists and quotes nest past what a reader follows (and what renderers handle well).
MAX_NESTING = 16
NESTING = re.compile(r"^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])){" + str(MAX_NESTING + 1) + ",}", re.MULTILINE)
SAFE_URL = re.compile(r"^(?:https?:|mailto:|#[\w-]+$)", re.IGNORECASE)

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


def _safe_href(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return value if SAFE_URL.match(value.strip()) else None
    return value


def sanitise(html: str) -> str:
    """The one sanitiser of synthesis HTML: allowed tags only, links by the link policy."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        attribute_filter=_safe_href,
        link_rel="noopener noreferrer",
    )


def to_html(text: str) -> str:
    """Markdown to (unsanitised) HTML, in time linear in the text; bounded size and nesting."""
    text = validation.clean(text)[: validation.MAX_SYNTHESIS]
    # Flatten markers nested past the limit: the text stays, the structure stops deepening.
    text = NESTING.sub(lambda m: m[0].replace(">", "\\>"), text)
    return cmarkgfm.markdown_to_html(text, options=Options.CMARK_OPT_VALIDATE_UTF8)


def link_references(html: str, link) -> str:
    """Apply ``link`` to each ``#123`` of the text of ``html``, outside links and code (one pass)."""
    out: list[str] = []
    inside = 0  # depth of <a>, <code> and <pre>: a reference there must not become a nested link
    position = 0
    for match in TAG.finditer(html):
        text = html[position : match.start()]
        out.append(text if inside else REFERENCE.sub(link, text))
        closing, name = match[1], match[2].lower()
        if name in ("a", "code", "pre"):
            inside = max(0, inside - 1) if closing else inside + 1
        out.append(match[0])
        position = match.end()
    tail = html[position:]
    out.append(tail if inside else REFERENCE.sub(link, tail))
    return "".join(out)


def render(text: str, known_ids: set[int] | None = None, footnotes: dict[int, int] | None = None) -> str:
    """Sanitised HTML of a synthesis; each known ``#123`` becomes a link to that contribution, with its
    footnote number when ``footnotes`` maps ids to numbers (the report does)."""
    if not text:
        return ""

    def link(match: re.Match) -> str:
        cid = int(match.group(1))
        if known_ids is not None and cid not in known_ids:
            return match.group(0)
        note = f'<sup class="fn">[{footnotes[cid]}]</sup>' if footnotes and cid in footnotes else ""
        return f'<a href="#c{cid}" class="ref">#{cid}</a>{note}'

    return sanitise(link_references(to_html(text), link)).strip()

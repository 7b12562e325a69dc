"""What a French or Spanish reader must not meet: an English UI string, an ISO date, or a text written
in another language without a ``lang`` saying so (so that screen readers and hyphenation get it right).

English UI strings are the English catalogue's msgids (their literal parts around placeholders) that
are not also the reader's translation, looked for as whole words in the visible text of a page once
every element marked as another language (user content, language names) is left out.
"""

import re
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from lxml import html as lxml_html

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
PLACEHOLDER = re.compile(r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%%|%[sd]|\{\w*\}|#\d+|\n")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# Attributes a reader sees or hears.
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Fragments too short to tell a language by (a letter, "·", "PDF"), or words French or Spanish share
# with English.
MIN_LETTERS = 4


@cache
def english_phrases(language: str) -> tuple[re.Pattern, ...]:
    """Patterns of the English UI strings that a page in ``language`` must not show."""
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    translated = " ".join(
        " ".join(m.string) if isinstance(m.string, tuple) else m.string for m in catalog if m.id
    )
    phrases = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for msgid in filter(None, ids):
            for fragment in PLACEHOLDER.split(msgid):
                fragment = fragment.strip(" \u00a0.,:;!?…()[]«»“”\"'–—-·/")
                if sum(c.isalpha() for c in fragment) >= MIN_LETTERS and fragment not in translated:
                    phrases.add(fragment)
    return tuple(re.compile(rf"(?<!\w){re.escape(p)}(?!\w)") for p in sorted(phrases, key=len, reverse=True))


def english_in(text: str, language: str) -> list[str]:
    """The English UI strings found in ``text``."""
    return sorted({m.group(0) for pattern in english_phrases(language) for m in pattern.finditer(text)})


def iso_dates(text: str) -> list[str]:
    return ISO_DATE.findall(text)


def page_tree(markup: str | bytes):
    return lxml_html.document_fromstring(markup)


def visible_text(tree, language: str) -> str:
    """The page's text and shown attributes in ``language``: scripts, styles and elements marked as
    another language left out."""
    tree = lxml_html.document_fromstring(lxml_html.tostring(tree))  # a copy to prune
    for node in tree.xpath("//script | //style | //template | //noscript"):
        node.drop_tree()
    for node in tree.xpath("//body//*[@lang]"):
        if node.get("lang").split("-")[0] != language and node.getparent() is not None:
            node.drop_tree()
    shown = [value for name in SHOWN_ATTRIBUTES for value in tree.xpath(f"//body//@{name}")]
    shown += tree.xpath("//title/text()")
    body = tree.find("body")
    return "\n".join([body.text_content() if body is not None else tree.text_content(), *shown])


def unmarked(tree, texts: dict[str, str], language: str) -> list[str]:
    """The user texts (text → its language) shown without ``lang`` of their language around them, where
    that language is not the page's."""
    missing = []
    for text, written_in in texts.items():
        if written_in == language:
            continue
        probe = text[:30]
        for node in tree.xpath("//body//text()[contains(., $probe)]", probe=probe):
            holder = node.getparent().getparent() if node.is_tail else node.getparent()
            if holder.tag in ("script", "style", "textarea", "option"):
                continue
            marked = holder.xpath("ancestor-or-self::*[@lang][1]/@lang")
            if not marked or marked[0].split("-")[0] != written_in:
                missing.append(f"{text[:40]!r} in <{holder.tag} class={holder.get('class')!r}>")
    return missing

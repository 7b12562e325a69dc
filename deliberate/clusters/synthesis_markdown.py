"""A synthesis as Markdown for the Markdown report, through the same sanitiser as every other export.

The moderator's Markdown is rendered and sanitised exactly as for HTML, PDF and DOCX
(``synthesis.render``'s path), and the clean HTML is written back as Markdown: whatever spelling a
``javascript:`` link used (entities, ``&colon;``, reference definitions, autolinks), it is decided
once, by the one link policy, and images or raw HTML never reach the file.
"""

import re
from html.parser import HTMLParser

from deliberate.clusters import synthesis

_PUNCTUATION = re.compile(r"([\\`*_\[\]{}#|!~<>])")
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*"}


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", text.replace("&", "&amp;"))


class _Writer(HTMLParser):
    def __init__(self, notes: dict[int, str]) -> None:
        super().__init__(convert_charrefs=True)
        self.notes = notes
        self.out: list[str] = []
        self.lists: list[list] = []  # [kind, counter]
        self.quote = 0
        self.link: dict | None = None
        self.skip = 0  # inside <sup class="fn">: the footnote mark is written from the reference

    def _block(self) -> None:
        self.out.append("\n\n" + "> " * self.quote)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "sup":
            self.skip += 1
        elif tag in _INLINE:
            self.out.append(_INLINE[tag])
        elif tag in ("p", "pre"):
            self._block()
            if tag == "pre":
                self.out.append("```\n")
        elif tag in ("h3", "h4"):
            self._block()
            self.out.append("#" * (4 if tag == "h3" else 5) + " ")
        elif tag in ("ul", "ol"):
            self.lists.append([tag, 0])
        elif tag == "li":
            kind = self.lists[-1] if self.lists else ["ul", 0]
            kind[1] += 1
            indent = "  " * (len(self.lists) - 1)
            marker = f"{kind[1]}." if kind[0] == "ol" else "-"
            self.out.append("\n" + "> " * self.quote + indent + marker + " ")
        elif tag == "blockquote":
            self.quote += 1
            self._block()
        elif tag == "code":
            self.out.append("`")
        elif tag == "br":
            self.out.append("  \n" + "> " * self.quote)
        elif tag == "hr":
            self._block()
            self.out.append("---")
        elif tag == "a":
            self.link = {"href": attrs.get("href") or "", "ref": attrs.get("class") == "ref", "text": []}

    def handle_endtag(self, tag: str) -> None:
        if tag == "sup":
            self.skip = max(0, self.skip - 1)
        elif tag in _INLINE:
            self.out.append(_INLINE[tag])
        elif tag == "pre":
            self.out.append("\n```")
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out.append("\n")
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "code":
            self.out.append("`")
        elif tag == "a" and self.link is not None:
            link, self.link = self.link, None
            text = "".join(link["text"])
            if link["ref"]:
                cid = int(link["href"][2:])
                label = self.notes.get(cid)
                # "#12" is no heading in CommonMark (a heading needs a space after its marks).
                self.out.append(f"#{cid}" + (f"[^{label}]" if label else ""))
            elif link["href"]:
                href = link["href"].replace("(", "%28").replace(")", "%29").replace(" ", "%20")
                self.out.append(f"[{text}]({href})")
            else:
                self.out.append(text)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        text = data if self.out and self.out[-1].startswith("```") else _escape(data)
        if self.link is not None:
            self.link["text"].append(text)
        else:
            self.out.append(text.replace("\n", "\n" + "> " * self.quote) if self.quote else text)


def to_markdown(text: str, notes: dict[int, str]) -> str:
    """The synthesis as safe Markdown; references to ``notes``' ids carry their footnote label."""
    if not text.strip():
        return ""

    def link(match: re.Match) -> str:
        return f'<a href="#c{int(match[1])}" class="ref">#{match[1]}</a>'

    html = synthesis.sanitise(synthesis.link_references(synthesis.to_html(text), link))
    writer = _Writer(notes)
    writer.feed(html)
    writer.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(writer.out)).strip()

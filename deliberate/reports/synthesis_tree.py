"""A synthesis's sanitised HTML (from the builder) as a small tree a layout engine can draw.

The builder already turned the moderator's Markdown into HTML cleaned by nh3 with a short list of tags
(deliberate/clusters/synthesis.py); this reads that HTML back into nodes, so the PDF draws exactly what
the HTML report shows without a second Markdown parser. Nodes are strings (text) or dicts
``{"t": tag, "c": [children]}``; a reference ``<a class="ref">#12</a><sup class="fn">[3]</sup>`` becomes
``{"t": "ref", "id": 12, "n": 3}``. Block-level children are always block nodes: loose inline runs are
wrapped in ``{"t": "p"}``.
"""

import re
from html.parser import HTMLParser

BLOCKS = {"p", "ul", "ol", "li", "blockquote", "pre", "h3", "h4", "hr"}
_CONTAINERS = {"root", "li", "blockquote"}  # hold blocks; "p", "h3", "h4" hold inline content
_VOID = {"br", "hr"}
_NOTE = re.compile(r"\[(\d+)\]")
_REF = re.compile(r"#c(\d+)")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict = {"t": "root", "c": []}
        self.stack = [self.root]
        self.in_note: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "sup" and "fn" in (values.get("class") or "").split():
            self.in_note = self._last_ref()
            self.stack.append({"t": "sup", "c": []})  # dropped on close: the note is on the ref
            return
        if tag == "a" and "ref" in (values.get("class") or "").split():
            match = _REF.fullmatch(values.get("href") or "")
            if match:
                node = {"t": "ref", "id": int(match[1]), "n": None, "c": []}
                self._append(node)
                self.stack.append(node)
                return
        node: dict = {"t": tag, "c": []}
        if tag == "a":
            node["href"] = values.get("href") or None
        self._append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth]["t"] in (tag, "ref" if tag == "a" else tag):
                closed = self.stack[depth]
                del self.stack[depth:]
                if closed["t"] == "sup" and self.in_note is not None:
                    self.in_note = None
                return

    def handle_data(self, data: str) -> None:
        top = self.stack[-1]
        if top["t"] == "sup" and self.in_note is not None:
            match = _NOTE.search(data)
            if match:
                self.in_note["n"] = int(match[1])
            return
        if top["t"] == "ref":
            return  # the ref's text is always "#id": the layout writes it
        self._append(data)

    def _append(self, node: dict | str) -> None:
        self.stack[-1]["c"].append(node)

    def _last_ref(self) -> dict | None:
        children = self.stack[-1]["c"]
        last = children[-1] if children else None
        return last if isinstance(last, dict) and last["t"] == "ref" else None


def synthesis_tree(html: str) -> list:
    """The block nodes of a synthesis's sanitised HTML (an empty list for an empty synthesis)."""
    reader = _Reader()
    reader.feed(html or "")
    reader.close()
    return _shape(reader.root)["c"]


def _shape(node: dict) -> dict:
    """Wrap loose inline runs of block containers in paragraphs; give code its plain text."""
    if node["t"] in ("code", "pre"):
        return {"t": node["t"], "text": _text(node), "c": []}
    children = [_shape(child) if isinstance(child, dict) else child for child in node["c"]]
    if node["t"] not in _CONTAINERS:
        return {**node, "c": children}
    shaped: list = []
    run: list = []
    for child in [*children, None]:
        if child is None or (isinstance(child, dict) and child["t"] in BLOCKS):
            if any(not isinstance(n, str) or n.strip() for n in run):
                shaped.append({"t": "p", "c": _trim(run)})
            run = []
            if child is not None:
                shaped.append(child)
        else:
            run.append(child)
    return {**node, "c": shaped}


def _trim(run: list) -> list:
    if run and isinstance(run[0], str):
        run = [run[0].lstrip(), *run[1:]]
    if run and isinstance(run[-1], str):
        run = [*run[:-1], run[-1].rstrip()]
    return [n for n in run if n != ""]


def _text(node: dict | str) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node["c"])


def references(nodes: list) -> list[dict]:
    """Every reference node of a tree, in reading order."""
    found: list[dict] = []

    def walk(node: dict | str) -> None:
        if isinstance(node, dict):
            if node["t"] == "ref":
                found.append(node)
            for child in node["c"]:
                walk(child)

    for node in nodes:
        walk(node)
    return found

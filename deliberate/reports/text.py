"""Text every font can try to print: for layouts that must not fail on one stray character (PDF/UA)."""

import re

REPLACEMENT = "\ufffd"
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_DROPPED = f"\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_NONCHARACTERS}"
# Private use and lone surrogates: no font draws them, but a reader should see something was there.
_REPLACED = "\\ud800-\\udfff\\ue000-\\uf8ff\\U000f0000-\\U0010fffd"
_UNPRINTABLE = re.compile(f"[{_DROPPED}{_REPLACED}]")
_DROP = re.compile(f"[{_DROPPED}]")


def printable_text(text: str) -> str:
    """``text`` without control characters or noncharacters (a tab becomes a space, line ends become
    "\\n"), with private-use characters and lone surrogates shown as U+FFFD. Characters that are
    assigned but in no installed font are the PDF compiler's to replace (see typst_compile.py)."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        text = _NEWLINES.sub("\n", text)
    text = text.replace("\t", " ")
    return _UNPRINTABLE.sub(_replace, text)


def _replace(match: re.Match) -> str:
    return "" if _DROP.match(match[0]) else REPLACEMENT


def printable(value):
    """A copy of a JSON-like value with every string (keys too) passed through ``printable_text``."""
    if isinstance(value, str):
        return printable_text(value)
    if isinstance(value, dict):
        return {printable(k): printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [printable(v) for v in value]
    return value


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(value):
    """A copy of a JSON-like value whose strings lost their control characters (tab, newline and
    carriage return kept): texts stored before input was cleaned must not reach a terminal or a file."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value) if _CONTROLS.search(value) else value
    if isinstance(value, dict):
        return {k: without_controls(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_controls(v) for v in value]
    return value

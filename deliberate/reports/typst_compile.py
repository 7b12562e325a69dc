"""Compiling the report's Typst template to a tagged PDF/UA-1, in a short-lived child process.

Why a child: the Typst compiler keeps memory from one compile to the next inside a process (gigabytes
after a dozen large reports), and a child returns all of it when it exits, for about the cost of a
Python start. The report's data goes to the child on stdin, the PDF comes back on stdout.

Fonts: the system's, plus the folders in ``DELIBERATE_FONT_PATHS`` (separated like PATH). PDF/UA
refuses a character that no font has, so the report asks for Noto (Debian: fonts-noto-core,
fonts-noto-cjk, fonts-noto-color-emoji, installed by .ci/run) for Arabic, Hebrew, Chinese, Japanese,
Korean and emoji. Without them, or for a character that even they lack, the child replaces what could
not be drawn by U+FFFD and compiles again, and says so on stderr (logged as a warning). Should that
still fail, it writes a tagged PDF without the PDF/UA claim rather than no file at all.
"""

import json
import logging
import os
import re
import subprocess
import sys
from datetime import datetime

from deliberate.paths import resource_dir

log = logging.getLogger(__name__)

TEMPLATE = "report.typ"
# In this order: the text face, then the scripts it lacks. Typst also falls back to any other font.
FONT_FAMILIES = (
    "Noto Sans",
    "DejaVu Sans",
    "Liberation Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Sans CJK SC",
    "Noto Color Emoji",
)
# Families whose absence means some texts will print as U+FFFD: named in the warning.
FALLBACKS = {
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Color Emoji": "fonts-noto-color-emoji",
}
TIMEOUT_S = 600
RETRIES = 3
_UNDRAWABLE = re.compile(r'the text `"((?:[^"\\]|\\.)*)"`')
_RUST_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


class PdfError(RuntimeError):
    """The PDF could not be made; the message says why (from the compiler)."""


def font_families() -> list[str]:
    return list(FONT_FAMILIES)


def font_paths() -> list[str]:
    return [p for p in os.environ.get("DELIBERATE_FONT_PATHS", "").split(os.pathsep) if p]


def compile_report(data: dict, generated_at: str | None = None) -> bytes:
    """The PDF of ``data`` (see deliberate/reports/render_pdf.py), compiled in a child process."""
    command = [sys.executable, "-m", __name__]
    if generated_at:
        command += ["--timestamp", generated_at]
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        done = subprocess.run(command, input=payload, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as error:
        raise PdfError(f"the PDF took more than {TIMEOUT_S} s") from error
    messages = done.stderr.decode("utf-8", errors="replace").strip()
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        raise PdfError(messages.splitlines()[-1] if messages else f"exit code {done.returncode}")
    for line in messages.splitlines():
        log.warning("PDF report: %s", line)
    return done.stdout


def undrawable(message: str) -> set[str]:
    """The characters a Typst PDF/UA error names as impossible to draw (an empty set if none)."""
    match = _UNDRAWABLE.search(message)
    if not match:
        return set()

    def unescape(m: re.Match) -> str:
        return chr(int(m[1], 16)) if m[1] else _SIMPLE_ESCAPES.get(m[2], m[2])

    return {c for c in _RUST_ESCAPE.sub(unescape, match[1]) if not c.isascii() or not c.isprintable()}


def _compile(source: str, timestamp: int | None, warn) -> bytes:
    import typst

    fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=font_paths())
    families = set(fonts.families())
    absent = sorted({package for family, package in FALLBACKS.items() if family not in families})
    if absent:
        warn(f"fallback fonts missing (install {', '.join(absent)}); some characters may print as \ufffd")
    folder = resource_dir("templates") / "report"
    compiler = typst.Compiler(folder / TEMPLATE, root=folder, font_paths=fonts)
    for _ in range(RETRIES):
        try:
            return compiler.compile(
                format="pdf", sys_inputs={"report": source}, pdf_standards=["ua-1"], timestamp=timestamp
            )
        except typst.TypstError as error:
            characters = undrawable(error.message)
            if not characters:
                raise
            names = ", ".join(f"U+{ord(c):04X}" for c in sorted(characters))
            warn(f"no font draws {names}: printed as \ufffd")
            # U+FFFD itself undrawable (no font at all has it): drop the characters instead.
            replacement = "" if "\ufffd" in characters else "\ufffd"
            source = source.translate({ord(c): replacement for c in characters})
    warn("still characters no font draws: written as a tagged PDF without the PDF/UA-1 claim")
    return compiler.compile(format="pdf", sys_inputs={"report": source}, timestamp=timestamp)


def main(argv: list[str] | None = None) -> int:
    """The child: the report's data on stdin, the PDF on stdout, warnings and errors on stderr."""
    import argparse

    import typst

    parser = argparse.ArgumentParser(description="Compile the report's data (stdin) to PDF (stdout).")
    parser.add_argument("--timestamp", help="the report's generation time, ISO 8601 with an offset")
    args = parser.parse_args(argv)
    try:  # whole UNIX seconds: the binding refuses some datetimes (sub-second, named zones)
        moment = datetime.fromisoformat(args.timestamp) if args.timestamp else None
        timestamp = int(moment.timestamp()) if moment and moment.tzinfo else None
    except ValueError:
        timestamp = None

    def warn(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        pdf = _compile(sys.stdin.buffer.read().decode("utf-8"), timestamp, warn)
    except typst.TypstError as error:
        print(f"Typst: {error.message}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(pdf)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

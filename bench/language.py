"""Language detection on the shared Pol.is comments (all written in English): errors and time per text.

Prints the detector as it was before issue 13 (lingua, low-accuracy mode, no confidence rule, English
when unsure) next to the one in use (``deliberate.rooms.language.detect``: high accuracy, the
session's languages only, the author's language when the winner's share is under ``CONFIDENT``),
measured in the same run on the same texts. Usage: ``python bench/language.py [POLIS_DIR]``.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deliberate.rooms.language import CONFIDENT, detect  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "polis"


def comments(folder: Path) -> list[str]:
    texts = []
    for conversation in sorted(p for p in folder.iterdir() if p.is_dir()):
        with (conversation / "comments.csv").open(newline="", encoding="utf-8") as handle:
            texts += [row["comment-body"] for row in csv.DictReader(handle)]
    return texts


def before(text: str) -> str:
    from lingua import Language, LanguageDetectorBuilder

    global _low
    try:
        detector = _low
    except NameError:
        detector = _low = (
            LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.SPANISH)
            .with_low_accuracy_mode()
            .build()
        )
    if len(text.strip()) < 3:
        return "en"
    found = detector.detect_language_of(text)
    return {"FRENCH": "fr", "SPANISH": "es"}.get(found.name, "en") if found else "en"


def measure(name: str, detect_one, texts: list[str]) -> None:
    detect_one("warm up the detector")
    started = time.perf_counter()
    wrong = [t for t in texts if detect_one(t) != "en"]
    per_text = (time.perf_counter() - started) * 1000 / len(texts)
    share = 100 * len(wrong) / len(texts)
    print(f"{name:<34} {len(wrong):>4} of {len(texts)} wrong ({share:.2f} %), {per_text:.2f} ms/text")
    for text in wrong[:6]:
        print(f"    {text[:70]!r}")


def main() -> None:
    texts = comments(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
    measure("before (low accuracy, no rule)", before, texts)
    measure(f"now (author en, share >= {CONFIDENT})", lambda t: detect(t, "en"), texts)


if __name__ == "__main__":
    main()

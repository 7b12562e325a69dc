"""Which language a contribution is in, when its author did not say."""

from collections.abc import Iterable
from functools import lru_cache

from deliberate.config import LANGUAGES

# The winner's share of the confidence among the session's languages; below it, the text is too short
# or too mixed to tell, and the author's language stands. Chosen on the shared Pol.is comments
# (all English; bench/language.py): 0.6 leaves 2 of 420 wrong, against 14 before this rule.
CONFIDENT = 0.6
# Shorter than this, a text says nothing of its language ("ok", "+1").
SHORTEST = 3


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Only the product's languages: on short texts a detector that knows fewer languages errs less.
    # High accuracy (1- to 5-grams): about a millisecond a text, where the low-accuracy mode called
    # "hola" French and short English lines Spanish.
    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.SPANISH).build()


_CODES = {"ENGLISH": "en", "FRENCH": "fr", "SPANISH": "es"}


def detect(text: str, fallback: str, candidates: Iterable[str] = LANGUAGES) -> str:
    """The language of ``text`` among ``candidates`` (the session's languages); ``fallback`` (the
    author's language) when the text is too short or the detector not sure enough."""
    choices = [code for code in candidates if code in LANGUAGES] or list(LANGUAGES)
    fallback = fallback if fallback in choices else choices[0]
    if len(choices) == 1 or len(text.strip()) < SHORTEST:
        return fallback
    confidence = {
        _CODES[value.language.name]: value.value
        for value in _detector().compute_language_confidence_values(text)
    }
    among = {code: confidence.get(code, 0.0) for code in choices}
    total = sum(among.values())
    best = max(among, key=among.__getitem__)
    return best if total and among[best] / total >= CONFIDENT else fallback

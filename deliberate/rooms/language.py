"""Which language a contribution is in, when its author did not say."""

from functools import lru_cache

from deliberate.config import LANGUAGES


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    # Only the product's languages: on short texts a detector that knows fewer languages errs less.
    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.SPANISH)
        .with_low_accuracy_mode()
        .build()
    )


_CODES = {"ENGLISH": "en", "FRENCH": "fr", "SPANISH": "es"}


def detect(text: str, fallback: str) -> str:
    """The language of ``text`` among en/fr/es; ``fallback`` (the author's language) when unsure."""
    if len(text.strip()) < 3:
        return fallback if fallback in LANGUAGES else "en"
    found = _detector().detect_language_of(text)
    if found is None:
        return fallback if fallback in LANGUAGES else "en"
    return _CODES[found.name]

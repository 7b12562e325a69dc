"""Machine translation of contributions, cluster labels and syntheses into a session's languages.

Off unless ``DELIBERATE_TRANSLATION`` names a provider (``apertium``, ``libretranslate``, ``deepl``);
then every text is translated by a job right after it is written (``jobs.py``), stored with the
provider's name (``models.py``) and sent to the room when ready. A provider that is slow or down
never holds up a post: the original stays, and ``jobs.retry_missing`` fills the gaps later.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, current_app

from deliberate.translation.providers import Provider

_KEY = "deliberate.translation"
NAMES = ("apertium", "libretranslate", "deepl")


class TranslationState:
    """The configured provider and whether it failed lately (then jobs leave it alone a while)."""

    def __init__(self, provider: Provider, retry_after: float) -> None:
        self.provider = provider
        self.retry_after = retry_after
        self._down_until = 0.0

    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def failed(self) -> None:
        self._down_until = time.monotonic() + self.retry_after

    def recovered(self) -> None:
        self._down_until = 0.0


def build_provider(config: dict[str, Any]) -> Provider | None:
    """The provider the configuration names, or None; a bad configuration stops the start-up."""
    if config.get("TRANSLATION_PROVIDER") is not None:  # a test's fake, or an embedding program's own
        return config["TRANSLATION_PROVIDER"]
    name = (config.get("TRANSLATION") or "").strip().lower()
    timeout = float(config.get("TRANSLATION_TIMEOUT") or 10.0)
    if not name or name in ("off", "none"):
        return None
    if name == "apertium":
        from deliberate.translation.apertium import Apertium

        return Apertium(timeout=max(timeout, 30.0))
    if name == "libretranslate":
        from deliberate.translation.libretranslate import LibreTranslate

        if not config.get("TRANSLATION_URL"):
            raise SystemExit("DELIBERATE_TRANSLATION=libretranslate needs DELIBERATE_TRANSLATION_URL")
        return LibreTranslate(config["TRANSLATION_URL"], config.get("TRANSLATION_KEY"), timeout)
    if name == "deepl":
        from deliberate.translation.deepl import DeepL

        if not config.get("TRANSLATION_KEY"):
            raise SystemExit("DELIBERATE_TRANSLATION=deepl needs DELIBERATE_TRANSLATION_KEY")
        return DeepL(config["TRANSLATION_KEY"], config.get("TRANSLATION_URL"), timeout)
    raise SystemExit(f"DELIBERATE_TRANSLATION must be one of {', '.join(NAMES)}, not {name!r}")


def init_app(app: Flask) -> None:
    provider = build_provider(app.config)
    app.context_processor(lambda: {"translation_enabled": _KEY in app.extensions})
    if provider is not None:
        app.extensions[_KEY] = TranslationState(provider, float(app.config.get("TRANSLATION_RETRY") or 30))


def state() -> TranslationState | None:
    """The running application's translation state, None when translation is off."""
    return current_app.extensions.get(_KEY)


def enabled() -> bool:
    return _KEY in current_app.extensions

"""DeepL (commercial, for organisers who accept sending texts to it; https://developers.deepl.com).

``POST {url}/v2/translate`` with header ``Authorization: DeepL-Auth-Key KEY`` and
``{"text": [texts], "source_lang": "FR", "target_lang": "ES"}`` answers
``{"translations": [{"detected_source_language", "text"}]}``. Free keys end in ``:fx`` and use
``api-free.deepl.com``.
"""

from __future__ import annotations

from deliberate.translation.http import post_json
from deliberate.translation.providers import ProviderError

# DeepL wants a regional variant for English as a target.
TARGETS = {"en": "EN-GB", "fr": "FR", "es": "ES"}


def default_url(api_key: str) -> str:
    return "https://api-free.deepl.com" if api_key.endswith(":fx") else "https://api.deepl.com"


class DeepL:
    name = "deepl"

    def __init__(self, api_key: str, url: str | None = None, timeout: float = 10.0) -> None:
        if not api_key:
            raise ValueError("DeepL needs DELIBERATE_TRANSLATION_KEY")
        self.api_key = api_key
        self.url = (url or default_url(api_key)).rstrip("/")
        self.timeout = timeout

    def supports(self, source: str, target: str) -> bool:
        return source != target and source in TARGETS and target in TARGETS

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        body = {"text": texts, "source_lang": source.upper(), "target_lang": TARGETS[target]}
        headers = {"Authorization": f"DeepL-Auth-Key {self.api_key}"}
        answer = post_json(f"{self.url}/v2/translate", body, self.timeout, headers)
        items = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) and "text" in i for i in items):
            raise ProviderError("DeepL answered without translations")
        return [item["text"] for item in items]

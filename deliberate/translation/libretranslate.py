"""LibreTranslate (self-hosted, https://docs.libretranslate.com/guides/api_usage/).

``POST {url}/translate`` with ``{"q": [texts], "source", "target", "format": "text", "api_key"?}``
answers ``{"translatedText": [texts]}``; errors are 4xx/5xx with ``{"error": message}`` (400 bad
request, 403 bad or missing key, 429 too many requests, 500 could not translate).
"""

from __future__ import annotations

from deliberate.config import LANGUAGES
from deliberate.translation.http import post_json
from deliberate.translation.providers import ProviderError


class LibreTranslate:
    name = "libretranslate"

    def __init__(self, url: str, api_key: str | None = None, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    def supports(self, source: str, target: str) -> bool:
        return source != target and source in LANGUAGES and target in LANGUAGES

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        body = {"q": texts, "source": source, "target": target, "format": "text"}
        if self.api_key:
            body["api_key"] = self.api_key
        answer = post_json(f"{self.url}/translate", body, self.timeout)
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]
        if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
            raise ProviderError("LibreTranslate answered without translatedText")
        return translated

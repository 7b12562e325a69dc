"""Apertium, offline: Debian's ``apertium`` with the ``apertium-fr-es`` and ``apertium-eng-spa`` pairs.

A batch of texts goes through one ``apertium`` pipeline as HTML, one ``<p>`` per text (the HTML format
keeps the tags in place as it translates around them), so a batch pays the pipeline's start-up once.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess

from deliberate.translation.providers import ProviderError, ProviderTimeout

# Our language codes → the Debian packages' mode names (``apertium -l``).
MODES = {
    ("fr", "es"): "fr-es",
    ("es", "fr"): "es-fr",
    ("en", "es"): "eng-spa",
    ("es", "en"): "spa-eng",
}


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


class Apertium:
    name = "apertium"

    def __init__(self, command: str = "apertium", timeout: float = 30.0) -> None:
        self.command = command
        self.timeout = timeout

    def supports(self, source: str, target: str) -> bool:
        return (source, target) in MODES

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        executable = shutil.which(self.command)
        if executable is None:
            raise ProviderError(
                f"{self.command} is not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)"
            )
        payload = "".join(f"<p>{html.escape(text, quote=False)}</p>\n" for text in texts)
        try:
            done = subprocess.run(
                [executable, "-f", "html-noent", "-u", MODES[(source, target)]],
                input=payload.encode(),
                capture_output=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as error:
            raise ProviderTimeout(f"apertium took more than {self.timeout:g} s") from error
        except OSError as error:
            raise ProviderError(f"apertium could not run: {error}") from error
        if done.returncode != 0:
            raise ProviderError(f"apertium failed: {done.stderr.decode(errors='replace').strip()[:200]}")
        parts = _PARAGRAPH.findall(done.stdout.decode())
        if len(parts) != len(texts):
            raise ProviderError(f"apertium returned {len(parts)} texts for {len(texts)}")
        return [html.unescape(part).strip() for part in parts]

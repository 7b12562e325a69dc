"""Translation providers behind one interface, and the route a translation takes between languages.

A provider turns texts from one language into another and names itself; it raises
``ProviderError`` (``ProviderTimeout`` when it was too slow) and never returns the original as if it
were a translation. Adapters: ``apertium.py`` (offline), ``libretranslate.py``, ``deepl.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# When a provider has no direct pair, the text goes through this language (Apertium has fr-es and
# en-es, not fr-en), and the translation says so.
PIVOT = "es"


class ProviderError(Exception):
    """The provider could not translate (down, refused, answered nonsense)."""


class ProviderTimeout(ProviderError):
    """The provider did not answer in time."""


class Provider(Protocol):
    name: str

    def supports(self, source: str, target: str) -> bool:
        """Whether this provider translates ``source`` to ``target`` directly."""

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        """``texts`` in ``target``, in the same order; raises ``ProviderError``."""


@dataclass(frozen=True)
class Translated:
    text: str
    provider: str
    pivot: str | None = None  # the language it went through, if not direct


def route(provider: Provider, source: str, target: str) -> list[str] | None:
    """The languages a translation passes through, ``[source, (pivot,) target]``, or None."""
    if provider.supports(source, target):
        return [source, target]
    if (
        PIVOT not in (source, target)
        and provider.supports(source, PIVOT)
        and provider.supports(PIVOT, target)
    ):
        return [source, PIVOT, target]
    return None


def translate(provider: Provider, texts: list[str], source: str, target: str) -> list[Translated] | None:
    """``texts`` translated along ``route``; None when the provider cannot reach ``target``."""
    steps = route(provider, source, target)
    if steps is None:
        return None
    current = list(texts)
    for here, there in zip(steps, steps[1:], strict=False):
        current = provider.translate(current, here, there)
        if len(current) != len(texts):
            raise ProviderError(f"{provider.name} returned {len(current)} texts for {len(texts)}")
    pivot = steps[1] if len(steps) == 3 else None
    return [Translated(text, provider.name, pivot) for text in current]

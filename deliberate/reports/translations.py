"""Machine (and confirmed) translations in the report, added to what the builder made.

Two things, both read from the stored translations (``deliberate/translation``), never computed here:

- a synthesis written in another language than the report's carries its translation into the
  report's language (``synthesis_translation``), marked as a machine's until a moderator or
  rapporteur confirmed it; every report has this, so the published report reads in each language;
- with ``translations=True`` (the export option), every contribution, footnote, cluster label and
  synthesis also carries its translations into the session's other languages (``translations``,
  ``label_translations``, ``synthesis_translations``), for the renderers to print beside the original.

A translation is ``{"language", "text", "provider", "source_language", "pivot", "confirmed"}``, plus
``"html"`` (sanitised like the original's) for a synthesis.
"""

from __future__ import annotations

from deliberate.clusters import synthesis as markdown
from deliberate.translation import services

ORDER = ("fr", "en", "es")


def attach(questions: list[dict], language: str, languages: list[str], include: bool) -> None:
    """Add the translations to the builder's ``questions`` in place (at most four queries)."""
    if not include and not any(_foreign(part, language) for q in questions for part in (q, *q["clusters"])):
        return  # every synthesis is in the report's language: nothing to read
    question_syntheses = services.current("question_synthesis", {q["id"]: q["synthesis"] for q in questions})
    clusters = [c for q in questions for c in q["clusters"]]
    cluster_syntheses = services.current("cluster_synthesis", {c["id"]: c["synthesis"] for c in clusters})
    labels = contributions = {}
    if include:
        labels = services.current("cluster_label", {c["id"]: c["label"] for c in clusters})
        everyone = {c["id"]: c["text"] for q in questions for c in _contributions(q)}
        contributions = services.current("contribution", everyone)
    order = [lang for lang in dict.fromkeys([*languages, *ORDER]) if lang in ORDER]
    for question in questions:
        known = {c["id"] for c in _contributions(question)}
        numbers = {n["contribution_id"]: n["number"] for n in question["footnotes"]}
        found = question_syntheses.get(question["id"], {})
        _synthesis(question, _entries(found, order), language, include, known, numbers)
        for cluster in question["clusters"]:
            found = cluster_syntheses.get(cluster["id"], {})
            _synthesis(cluster, _entries(found, order), language, include, known, numbers)
            if include:
                cluster["label_translations"] = _entries(labels.get(cluster["id"], {}), order)
        if include:
            for c in _contributions(question):
                c["translations"] = _entries(contributions.get(c["id"], {}), order)
            for note in question["footnotes"]:
                note["translations"] = _entries(contributions.get(note["contribution_id"], {}), order)


def _synthesis(
    part: dict, entries: list[dict], language: str, include: bool, known: set[int], numbers: dict[int, int]
) -> None:
    # Sanitised and with citations like the original's (deliberate/clusters/synthesis.py).
    entries = [{**entry, "html": markdown.render(entry["text"], known, numbers)} for entry in entries]
    mine = next((e for e in entries if e["language"] == language), None)
    part["synthesis_translation"] = mine if _foreign(part, language) else None
    if include:
        part["synthesis_translations"] = entries


def _foreign(part: dict, language: str) -> bool:
    written = part.get("synthesis_language")
    return bool(written) and written != language


def _entries(found: dict[str, dict], order: list[str]) -> list[dict]:
    return [{"language": lang, **found[lang]} for lang in order if lang in found]


def _contributions(question: dict):
    """Each contribution dict of a question once (rankings reuse the same dicts)."""
    for cluster in question["clusters"]:
        yield from cluster["contributions"]
    yield from question["unclustered"]

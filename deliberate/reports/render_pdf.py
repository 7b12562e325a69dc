"""The PDF report: the builder's report as data for a Typst template, compiled to a tagged PDF/UA-1.

Layout is templates/report/report.typ; this module only prepares its data: plain strings and numbers,
with the labels and small formatted lines worked out here (Python is faster at strings than Typst).
User text travels as JSON and the template places it as text, so nothing typed can become markup.
Each question is a list of sections ``{"kind": ..., ...}`` drawn by the template function of that kind:
one function here and one there per section. The compile itself runs in a child process
(deliberate/reports/typst_compile.py).
"""

import re

from deliberate.reports.charts import activity_chart, opinion_map_chart, support_chart
from deliberate.reports.labels import (
    count,
    language_label,
    original_note,
    percent,
    quoted,
    role_label,
    session_facts,
    short_time,
    status_label,
    translation_note,
)
from deliberate.reports.synthesis_tree import references, synthesis_tree
from deliberate.reports.text import printable, printable_text
from deliberate.reports.typst_compile import compile_report, font_families

_LANGUAGE = re.compile(r"[a-z]{2,3}")


def render_pdf(report: dict, labels: dict[str, str]) -> bytes:
    return compile_report(pdf_data(report, labels), report["generated_at"])


def pdf_data(report: dict, labels: dict[str, str]) -> dict:
    """The template's data. Every string goes through ``printable``: PDF/UA refuses control characters
    and characters no font can draw, so one stray byte would otherwise fail the whole file."""
    # The report's language travels with the labels to the few places that compare with it.
    labels = {**printable(labels), "_report_language": report["language"]}
    session = report["session"]
    data = {
        "lang": language(report["language"]) or "en",
        "fonts": font_families(),
        "labels": labels,
        "title": session["title"],
        "facts": [[name, str(value)] for name, value in session_facts(report, labels)],
        "description": [p.strip() for p in session["description"].split("\n\n") if p.strip()],
        "questions": [_question(q, labels) for q in report["questions"]],
    }
    return printable(data)


def language(code: str | None) -> str | None:
    """The ISO 639 part of a language tag ("pt-BR" -> "pt"), or None when it is not one."""
    primary = (code or "").split("-")[0].split("_")[0].lower()
    return primary if _LANGUAGE.fullmatch(primary) else None


def _question(question: dict, labels: dict[str, str]) -> dict:
    languages = _languages(question)
    seen: set[int] = set()
    sections = [
        _participation(question, labels),
        _synthesis(question, labels, languages, seen),
        *_charts(question, labels),
        *_rankings(question, labels),
        _opinion_groups(question.get("opinion_groups"), labels),
        _clusters(question, labels, languages, seen),
        _unclustered(question, labels),
        _footnotes(question, languages, labels),
    ]
    attribution = question["attribution"]
    return {
        "kicker": f"{labels['question']} {question['position']} · {status_label(labels, question['status'])}",
        "text": question["text"],
        "attribution": f"{labels['attribution']}: {attribution}" if attribution else None,
        "sections": [s for s in sections if s],
    }


def _languages(question: dict) -> dict[int, str | None]:
    contributions = [*question["unclustered"]]
    for cluster in question["clusters"]:
        contributions += cluster["contributions"]
    return {c["id"]: language(c["language"]) for c in contributions}


def _participation(question: dict, labels: dict[str, str]) -> dict:
    figures = question["participation"]
    return {
        "kind": "participation",
        "figures": [
            [count(figures[key], labels), labels[key]] for key in ("participants", "contributions", "votes")
        ],
    }


def _synthesis(
    question: dict, labels: dict[str, str], languages: dict[int, str | None], seen: set[int]
) -> dict | None:
    if not question["synthesis_html"]:
        return None
    return {"kind": "synthesis", **_synthesis_part(question, labels, languages, seen)}


def _synthesis_part(
    part: dict, labels: dict[str, str], languages: dict[int, str | None], seen: set[int], question=None
) -> dict:
    """A synthesis as the template's synthesis box draws it: in the report's language when it was
    translated into it (``translated``, marked, then the original under ``original_note``), else as
    written; ``others``: its other translations (the export's translations option), each marked."""
    question = question or part
    mine = part.get("synthesis_translation")
    translated = None
    if mine:
        translated = {
            "nodes": _tree(mine["html"], question, labels, languages, seen),
            "lang": language(mine["language"]),
            "note": translation_note(labels, mine),
        }
    nodes = _tree(part["synthesis_html"], question, labels, languages, seen)
    others = [
        {
            "nodes": _tree(entry["html"], question, labels, languages, seen),
            "lang": language(entry["language"]),
            "note": f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}",
        }
        for entry in part.get("synthesis_translations") or []
        if not mine or entry["language"] != mine["language"]
    ]
    written = _written_in(part, labels)
    return {
        "nodes": nodes,
        **written,
        "written_in": None if mine else written["written_in"],
        "translated": translated,
        "original_note": original_note(labels, part.get("synthesis_language")) if mine else None,
        "others": others,
    }


def _beside(entries: list[dict] | None, labels: dict[str, str]) -> list[dict]:
    """Translations printed beside an original, each with its mark."""
    return [
        {
            "text": entry["text"],
            "lang": language(entry["language"]),
            "note": f"{language_label(labels, entry['language'])} · {translation_note(labels, entry)}",
        }
        for entry in entries or []
    ]


def _written_in(part: dict, labels: dict[str, str]) -> dict:
    """A synthesis is shown as written: its language for the tags, and a note when it is not the
    report's (the same note as in the HTML and Markdown)."""
    written = part.get("synthesis_language")
    note = None
    if written and written != labels.get("_report_language"):
        name = labels.get(f"language_{written}", written)
        note = f"{labels.get('written_in', 'Synthesis written in')}: {name}"
    return {"lang": language(written), "written_in": note}


def _tree(
    html: str, question: dict, labels: dict[str, str], languages: dict[int, str | None], seen: set[int]
) -> list:
    """The synthesis as nodes; each reference with a footnote gets the quote, shown at its first
    mention in reading order and referred back to afterwards (the same number, as in every format)."""
    nodes = synthesis_tree(html)
    notes = {note["number"]: note for note in question["footnotes"]}
    for ref in references(nodes):
        note = notes.get(ref["n"])
        if note is None:
            ref["n"] = None
            continue
        ref["key"] = f"fn-q{question['position']}-{ref['n']}"
        ref["first"] = ref["n"] not in seen
        seen.add(ref["n"])
        ref["lang"] = languages.get(note["contribution_id"])
        ref["quote"] = f"#{note['contribution_id']} {quoted(note['text'], labels)}"
        ref["tally"] = (
            f"({labels['agree']} {count(note['agree'], labels)}, "
            f"{labels['disagree']} {count(note['disagree'], labels)})"
        )
    return nodes


def _charts(question: dict, labels: dict[str, str]) -> list[dict]:
    # As in the HTML: charts of an empty question would only say "no data"; one sentence says it once.
    if not (question["clusters"] or question["unclustered"]):
        return [{"kind": "note", "text": labels["no_contributions"]}]
    charts = []
    if question["clusters"]:
        # Cleaned first: the chart's SVG text is drawn with the same fonts as the rest.
        clusters = [{**c, "label": printable_text(c["label"])} for c in question["clusters"]]
        svg = support_chart(clusters, labels)
        charts.append({"kind": "chart", "svg": svg, "caption": labels["support_chart"]})
    svg = activity_chart(question["activity"], labels)
    charts.append({"kind": "chart", "svg": svg, "caption": labels["activity_chart"]})
    return charts


def _rankings(question: dict, labels: dict[str, str]) -> list[dict]:
    return [
        {"kind": "ranked", "title": labels[key], "items": [_contribution(c, labels) for c in question[key]]}
        for key in ("most_agreed", "most_divisive")
        if question[key]
    ]


def _opinion_groups(section: dict | None, labels: dict[str, str]) -> dict | None:
    """Groups with sizes and representative contributions, the map, consensus and divisive tables."""
    if not section:
        return None
    result = {"kind": "opinion_groups", "title": labels["opinion_groups"], "empty": None}
    if not section["groups"]:
        return {**result, "empty": labels["opinion_none"]}
    names = [g["name"] for g in section["groups"]]
    placed = labels["opinion_placed"].replace("{n}", str(section["min_votes"]))
    header = [
        labels["text"],
        *(f"{labels['opinion_group']} {n}: {labels['agree']} / {labels['disagree']}" for n in names),
    ]
    return {
        **result,
        "placed": f"{placed}: {section['participants']}",
        "svg": opinion_map_chart(section, labels),
        "caption": labels["opinion_map"],
        "groups": [
            {
                "title": f"{labels['opinion_group']} {g['name']} · "
                f"{labels['opinion_people']} {count(g['size'], labels)}",
                "items": [
                    {
                        "text": f"#{r['contribution_id']} {quoted(r['text'], labels)}",
                        "share": f"{percent(r['agree_share'], labels)} {labels['opinion_agree_share']}, "
                        f"{percent(r['disagree_share'], labels)} {labels['opinion_disagree_share']}",
                    }
                    for r in g["representative"]
                ],
            }
            for g in section["groups"]
        ],
        "tables": [
            {
                "title": labels["opinion_" + key],
                "header": header,
                "rows": [
                    [
                        f"#{c['contribution_id']} {c['text']}",
                        *(f"{g.get('agree', 0)} / {g.get('disagree', 0)}" for g in c["groups"]),
                    ]
                    for c in section[key]
                ],
            }
            for key in ("consensus", "divisive")
            if section[key]
        ],
    }


def _clusters(
    question: dict, labels: dict[str, str], languages: dict[int, str | None], seen: set[int]
) -> dict | None:
    if not question["clusters"]:
        return None
    return {
        "kind": "clusters",
        "clusters": [
            {
                "label": cluster["label"],
                "label_translations": _beside(cluster.get("label_translations"), labels),
                "agree": cluster["agree"],
                "disagree": cluster["disagree"],
                "supporters": cluster["supporters"],
                **_synthesis_part(cluster, labels, languages, seen, question),
                "contributions": [_contribution(c, labels) for c in cluster["contributions"]],
            }
            for cluster in question["clusters"]
        ],
    }


def _unclustered(question: dict, labels: dict[str, str]) -> dict | None:
    if not question["unclustered"]:
        return None
    return {"kind": "unclustered", "items": [_contribution(c, labels) for c in question["unclustered"]]}


def _footnotes(question: dict, languages: dict[int, str | None], labels: dict[str, str]) -> dict | None:
    if not question["footnotes"]:
        return None
    return {
        "kind": "footnotes",
        "notes": [
            {
                "number": note["number"],
                "id": note["contribution_id"],
                "text": note["text"],
                "lang": languages.get(note["contribution_id"]),
                "agree": note["agree"],
                "disagree": note["disagree"],
                "translations": _beside(note.get("translations"), labels),
            }
            for note in question["footnotes"]
        ],
    }


def _contribution(c: dict, labels: dict[str, str]) -> dict:
    role = role_label(labels, c["role"])
    return {
        "id": c["id"],
        "text": c["text"],
        "lang": language(c["language"]),
        "author": c["author"],
        "who": f"{role} · {c['language']}",
        "meta": f"{c['author']} · {role} · {c['language']} · {short_time(c['created_at'], labels)}",
        "agree": c["agree"],
        "disagree": c["disagree"],
        "translations": _beside(c.get("translations"), labels),
    }

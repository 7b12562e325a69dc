"""The words a report prints, with their English defaults, and small formatting helpers.

The lead translates ``DEFAULT_LABELS`` with gettext and hands the result to a renderer, so renderers
never import Flask-Babel. Role and version-status names are optional labels (``role_<key>``,
``status_<key>``): when absent, the raw key is printed rather than failing.
"""

from deliberate import formatting

DEFAULT_LABELS: dict[str, str] = {
    "report_title": "Session report",
    "session": "Session",
    "code": "Code",
    "version": "Version",
    "submitted": "Submitted",
    "generated": "Generated",
    "date": "Date",
    "time": "Time",
    "timezone": "Time zone",
    "languages": "Languages",
    "description": "Description",
    "question": "Question",
    "status": "Status",
    "participation": "Participation",
    "participants": "Participants",
    "contributions": "Contributions",
    "votes": "Votes",
    "clusters": "Clusters",
    "cluster": "Cluster",
    "support": "Support",
    "agree": "Agree",
    "disagree": "Disagree",
    "supporters": "Supporters",
    "synthesis": "Synthesis",
    "question_synthesis": "Question synthesis",
    "most_agreed": "Most agreed contributions",
    "most_divisive": "Most divisive contributions",
    "unclustered": "Contributions not in a cluster",
    "activity": "Activity",
    "support_chart": "Support per cluster",
    "activity_chart": "Activity over time",
    "footnotes": "Quoted contributions",
    "text": "Text",
    "author": "Author",
    "role": "Role",
    "language": "Language",
    "no_contributions": "No contributions.",
    "no_data": "No data",
    "attribution": "Attribution",
    "opinion_groups": "Opinion groups",
    "opinion_group": "Group",
    "opinion_people": "People",
    "opinion_placed": "Participants placed in a group (each voted on at least {n} contributions)",
    "opinion_representative": "Representative contributions",
    "opinion_consensus": "Common ground (every group tends to agree)",
    "opinion_divisive": "What divides the groups",
    "opinion_map": "Opinion map",
    "opinion_agree_share": "agree",
    "opinion_disagree_share": "disagree",
    "opinion_none": "Not enough votes for opinion groups yet.",
    "written_in": "Synthesis written in",
    "translation_machine": "Machine translation from {language} ({provider})",
    "translation_via": "via {language}",
    "translation_confirmed": "Translation from {language}, confirmed by a moderator or rapporteur",
    "translation_original": "Original in {language}",
    "language_en": "English",
    "language_fr": "Français",
    "language_es": "Español",
    "role_attendee": "Attendee",
    "role_panelist": "Panelist",
    "role_moderator": "Moderator",
    "role_rapporteur": "Rapporteur",
    "role_organiser": "Organiser",
    "status_open": "Open",
    "status_closed": "Closed",
    "status_submitted": "Submitted",
    "status_approved": "Approved",
    # Not a word: the language the report is written in, for its dates, counts and quotes.
    "locale": "en",
}

LABEL_KEYS: tuple[str, ...] = tuple(DEFAULT_LABELS)


def with_defaults(labels: dict[str, str]) -> dict[str, str]:
    """Fill missing labels with English, so a half-translated catalogue still renders."""
    return {**DEFAULT_LABELS, **labels}


def role_label(labels: dict[str, str], role: str) -> str:
    return labels.get(f"role_{role}", role)


def status_label(labels: dict[str, str], status: str) -> str:
    return labels.get(f"status_{status}", status)


def language_label(labels: dict[str, str], code: str | None) -> str:
    return labels.get(f"language_{code}", code or "")


def translation_note(labels: dict[str, str], entry: dict) -> str:
    """How a translation is marked everywhere: a machine's, with its provider and source language
    (and the language it went through), or confirmed by a person."""
    source = language_label(labels, entry.get("source_language"))
    if entry.get("confirmed"):
        return labels["translation_confirmed"].replace("{language}", source)
    note = labels["translation_machine"].replace("{language}", source)
    note = note.replace("{provider}", entry["provider"])
    if entry.get("pivot"):
        pivot = language_label(labels, entry["pivot"])
        note += " · " + labels["translation_via"].replace("{language}", pivot)
    return note


def original_note(labels: dict[str, str], language: str | None) -> str:
    return labels["translation_original"].replace("{language}", language_label(labels, language))


def short_datetime(iso: str | None, labels: dict[str, str]) -> str:
    """'2026-11-27T10:00:00+00:00' -> '27 nov. 2026, 10:00 UTC' in the report's language; keeps the
    offset the builder chose."""
    return formatting.date_time(iso, locale(labels))


def short_time(iso: str | None, labels: dict[str, str]) -> str:
    return formatting.clock_time(iso, locale(labels))


def locale(labels: dict[str, str]) -> str:
    return labels.get("locale", "en")


def count(n: int, labels: dict[str, str]) -> str:
    return formatting.count(n, locale(labels))


def percent(share: float, labels: dict[str, str]) -> str:
    return formatting.percent(share, locale(labels))


def quoted(text: str, labels: dict[str, str]) -> str:
    return formatting.quoted(text, locale(labels))


def colon(name: str, labels: dict[str, str]) -> str:
    """'Support:' / 'Soutien :' (a no-break space before French colons)."""
    return f"{name}\u00a0:" if locale(labels) == "fr" else f"{name}:"


def session_date(session: dict, labels: dict[str, str]) -> str:
    """'2 décembre 2026, 09:00–12:00' in the report's language."""
    lang = locale(labels)
    text = formatting.long_date(session["date"], lang)
    hours = "–".join(
        formatting.hour_minute(t, lang) for t in (session["start_time"], session["end_time"]) if t
    )
    return f"{text}, {hours}" if text and hours else text or hours


def session_facts(report: dict, labels: dict[str, str]) -> list[tuple[str, str]]:
    """The report header's (name, value) lines, the same in every format."""
    session = report["session"]
    facts = [
        (labels["code"], session["code"]),
        (labels["date"], session_date(session, labels)),
        (labels["timezone"], session["timezone"]),
        (labels["languages"], ", ".join(language_label(labels, code) for code in session["languages"])),
        *((detail["label"], detail["value"]) for detail in session["details"]),
    ]
    if version := report["version"]:
        text = f"{version['number']} ({status_label(labels, version['status'])}"
        if version.get("submitted_at"):
            text += f", {labels['submitted']} {short_datetime(version['submitted_at'], labels)}"
        facts.append((labels["version"], text + ")"))
    facts.append((labels["generated"], short_datetime(report["generated_at"], labels)))
    return facts

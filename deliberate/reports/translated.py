"""The report's labels in the language asked for (literal gettext calls, so extraction finds them)."""

from flask_babel import force_locale
from flask_babel import gettext as _

from deliberate.i18n import LANGUAGE_NAMES
from deliberate.labels import role_names, status_names


def report_labels(language: str) -> dict[str, str]:
    with force_locale(language):
        return {
            "report_title": _("Session report"),
            "session": _("Session"),
            "code": _("Code"),
            "version": _("Version"),
            "submitted": _("Submitted"),
            "generated": _("Generated"),
            "date": _("Date"),
            "time": _("Time"),
            "timezone": _("Time zone"),
            "languages": _("Languages"),
            "description": _("Description"),
            "question": _("Question"),
            "status": _("Status"),
            "participation": _("Participation"),
            "participants": _("Participants"),
            "contributions": _("Contributions"),
            "votes": _("Votes"),
            "clusters": _("Clusters"),
            "cluster": _("Cluster"),
            "support": _("Support"),
            "agree": _("Agree"),
            "disagree": _("Disagree"),
            "supporters": _("Supporters"),
            "synthesis": _("Synthesis"),
            "question_synthesis": _("Question synthesis"),
            "most_agreed": _("Most agreed contributions"),
            "most_divisive": _("Most divisive contributions"),
            "unclustered": _("Contributions not in a cluster"),
            "activity": _("Activity"),
            "support_chart": _("Support per cluster"),
            "activity_chart": _("Activity over time"),
            "footnotes": _("Quoted contributions"),
            "text": _("Text"),
            "author": _("Author"),
            "role": _("Role"),
            "language": _("Language"),
            "no_contributions": _("No contributions."),
            "no_data": _("No data"),
            "attribution": _("Attribution"),
            "opinion_groups": _("Opinion groups"),
            "opinion_group": _("Group"),
            "opinion_people": _("People"),
            "opinion_placed": _("Participants placed in a group (each voted on at least {n} contributions)"),
            "opinion_representative": _("Representative contributions"),
            "opinion_consensus": _("Common ground (every group tends to agree)"),
            "opinion_divisive": _("What divides the groups"),
            "opinion_map": _("Opinion map"),
            "opinion_agree_share": _("agree"),
            "opinion_disagree_share": _("disagree"),
            "opinion_none": _("Not enough votes for opinion groups yet."),
            # A synthesis is shown as written; readers in another language see which one it is in.
            "written_in": _("Synthesis written in"),
            # Beside an original, or in its place for a synthesis in the report's language.
            "translation_machine": _("Machine translation from {language} ({provider})"),
            "translation_via": _("via {language}"),
            "translation_confirmed": _("Translation from {language}, confirmed by a moderator or rapporteur"),
            "translation_original": _("Original in {language}"),
            **{f"language_{code}": name for code, name in LANGUAGE_NAMES.items()},
            "status_open": _("Open"),
            "status_closed": _("Closed"),
            **{f"role_{key}": name for key, name in role_names().items()},
            **{f"status_{key}": name for key, name in status_names().items()},
            "locale": language,
        }

"""Names of roles and session facts in the person's language (one place for the whole UI)."""

from flask_babel import gettext as _


def role_names() -> dict[str, str]:
    return {
        "attendee": _("Attendee"),
        "panelist": _("Panelist"),
        "moderator": _("Moderator"),
        "rapporteur": _("Rapporteur"),
        "organiser": _("Organiser"),
    }


def detail_names() -> dict[str, str]:
    return {
        "panel": _("Panel"),
        "thematic_line": _("Thematic line"),
        "sub_axis": _("Sub-axis"),
        "organisers": _("Organisers"),
        "schedule": _("Schedule"),
        "capacity": _("Capacity"),
        "registration": _("Registration"),
        "platform": _("Platform"),
    }


def status_names() -> dict[str, str]:
    return {
        "submitted": _("Submitted"),
        "changes_requested": _("Changes requested"),
        "approved": _("Approved"),
    }


def change_names() -> dict[str, str]:
    return {
        "added": _("added"),
        "synthesis": _("synthesis changed"),
        "contributions": _("number of contributions changed"),
        "votes": _("number of votes changed"),
        "participants": _("number of participants changed"),
        "cluster_added": _("cluster added"),
        "cluster_removed": _("cluster removed"),
        "label": _("cluster renamed"),
    }


def action_names() -> dict[str, str]:
    """What the audit log records (see ``record(...)`` calls): the code, and what a person reads."""
    return {
        "session_created": _("Session created"),
        "session_updated": _("Session updated"),
        "role_granted": _("Role granted"),
        "role_revoked": _("Role revoked"),
        "person_excluded": _("Person excluded"),
        "person_readmitted": _("Person readmitted"),
        "question_opened": _("Question opened"),
        "question_closed": _("Question closed"),
        "contribution_hidden": _("Contribution hidden"),
        "contribution_restored": _("Contribution restored"),
        "clusters_merged": _("Clusters merged"),
        "report_submitted": _("Report submitted"),
        "report_commented": _("Comment on the report"),
        "report_approved": _("Report approved"),
        "report_changes_requested": _("Changes requested on the report"),
        "question_live": _("Question made live"),
        "countdown_start": _("Countdown started"),
        "countdown_pause": _("Countdown paused"),
        "countdown_resume": _("Countdown resumed"),
        "countdown_extend": _("Countdown extended"),
        "countdown_stop": _("Countdown stopped"),
        "projector_link_made": _("Projector link made"),
        "projector_link_revoked": _("Projector link revoked"),
        "session_archived": _("Session archived"),
        "session_unarchived": _("Session opened again"),
        "account_deleted": _("Account deleted"),
    }


def field_names() -> dict[str, str]:
    """What the API's and the events' fields are called in messages (never the raw key)."""
    return {
        "text": _("Text"),
        "label": _("Theme name"),
        "format": _("Format"),
        "language": _("Language"),
        "lang": _("Language"),
        "question_id": _("Question"),
        "contribution_id": _("Contribution"),
        "contribution_ids": _("Contributions"),
        "cluster_id": _("Theme"),
        "user_id": _("Person"),
        "client_id": _("Client id"),
        "status": _("Status"),
        "action": _("Action"),
        "version": _("Version"),
        "section": _("Section"),
        "role": _("Role"),
        "reason": _("Reason"),
        "decision": _("Decision"),
        "name": _("Name"),
        "organisation": _("Organisation"),
        "email": _("E-mail address"),
        "synthesis": _("Synthesis"),
    }


def field_name(field: str) -> str:
    return field_names().get(field, field)


def audit_details(detail: dict) -> list[str]:
    """An audit entry's details as the reader reads them ("Rôle : Modérateur"): fields by their
    translated names, coded values (roles, languages, who closed a question) by theirs."""
    from deliberate.i18n import language_name

    names = {
        **field_names(),
        "question": _("Question"),
        "cluster": _("Cluster"),
        "into": _("Merged into"),
        "by": _("Closed by"),
        "code": _("Session code"),
    }
    values = {"role": role_names(), "by": {"countdown": _("the countdown")}}
    shown = []
    for key, value in detail.items():
        if key == "language":
            value = language_name(str(value))
        elif key == "section":
            value = section_name(str(value))
        else:
            value = values.get(key, {}).get(value, value)
        shown.append(_("%(name)s: %(value)s", name=names.get(key, key), value=value))
    return shown


def section_name(section: str) -> str:
    """A report section's key ("question-2", "cluster-7", "session") as a reader reads it."""
    kind, _dash, number = section.partition("-")
    if kind == "question":
        return _("Question %(n)s", n=number)
    if kind == "cluster":
        return _("Cluster %(n)s", n=number)
    return _("Session") if kind == "session" else section

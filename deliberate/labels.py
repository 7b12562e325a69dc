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

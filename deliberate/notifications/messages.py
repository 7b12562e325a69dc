"""The text of each kind of notification, in the reader's language (literal gettext calls)."""

from flask_babel import force_locale
from flask_babel import gettext as _

KINDS = (
    "contribution_hidden",
    "contribution_restored",
    "version_submitted",
    "changes_requested",
    "version_approved",
    "report_published",
)


def text(kind: str, params: dict, language: str) -> str:
    with force_locale(language):
        return _text(kind, {**params, "session": _title(params, language)})


def _title(params: dict, language: str) -> str:
    """The session's title in the reader's language (params keep every language's)."""
    titles = params.get("titles") or {}
    return titles.get(language) or next(iter(titles.values()), None) or params.get("session", "")


def _text(kind: str, p: dict) -> str:
    if kind == "contribution_hidden":
        if p.get("reason"):
            return _(
                "A moderator hid your contribution in question %(n)s (“%(excerpt)s”). Reason: %(reason)s",
                n=p["question"],
                excerpt=p["excerpt"],
                reason=p["reason"],
            )
        return _(
            "A moderator hid your contribution in question %(n)s (“%(excerpt)s”).",
            n=p["question"],
            excerpt=p["excerpt"],
        )
    if kind == "contribution_restored":
        return _(
            "A moderator restored your contribution in question %(n)s (“%(excerpt)s”).",
            n=p["question"],
            excerpt=p["excerpt"],
        )
    if kind == "version_submitted":
        return _("Version %(n)s of the report of %(session)s was submitted for your review.", **_v(p))
    if kind == "changes_requested":
        return _(
            "Changes were asked on version %(n)s of the report of %(session)s: %(reason)s",
            reason=p["reason"],
            **_v(p),
        )
    if kind == "version_approved":
        return _("Version %(n)s of the report of %(session)s was approved.", **_v(p))
    if kind == "report_published":
        return _("The report of %(session)s is published.", session=p["session"])
    return kind


def _v(p: dict) -> dict:
    return {"n": p["version"], "session": p["session"]}

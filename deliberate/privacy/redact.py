"""A frozen report as the public reads it: authors named as ``names.public_name`` says.

Applied when the report is shown (never stored), so a version approved before someone deleted their
account, or before the organiser chose to publish names, shows what holds now.
"""

import copy

from deliberate.accounts.models import User
from deliberate.extensions import db
from deliberate.privacy.names import public_name
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import PanelSession

LISTS = ("unclustered", "most_agreed", "most_divisive")


def _entries(report: dict):
    for question in report["questions"]:
        for cluster in question["clusters"]:
            yield from cluster["contributions"]
        for name in LISTS:
            yield from question[name]


def public_authors(report: dict, session: PanelSession) -> dict:
    """A copy of ``report`` whose authors are pseudonyms, names or "a former participant"."""
    report = copy.deepcopy(report)
    ids = {entry["id"] for entry in _entries(report)}
    if not ids:
        return report
    rows = db.session.execute(
        db.select(
            Contribution.id, Contribution.author_id, Contribution.author_role, User.name, User.deleted_at
        )
        .join(User, User.id == Contribution.author_id)
        .where(Contribution.id.in_(ids))
    ).all()
    names = {
        cid: public_name(session.id, session.publish_names, uid, role, name, deleted is not None)
        for cid, uid, role, name, deleted in rows
    }
    for entry in _entries(report):
        entry["author"] = names.get(entry["id"], entry["author"])
    return report

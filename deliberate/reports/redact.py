"""A frozen report shown to participants leaves out what moderators have hidden since it was frozen."""

import copy

from deliberate.extensions import db
from deliberate.rooms.models import Contribution
from deliberate.sessions.models import PanelSession, Question

LISTS = ("unclustered", "most_agreed", "most_divisive")


def hidden_in(session: PanelSession) -> set[int]:
    return set(
        db.session.scalars(
            db.select(Contribution.id)
            .join(Question, Question.id == Contribution.question_id)
            .where(Question.session_id == session.id, Contribution.hidden.is_(True))
        )
    )


def without(report: dict, hidden: set[int]) -> dict:
    """A copy of ``report`` without the contributions in ``hidden`` (the version itself is untouched)."""
    if not hidden:
        return report
    report = copy.deepcopy(report)
    for question in report["questions"]:
        for cluster in question["clusters"]:
            cluster["contributions"] = [c for c in cluster["contributions"] if c["id"] not in hidden]
        for name in LISTS:
            question[name] = [c for c in question[name] if c["id"] not in hidden]
        question["footnotes"] = [f for f in question["footnotes"] if f["contribution_id"] not in hidden]
        groups = question.get("opinion_groups")
        if groups:
            for name in ("consensus", "divisive"):
                groups[name] = [c for c in groups[name] if c["contribution_id"] not in hidden]
            for group in groups["groups"]:
                group["representative"] = [
                    r for r in group["representative"] if r["contribution_id"] not in hidden
                ]
    return report

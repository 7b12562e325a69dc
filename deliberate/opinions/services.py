"""Opinion groups of a question: recompute them from the votes, and show them to those who may see.

Services flush; callers (the job, the command line) commit.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from deliberate.accounts.models import User
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import forbidden
from deliberate.extensions import db
from deliberate.opinions import compute as math
from deliberate.opinions.models import OpinionGroups
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import PanelSession, Question

ALWAYS = frozenset({"panelist", "moderator", "rapporteur", "organiser"})


def may_see(role: str | None, session: PanelSession) -> bool:
    return role in ALWAYS or (role == "attendee" and bool(session.attendees_see_opinion_groups))


def require_may_see(role: str, session: PanelSession) -> None:
    if not may_see(role, session):
        raise forbidden(_("This session does not show opinion groups to attendees."))


def _visible(question_id: int):
    return (Contribution.question_id == question_id, Contribution.hidden.is_(False))


def fingerprint(question_id: int) -> str:
    """Changes whenever a vote, or the set of visible contributions, changes (two cheap queries)."""
    return fingerprints([question_id])[question_id]


def fingerprints(question_ids: list[int]) -> dict[int, str]:
    """``fingerprint`` of several questions, in the same two queries however many there are."""
    visible = (Contribution.question_id.in_(question_ids), Contribution.hidden.is_(False))
    votes = {
        question_id: (count, latest)
        for question_id, count, latest in db.session.execute(
            select(Contribution.question_id, func.count(Vote.id), func.max(Vote.updated_at))
            .join(Contribution, Contribution.id == Vote.contribution_id)
            .where(*visible)
            .group_by(Contribution.question_id)
        )
    }
    shown = {
        question_id: (count, id_sum)
        for question_id, count, id_sum in db.session.execute(
            select(
                Contribution.question_id,
                func.count(Contribution.id),
                func.coalesce(func.sum(Contribution.id), 0),
            )
            .where(*visible)
            .group_by(Contribution.question_id)
        )
    }
    marks = {}
    for question_id in question_ids:
        count, latest = votes.get(question_id, (0, None))
        contributions, id_sum = shown.get(question_id, (0, 0))
        marks[question_id] = f"{count}:{iso(latest) if latest else '-'}:{contributions}:{id_sum}"
    return marks


def vote_matrix(question_id: int) -> tuple[list[tuple[int, int, int]], list[int]]:
    """(user id, contribution id, value) of every vote on a visible contribution, and those ids.

    A withdrawn vote (0) counts as a pass, as Pol.is counts a pass: seen, no side taken.
    """
    return vote_matrices([question_id])[question_id]


def vote_matrices(question_ids: list[int]) -> dict[int, tuple[list[tuple[int, int, int]], list[int]]]:
    """``vote_matrix`` of several questions, in two queries."""
    visible = (Contribution.question_id.in_(question_ids), Contribution.hidden.is_(False))
    matrices: dict[int, tuple[list, list]] = {question_id: ([], []) for question_id in question_ids}
    for question_id, contribution_id in db.session.execute(
        select(Contribution.question_id, Contribution.id).where(*visible).order_by(Contribution.id)
    ):
        matrices[question_id][1].append(contribution_id)
    for question_id, *vote in db.session.execute(
        select(Contribution.question_id, Vote.user_id, Vote.contribution_id, Vote.value)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(*visible)
        .order_by(Vote.id)
    ):
        matrices[question_id][0].append(tuple(vote))
    return matrices


def stored(question_id: int) -> OpinionGroups | None:
    return db.session.get(OpinionGroups, question_id)


def recompute(question: Question | int) -> tuple[OpinionGroups, bool]:
    """Bring the question's opinion groups up to date; True when they were recomputed. Flushes."""
    question_id = question if isinstance(question, int) else question.id
    row = stored(question_id)
    mark = fingerprint(question_id)
    if row is not None and row.fingerprint == mark:
        return row, False
    votes, ids = vote_matrix(question_id)
    result = math.compute(votes, ids, previous=row.result if row is not None else None)
    if row is None:
        row = OpinionGroups(question_id=question_id, version=0)
        db.session.add(row)
    row.result = result
    row.fingerprint = mark
    row.version = (row.version or 0) + 1
    row.computed_at = utcnow()
    db.session.flush()
    return row, True


def current(question_id: int) -> dict:
    """The groups as the votes stand now, without writing: the stored ones when still current."""
    return current_many([question_id])[question_id]


def current_many(question_ids: list[int], matrices: dict | None = None) -> dict[int, dict]:
    """``current`` for several questions: three queries, two more when some are stale (none when the
    caller has read the ``vote_matrices`` of those questions already and passes them)."""
    rows = {
        row.question_id: row
        for row in db.session.scalars(
            select(OpinionGroups).where(OpinionGroups.question_id.in_(question_ids))
        )
    }
    marks = fingerprints(question_ids)
    results = {
        question_id: row.result for question_id, row in rows.items() if row.fingerprint == marks[question_id]
    }
    stale = [question_id for question_id in question_ids if question_id not in results]
    if stale and matrices is None:
        matrices = vote_matrices(stale)
    for question_id in stale:
        votes, ids = matrices[question_id]
        row = rows.get(question_id)
        results[question_id] = math.compute(votes, ids, previous=row.result if row is not None else None)
    return results


def group_of(result: dict, user_id: int) -> int | None:
    """The group a participant was placed in, None when not placed."""
    index = (result.get("members") or {}).get(str(user_id))
    return None if index is None else result["points"][index][2]


def view(row: OpinionGroups | None, question_id: int, actor: User | None = None) -> dict:
    """The API's answer (the contract's keys, then documented additions). No identities but "you"."""
    result = row.result if row is not None else math.compute([], [])
    you = None
    if actor is not None:
        index = (result.get("members") or {}).get(str(actor.id))
        if index is not None:
            x, y, group = result["points"][index]
            you = {"group_id": group, "x": x, "y": y}
    return {
        "participants": result["participants"],
        "groups": [
            {"id": g["id"], "size": g["size"], "representative": g["representative"]}
            for g in result["groups"]
        ],
        "consensus": result["consensus"],
        "divisive": result["divisive"],
        "question_id": question_id,
        "version": row.version if row is not None else 0,
        "computed_at": iso(row.computed_at) if row is not None else None,
        "voters": result["voters"],
        "min_votes": math.MIN_VOTES,
        "counts": result["counts"],
        "points": result["points"],
        "you": you,
    }

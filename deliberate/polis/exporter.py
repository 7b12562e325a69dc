"""Writing one question back in the Pol.is open-data format (comments.csv, votes.csv, and
participants-votes.csv and summary.csv with Deliberate's opinion groups).

The files have the header names and order of the open-data exports, so that importing them again gives
the same tallies. Cells are written as they are: this is a data-exchange format, and neutralising
formula-like cells (as the spreadsheet reports do) would change the comment bodies and "-1" values.

Existing files are never overwritten (conflict): an export into a folder of real data would
otherwise silently replace it.
"""

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deliberate.accounts.models import User
from deliberate.errors import DomainError
from deliberate.extensions import db
from deliberate.polis.attribution import FILE as ATTRIBUTION_FILE
from deliberate.polis.importer import COMMENTS, VOTES, polis_participant_id, question_at
from deliberate.rooms.models import Contribution, Vote
from deliberate.sessions.models import PanelSession, Question

COMMENT_HEADER = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_HEADER = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANTS = "participants-votes.csv"
SUMMARY = "summary.csv"
PARTICIPANT_HEADER = ("participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree")
# Java's Date.toString(), as in the source data, in English whatever the locale; always in UTC.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ExportResult:
    comments: int
    votes: int


def export_conversation(session: PanelSession, position: int, directory: Path) -> ExportResult:
    """Write question ``position`` of ``session`` into ``directory`` (created if missing). Reads only."""
    from deliberate.opinions.services import current

    question = question_at(session, position)
    comment_rows, vote_rows, participant_ids = conversation_rows(question)
    groups = current(question.id)
    targets = [directory / COMMENTS, directory / VOTES, directory / PARTICIPANTS, directory / SUMMARY]
    if question.attribution:
        targets.append(directory / ATTRIBUTION_FILE)
    directory.mkdir(parents=True, exist_ok=True)
    taken = [path.name for path in targets if path.exists()]
    if taken:
        raise DomainError(
            "conflict", f"{directory}: {', '.join(taken)} already there; choose an empty folder."
        )
    _write_csv(targets[0], COMMENT_HEADER, comment_rows)
    _write_csv(targets[1], VOTE_HEADER, vote_rows)
    header, rows = participant_rows(comment_rows, vote_rows, groups, participant_ids)
    _write_csv(targets[2], header, rows)
    _write_csv(targets[3], None, summary_rows(question, comment_rows, vote_rows, groups))
    if question.attribution:
        # CC BY 4.0: the statement must stay with every copy of the data.
        targets[4].write_text(question.attribution + "\n", encoding="utf-8")
    return ExportResult(comments=len(comment_rows), votes=len(vote_rows))


def conversation_rows(question: Question) -> tuple[list[tuple], list[tuple], dict[int, int]]:
    """The rows of comments.csv and votes.csv for ``question``, in the order of COMMENT/VOTE_HEADER,
    and user id → exported participant id."""
    contributions = list(
        db.session.scalars(
            db.select(Contribution)
            .where(Contribution.question_id == question.id)
            .order_by(Contribution.created_at, Contribution.id)
        )
    )
    # Plain rows, not ORM objects: a conversation has tens of thousands of votes.
    votes = db.session.execute(
        db.select(Vote.updated_at, Vote.contribution_id, Vote.user_id, Vote.value)
        .join(Contribution, Contribution.id == Vote.contribution_id)
        .where(Contribution.question_id == question.id)
        .order_by(Vote.updated_at, Vote.id)
    ).all()
    user_ids = {c.author_id for c in contributions} | {v.user_id for v in votes}
    users = list(db.session.scalars(db.select(User).where(User.id.in_(user_ids)))) if user_ids else []

    comment_ids = _unique_ids(
        (c.id, int(c.external_id) if c.external_id and c.external_id.isdigit() else None)
        for c in contributions
    )
    participant_ids = _unique_ids(
        (u.id, polis_participant_id(u))
        for u in sorted(users, key=lambda u: (polis_participant_id(u) is None, u.id))
    )
    comment_rows = [
        (
            *_stamp(c.created_at),
            comment_ids[c.id],
            participant_ids[c.author_id],
            c.agree,
            c.disagree,
            -1 if c.hidden else 1,
            c.text,
        )
        for c in contributions
    ]
    vote_rows = [
        (*_stamp(v.updated_at), comment_ids[v.contribution_id], participant_ids[v.user_id], v.value)
        for v in votes
    ]

    return comment_rows, vote_rows, participant_ids


def participant_rows(
    comment_rows: list[tuple], vote_rows: list[tuple], groups: dict, participant_ids: dict[int, int]
) -> tuple[tuple, list]:
    """participants-votes.csv: one row per participant, their group (empty when not placed), their
    counts, then their vote on each comment, hidden ones too (empty for none), as Pol.is writes it."""
    visible = sorted(row[2] for row in comment_rows)
    authored: dict[int, int] = {}
    for row in comment_rows:
        authored[row[3]] = authored.get(row[3], 0) + 1
    votes: dict[int, dict[int, int]] = {}
    for _ms, _text, comment_id, voter_id, value in vote_rows:
        votes.setdefault(voter_id, {})[comment_id] = value
    group_of = {}
    for user_id, index in (groups.get("members") or {}).items():
        exported = participant_ids.get(int(user_id))
        if exported is not None:
            group_of[exported] = groups["points"][index][2]
    rows = []
    for participant in sorted(set(authored) | set(votes)):
        mine = votes.get(participant, {})
        rows.append(
            (
                participant,
                group_of.get(participant, ""),
                authored.get(participant, 0),
                len(mine),
                sum(1 for v in mine.values() if v == 1),
                sum(1 for v in mine.values() if v == -1),
                *(mine.get(cid, "") for cid in visible),
            )
        )
    return (*PARTICIPANT_HEADER, *visible), rows


def summary_rows(question: Question, comment_rows: list[tuple], vote_rows: list[tuple], groups: dict) -> list:
    """summary.csv: Pol.is's key/value rows; ``groups`` is how many opinion groups Deliberate found."""
    text = question.localised_text(question.session.original_language)
    return [
        ("topic", text),
        ("url", ""),
        ("voters", len({row[3] for row in vote_rows})),
        ("voters-in-conv", groups.get("participants", 0)),
        ("commenters", len({row[3] for row in comment_rows})),
        ("comments", sum(1 for row in comment_rows if row[6] != -1)),
        ("groups", groups.get("k", 0)),
        ("conversation-description", text),
    ]


def _unique_ids(items: Iterable[tuple[int, int | None]]) -> dict[int, int]:
    """key → exported id: the preferred id (Pol.is id) when free, else the key, else a fresh number.

    Pol.is ids and our own ids are separate number spaces, so either may already be in use; the ids
    must stay unique or a re-import would merge two comments or two people.
    """
    items = list(items)
    result: dict[int, int] = {}
    taken: set[int] = set()
    pending: list[int] = []
    for key, preferred in items:
        if preferred is not None and preferred not in taken:
            result[key] = preferred
            taken.add(preferred)
    for key, _preferred in items:
        if key in result:
            continue
        if key not in taken:
            result[key] = key
            taken.add(key)
        else:
            pending.append(key)
    fresh = max(taken, default=-1) + 1
    for key in pending:
        result[key] = fresh
        fresh += 1
    return result


def _stamp(moment: datetime) -> tuple[int, str]:
    moment = moment.astimezone(UTC)
    milliseconds = (moment - _EPOCH) // timedelta(milliseconds=1)
    text = f"{_DAYS[moment.weekday()]} {_MONTHS[moment.month - 1]} {moment:%d %H:%M:%S} UTC {moment.year}"
    return milliseconds, text


def _write_csv(path: Path, header: tuple | None, rows: list[tuple]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)

"""Importing a Pol.is open-data conversation (comments.csv, votes.csv) into one question.

Everything is read and validated before the first write, and the writes are bulk statements in the
caller's transaction: a malformed file leaves the database as it was, and 30,000 votes take seconds.

A question holds at most one Pol.is conversation. Importing into a question that already has imported
contributions is refused (conflict) rather than merged: comment ids of two conversations would collide,
and "the same conversation again" cannot be told apart from "a newer export of it" safely.
"""

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from deliberate import jobs
from deliberate.accounts.models import User
from deliberate.clusters import embeddings
from deliberate.errors import DomainError, invalid, not_found
from deliberate.extensions import db
from deliberate.opinions import schedule as opinion_groups
from deliberate.polis.attribution import attribution_for
from deliberate.rooms.language import detect
from deliberate.rooms.models import Contribution, Vote
from deliberate.rooms.services import bump_seq
from deliberate.sessions.models import PanelSession, Question, Registration

COMMENTS = "comments.csv"
VOTES = "votes.csv"
# Columns the import needs; others (datetime, agrees, disagrees) are derived or recomputed.
COMMENT_COLUMNS = ("timestamp", "comment-id", "author-id", "moderated", "comment-body")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
EMAIL_DOMAIN = "participants.invalid"
PSEUDONYM = re.compile(rf"^polis-[a-z0-9-]+-(\d+)@{re.escape(EMAIL_DOMAIN)}$")
_INTEGER = re.compile(r"^-?\d+$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Keeps IN (...) lists under SQLite's bound-parameter limit on old versions.
_CHUNK = 500


@dataclass(frozen=True)
class ImportResult:
    contributions: int
    hidden: int
    participants: int
    votes: int


@dataclass(frozen=True)
class _Comment:
    comment_id: int
    author_id: int
    created_at: datetime
    hidden: bool
    text: str


@dataclass(frozen=True)
class _Vote:
    comment_id: int
    voter_id: int
    value: int
    at: datetime


def slug(name: str) -> str:
    """A source name safe inside an e-mail address: lowercase letters, digits and single hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")


def participant_email(source: str, participant_id: int) -> str:
    return f"polis-{source}-{participant_id}@{EMAIL_DOMAIN}"


def polis_participant_id(user: User) -> int | None:
    """The Pol.is participant id of an imported pseudonymous participant, else None."""
    if user.password_hash is not None:
        return None
    match = PSEUDONYM.match(user.email)
    return int(match[1]) if match else None


def import_conversation(
    directory: Path, session: PanelSession, position: int, *, source: str | None = None
) -> ImportResult:
    """Add the conversation in ``directory`` to question ``position`` of ``session``. Flushes only."""
    question = question_at(session, position)
    # Resolved, so that "." or a trailing slash still name the conversation's folder.
    directory = Path(directory).resolve()
    source = slug(source if source is not None else directory.name)
    if not source:
        raise invalid("source must contain at least one letter or digit.")
    comments = _read_comments(directory)
    latest = _latest_votes(_read_votes(directory), {c.comment_id for c in comments})
    _refuse_second_import(question)
    participant_ids = sorted({c.author_id for c in comments} | {v.voter_id for v in latest})
    users = _participants(source, participant_ids)

    _register(session, list(users.values()))
    contribution_ids = _insert_contributions(question, comments, latest, users)
    if latest:
        db.session.execute(
            insert(Vote),
            [
                {
                    "contribution_id": contribution_ids[v.comment_id],
                    "user_id": users[v.voter_id],
                    "value": v.value,
                    "updated_at": v.at,
                }
                for v in latest
            ],
        )
    question.attribution = attribution_for(directory)
    bump_seq(question)
    # The imported votes have groups: computed once the import commits, outside the event loop.
    jobs.enqueue(opinion_groups.JOB, question.id, key=f"opinions:{question.id}", fresh=True)
    embeddings.question_written(question.id)
    db.session.flush()
    return ImportResult(
        contributions=len(comments),
        hidden=sum(c.hidden for c in comments),
        participants=len(participant_ids),
        votes=len(latest),
    )


def question_at(session: PanelSession, position: int) -> Question:
    question = db.session.scalar(
        db.select(Question).where(Question.session_id == session.id, Question.position == position)
    )
    if question is None:
        raise not_found(f"Session {session.code} has no question {position}.")
    return question


def _refuse_second_import(question: Question) -> None:
    already = db.session.scalar(
        db.select(db.func.count())
        .select_from(Contribution)
        .where(Contribution.question_id == question.id, Contribution.external_id.is_not(None))
    )
    if already:
        raise DomainError(
            "conflict",
            f"Question {question.position} already holds an imported Pol.is conversation "
            f"({already} contributions); import into another question.",
        )


# Reading and validating ---------------------------------------------------------------------------


def _rows(directory: Path, name: str, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each record; the line is where the record starts (bodies span lines)."""
    path = directory / name
    if not directory.is_dir():
        raise invalid(f"{directory}: not a folder")
    if not path.is_file():
        raise invalid(f"{name}: missing from {directory}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = [column.strip() for column in next(reader, [])]
            if not any(header):
                raise invalid(f"{name}: line 1: no header")
            missing = [column for column in required if column not in header]
            if missing:
                raise invalid(f"{name}: line 1: missing column(s) {', '.join(missing)}")
            if len(set(header)) != len(header):
                raise invalid(f"{name}: line 1: a column name appears twice")
            end = reader.line_num
            for fields in reader:
                start, end = end + 1, reader.line_num
                if not fields:
                    continue
                if len(fields) != len(header):
                    raise invalid(f"{name}: line {start}: expected {len(header)} fields, found {len(fields)}")
                yield start, dict(zip(header, fields, strict=True))
    except UnicodeDecodeError as error:
        raise invalid(f"{name}: not UTF-8 text ({error.reason})") from error
    except csv.Error as error:
        raise invalid(f"{name}: line {reader.line_num}: {error}") from error
    except OSError as error:
        raise invalid(f"{name}: cannot be read ({error.strerror or error})") from error


def _integer(row: dict[str, str], column: str, where: str, allowed: tuple[int, ...] | None = None) -> int:
    text = row[column].strip()
    if not _INTEGER.match(text):
        raise invalid(f"{where}: {column} must be an integer, not {text!r}")
    value = int(text)
    if allowed is not None and value not in allowed:
        raise invalid(f"{where}: {column} must be one of {', '.join(map(str, allowed))}, not {value}")
    if allowed is None and value < 0:
        raise invalid(f"{where}: {column} must not be negative")
    return value


def _moment(row: dict[str, str], where: str) -> datetime:
    milliseconds = _integer(row, "timestamp", where)
    try:
        return _EPOCH + timedelta(milliseconds=milliseconds)
    except OverflowError:
        raise invalid(f"{where}: timestamp {milliseconds} is out of range") from None


def _read_comments(directory: Path) -> list[_Comment]:
    comments: dict[int, _Comment] = {}
    for line, row in _rows(directory, COMMENTS, COMMENT_COLUMNS):
        where = f"{COMMENTS}: line {line}"
        comment_id = _integer(row, "comment-id", where)
        if comment_id in comments:
            raise invalid(f"{where}: comment-id {comment_id} appears twice")
        text = row["comment-body"].strip()
        if not text:
            raise invalid(f"{where}: comment-body is empty")
        comments[comment_id] = _Comment(
            comment_id=comment_id,
            author_id=_integer(row, "author-id", where),
            created_at=_moment(row, where),
            # 0 (never moderated) stays visible, as it was in the Pol.is conversation.
            hidden=_integer(row, "moderated", where, (-1, 0, 1)) == -1,
            text=text,
        )
    return list(comments.values())


def _read_votes(directory: Path) -> list[tuple[int, _Vote]]:
    votes = []
    for line, row in _rows(directory, VOTES, VOTE_COLUMNS):
        where = f"{VOTES}: line {line}"
        vote = _Vote(
            comment_id=_integer(row, "comment-id", where),
            voter_id=_integer(row, "voter-id", where),
            value=_integer(row, "vote", where, (-1, 0, 1)),
            at=_moment(row, where),
        )
        votes.append((line, vote))
    return votes


def _latest_votes(votes: list[tuple[int, _Vote]], comment_ids: set[int]) -> list[_Vote]:
    """The vote that stands for each (voter, comment): the latest; on equal timestamps, the later row."""
    latest: dict[tuple[int, int], _Vote] = {}
    for line, vote in votes:
        if vote.comment_id not in comment_ids:
            raise invalid(f"{VOTES}: line {line}: comment-id {vote.comment_id} is not in {COMMENTS}")
        key = (vote.voter_id, vote.comment_id)
        if key not in latest or vote.at >= latest[key].at:
            latest[key] = vote
    return list(latest.values())


# Writing ------------------------------------------------------------------------------------------


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _participants(source: str, participant_ids: list[int]) -> dict[int, int]:
    """Pol.is participant id → user id, creating the pseudonymous users that do not exist yet.

    The same conversation imported into a second question reuses its participants, so one person's
    votes stay one person's across questions.
    """
    emails = {participant_email(source, pid): pid for pid in participant_ids}
    existing: dict[str, User] = {}
    for chunk in _chunks(list(emails)):
        existing.update(
            (u.email, u) for u in db.session.scalars(db.select(User).where(User.email.in_(chunk)))
        )
    for user in existing.values():
        if user.password_hash is not None:
            raise DomainError("conflict", f"{user.email} belongs to an account that can log in.")
    now = datetime.now(UTC)
    new = [
        # No password hash: a participant known only by a Pol.is number can never log in.
        {
            "email": email,
            "name": f"Participant {pid}",
            "password_hash": None,
            "is_organiser": False,
            "created_at": now,
        }
        for email, pid in emails.items()
        if email not in existing
    ]
    if new:
        db.session.execute(insert(User), new)
    ids: dict[int, int] = {}
    for chunk in _chunks(list(emails)):
        rows = db.session.execute(db.select(User.email, User.id).where(User.email.in_(chunk)))
        ids.update((emails[email], user_id) for email, user_id in rows)
    return ids


def _register(session: PanelSession, user_ids: list[int]) -> None:
    registered: set[int] = set()
    for chunk in _chunks(user_ids):
        registered.update(
            db.session.scalars(
                db.select(Registration.user_id).where(
                    Registration.session_id == session.id, Registration.user_id.in_(chunk)
                )
            )
        )
    now = datetime.now(UTC)
    rows = [
        {"user_id": user_id, "session_id": session.id, "role": "attendee", "created_at": now}
        for user_id in user_ids
        if user_id not in registered
    ]
    if rows:
        db.session.execute(insert(Registration), rows)


def _insert_contributions(
    question: Question, comments: list[_Comment], latest: list[_Vote], users: dict[int, int]
) -> dict[int, int]:
    """Inserts the contributions with their counters; returns Pol.is comment id → contribution id."""
    agree: dict[int, int] = {}
    disagree: dict[int, int] = {}
    for vote in latest:
        # A pass (0) is kept as a vote but, like a withdrawn vote, counts for neither side.
        if vote.value == 1:
            agree[vote.comment_id] = agree.get(vote.comment_id, 0) + 1
        elif vote.value == -1:
            disagree[vote.comment_id] = disagree.get(vote.comment_id, 0) + 1
    if comments:
        db.session.execute(
            insert(Contribution),
            [
                {
                    "question_id": question.id,
                    "author_id": users[c.author_id],
                    "author_role": "attendee",
                    "text": c.text,
                    "language": detect(c.text, "en", question.session.languages),
                    "hidden": c.hidden,
                    "agree": agree.get(c.comment_id, 0),
                    "disagree": disagree.get(c.comment_id, 0),
                    "external_id": str(c.comment_id),
                    "created_at": c.created_at,
                }
                for c in comments
            ],
        )
    # The question had no external ids before (checked above), so these are exactly the new rows.
    rows = db.session.execute(
        db.select(Contribution.external_id, Contribution.id).where(
            Contribution.question_id == question.id, Contribution.external_id.is_not(None)
        )
    )
    return {int(external_id): contribution_id for external_id, contribution_id in rows}

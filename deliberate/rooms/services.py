"""What happens in a room: post, vote, moderate, open and close. Services flush; callers commit.

Each service takes the actor and the actor's role explicitly, checks what the role allows, changes
the database and records what the room must hear (sent by the outbox once the transaction commits).
"""

from collections.abc import Callable
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from deliberate import validation
from deliberate.access import MODERATING, SEES_HIDDEN
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.clusters import embeddings
from deliberate.clusters.models import Cluster
from deliberate.clusters.support import support, with_support
from deliberate.database import DriverStatement
from deliberate.dbtypes import utcnow
from deliberate.errors import DomainError, forbidden, invalid, not_found
from deliberate.extensions import db
from deliberate.notifications import services as notifications
from deliberate.opinions import schedule as opinion_groups
from deliberate.realtime import outbox
from deliberate.realtime.publisher import user_room
from deliberate.rooms import language as languages
from deliberate.rooms.models import Contribution, Vote
from deliberate.rooms.views_model import contribution_view, hidden_stub, question_view
from deliberate.sessions.models import QUESTION_STATUSES, PanelSession, Question
from deliberate.translation import services as translations

MAX_TEXT = 1000
VOTE_VALUES = (1, -1, 0)


def get_contribution(contribution_id: object, role: str | None = None) -> Contribution:
    contribution_id = validation.identifier(contribution_id, "contribution_id")
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or (contribution.hidden and role is not None and role not in SEES_HIDDEN):
        raise not_found(_("No such contribution."))
    return contribution


def bump_seq(question: Question) -> int:
    """Count one more change to the room, in one statement, without dirtying the loaded question."""
    seq = db.session.execute(
        update(Question)
        .where(Question.id == question.id)
        .values(seq=Question.seq + 1)
        .returning(Question.seq)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(question, "seq", seq)
    outbox.counted(question.id, seq)
    return seq


def room_state(question: Question, actor: User, role: str, language: str) -> dict:
    """Everything a client needs to draw the room, as the contract's room state."""
    query = db.select(Contribution).where(Contribution.question_id == question.id).order_by(Contribution.id)
    if role not in SEES_HIDDEN:
        query = query.where(Contribution.hidden.is_(False))
    contributions = db.session.scalars(query).all()
    my_votes = dict(
        db.session.execute(
            db.select(Vote.contribution_id, Vote.value)
            .join(Contribution, Contribution.id == Vote.contribution_id)
            .where(Contribution.question_id == question.id, Vote.user_id == actor.id)
        ).all()
    )
    clusters = db.session.scalars(
        db.select(Cluster).where(Cluster.question_id == question.id).order_by(Cluster.position, Cluster.id)
    ).all()
    figures = support(question.id)
    translated = translations.for_contributions(contributions) if translations.enabled() else {}
    return {
        "question": question_view(question, language),
        "contributions": [
            contribution_view(c, my_votes.get(c.id), translated.get(c.id, {})) for c in contributions
        ],
        "clusters": [with_support(c, figures) for c in clusters],
        "seq": question.seq,
    }


def _admit_all() -> None:
    pass


def post(
    actor: User,
    role: str,
    question: Question,
    text: object,
    client_id: object,
    language: object = None,
    admit: Callable[[], None] = _admit_all,
) -> tuple[Contribution, bool]:
    """Store a contribution; the same ``client_id`` from the same person returns the first one.

    ``admit`` (a rate limit) is asked only for a valid, new contribution: a refused or re-sent post
    does not use up the person's allowance.
    """
    text = validation.text(text, "text", max_length=MAX_TEXT)
    if client_id is not None:
        client_id = validation.text(client_id, "client_id", max_length=64)
    if question.status != "open":
        existing = _sent_before(actor, client_id, question)  # a resend answers even once it closed
        if existing is not None:
            return existing, False
        raise DomainError("closed", _("This question is closed."))
    if language is not None:
        language = validation.choice(language, "language", tuple(question.session.languages) or ("en",))
    else:
        language = languages.detect(
            text, actor.language or question.session.original_language, question.session.languages
        )
    contribution = Contribution(
        question_id=question.id,
        author=actor,  # the loaded author, so the view below needs no query for the name
        author_role=role,
        text=text,
        language=language,
        client_id=client_id,
    )
    # Inserted first: a resend (the same person's client_id, unique) fails the insert and finds the
    # first one then, so a new post costs no lookup. The allowance is asked once the row is in: a
    # resend never uses it, and a refusal takes the row back with the SAVEPOINT.
    try:
        with db.session.begin_nested():
            db.session.add(contribution)
            db.session.flush()
            admit()
    except IntegrityError:
        existing = _sent_before(actor, client_id, question)
        if existing is None:
            raise
        return existing, False
    bump_seq(question)
    view = contribution_view(contribution, translations={})
    # Its translations come later in a contribution event of their own, maybe even before this one
    # leaves (an inline job runs at the commit): without the key, this one cannot erase them.
    view.pop("translations", None)
    # The author's other pages (a phone beside the laptop) learn first that it is theirs: they must
    # not announce it as a new contribution from someone (the room's copy says only a name).
    outbox.publish_to([user_room(actor.id)], "own_contribution", {"id": contribution.id})
    outbox.publish(question.id, "contribution", view)
    translations.contribution_written(contribution)
    embeddings.contribution_written(contribution)
    return contribution, True


def _sent_before(actor: User, client_id: str | None, question: Question) -> Contribution | None:
    """The contribution this person already sent with ``client_id``, if any (for this question)."""
    if client_id is None:
        return None
    existing = db.session.scalar(
        db.select(Contribution).where(Contribution.author_id == actor.id, Contribution.client_id == client_id)
    )
    if existing is not None and existing.question_id != question.id:
        raise DomainError("conflict", _("This client_id was already used for another question."))
    return existing


class VoteTarget(NamedTuple):
    """What a vote needs to know of its contribution, read in one query (votes are the hot path)."""

    id: int
    question_id: int
    session_id: int
    hidden: bool
    status: str
    archived: bool = False


class Voter(NamedTuple):
    """Who votes, when only the id is known (a socket's remembered identity, realtime/identity.py)."""

    id: int


# The vote's statements, built once on the tables (Core): building an ORM expression and its cache key
# on every vote was a fifth of the vote's CPU. They run on the session's connection, in its transaction,
# on its driver's cursor (database.DriverStatement): SQLAlchemy's execution of them was a sixth more.
_C, _V = Contribution.__table__, Vote.__table__
_Q, _S = Question.__table__, PanelSession.__table__
_TARGET = DriverStatement(
    select(_C.c.id, _C.c.question_id, _Q.c.session_id, _C.c.hidden, _Q.c.status, _S.c.archived)
    .select_from(_C.join(_Q, _Q.c.id == _C.c.question_id).join(_S, _S.c.id == _Q.c.session_id))
    .where(_C.c.id == bindparam("cid"))
)
_LOCK = DriverStatement(select(_C.c.id).where(_C.c.id == bindparam("cid")).with_for_update())
_MINE = (_V.c.contribution_id == bindparam("cid")) & (_V.c.user_id == bindparam("uid"))
_OLD = DriverStatement(select(_V.c.value).where(_MINE))
_INSERT = DriverStatement(
    insert(_V).values(
        contribution_id=bindparam("cid"),
        user_id=bindparam("uid"),
        value=bindparam("new"),
        updated_at=bindparam("at"),
    )
)
_UPDATE = DriverStatement(update(_V).where(_MINE).values(value=bindparam("new"), updated_at=bindparam("at")))
_COUNT = DriverStatement(
    update(_C)
    .where(_C.c.id == bindparam("cid"))
    .values(agree=_C.c.agree + bindparam("agree_by"), disagree=_C.c.disagree + bindparam("disagree_by"))
    .returning(_C.c.agree, _C.c.disagree)
)
_COUNTS = DriverStatement(select(_C.c.agree, _C.c.disagree).where(_C.c.id == bindparam("cid")))


def vote_target(contribution_id: object) -> VoteTarget:
    contribution_id = validation.identifier(contribution_id, "contribution_id")
    row = _TARGET.execute(db.session.connection(), {"cid": contribution_id})
    if row is None:
        raise not_found(_("No such contribution."))
    return VoteTarget(row[0], row[1], row[2], bool(row[3]), row[4], bool(row[5]))


def vote(
    actor: User | Voter, role: str, target: VoteTarget, value: object, admit: Callable[[], None] = _admit_all
) -> tuple[int, int]:
    """Record, change or withdraw (0) the actor's vote; returns the contribution's new counts.

    ``admit`` (a rate limit) is asked only for a valid vote on an open question."""
    if target.hidden and role not in SEES_HIDDEN:
        raise not_found(_("No such contribution."))
    if isinstance(value, bool) or value not in VOTE_VALUES:
        raise invalid(_("A vote must be 1 (agree), -1 (disagree) or 0 (withdraw)."))
    if target.status != "open":
        raise DomainError("closed", _("This question is closed."))
    admit()
    connection = db.session.connection()
    mine = {"cid": target.id, "uid": actor.id}
    # Lock the contribution row first, then read the previous vote in a statement of its own: on
    # PostgreSQL a statement that waited for the lock still reads joined rows from its old snapshot,
    # so two quick votes by one person would both apply their change against the same old value.
    # (SQLite serialises writers and leaves FOR UPDATE out, so the lock is not sent there.)
    if connection.dialect.name != "sqlite":
        _LOCK.execute(connection, {"cid": target.id})
    row = _OLD.execute(connection, mine)
    old = None if row is None else row[0]
    if old is None:
        if value == 0:
            return _counts(target.id)
        _INSERT.execute(connection, {**mine, "new": value, "at": utcnow()})
    elif old == value:
        return _counts(target.id)
    else:
        _UPDATE.execute(connection, {**mine, "new": value, "at": utcnow()})
    old = old or 0
    agree, disagree = _COUNT.execute(
        connection,
        {"cid": target.id, "agree_by": (value == 1) - (old == 1), "disagree_by": (value == -1) - (old == -1)},
    )
    outbox.tallies_changed(target.question_id, [target.id])
    opinion_groups.changed(target.question_id)
    return agree, disagree


def _counts(contribution_id: int) -> tuple[int, int]:
    agree, disagree = _COUNTS.execute(db.session.connection(), {"cid": contribution_id})
    return agree, disagree


def moderate(
    actor: User, role: str, contribution: Contribution, action: object, reason: object = None
) -> Contribution:
    """Hide or restore a contribution; its author is told, with the moderator's reason if given."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators may hide or restore contributions."))
    action = validation.choice(action, "action", ("hide", "restore"))
    reason = validation.optional_text(reason, "reason", max_length=500)
    hide = action == "hide"
    if contribution.hidden == hide:
        return contribution
    contribution.hidden = hide
    db.session.flush()
    opinion_groups.changed(contribution.question_id)
    bump_seq(contribution.question)
    record(
        f"contribution_{'hidden' if hide else 'restored'}",
        actor,
        contribution.question.session_id,
        contribution_id=contribution.id,
        question=contribution.question.position,
    )
    full = contribution_view(contribution)
    if hide:
        outbox.publish(contribution.question_id, "contribution", full, audience="staff")
        outbox.publish(contribution.question_id, "contribution", hidden_stub(contribution), audience="public")
    else:
        outbox.publish(contribution.question_id, "contribution", full)
    if contribution.author_id != actor.id:
        _tell_author(contribution, hide, reason)
    return contribution


def _tell_author(contribution: Contribution, hidden: bool, reason: str | None) -> None:
    question = contribution.question
    params = {"question": question.position, "excerpt": notifications.excerpt(contribution.text)}
    if hidden and reason:
        params["reason"] = reason
    notifications.notify(
        [contribution.author_id],
        "contribution_hidden" if hidden else "contribution_restored",
        question.session,
        params,
        f"/s/{question.session.code}/q/{question.position}",
    )


def update_question(actor: User, role: str, question: Question, changes: dict, language: str) -> Question:
    """Open or close a question, or change its synthesis (moderators)."""
    if role not in MODERATING:
        raise forbidden(_("Only moderators may change a question."))
    if not changes or not set(changes) <= {"status", "synthesis"}:
        raise invalid(_("Give status and/or synthesis, nothing else."))
    if "status" in changes:
        status = validation.choice(changes["status"], "status", QUESTION_STATUSES)
        if status != question.status:
            question.status = status
            record(
                f"question_{'opened' if status == 'open' else 'closed'}",
                actor,
                question.session_id,
                question=question.position,
            )
    if "synthesis" in changes:
        question.synthesis = validation.synthesis(changes["synthesis"])
        translations.question_written(question)
    db.session.flush()
    outbox.publish(question.id, "question", question_view(question, language))
    return question

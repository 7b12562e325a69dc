"""The agenda: which question is live, and a countdown per question. Services flush; callers commit.

The server owns every deadline: a running countdown is stored as the moment it ends, so any page,
process or reconnection computes the same remaining time from it; a paused one keeps what was left.
"""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import update

from deliberate import validation
from deliberate.access import MODERATING
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.dbtypes import iso, utcnow
from deliberate.errors import DomainError, forbidden, invalid
from deliberate.extensions import db
from deliberate.realtime import outbox
from deliberate.realtime.publisher import session_room
from deliberate.rooms.views_model import question_view
from deliberate.sessions.models import PanelSession, Question

ACTIONS = ("start", "pause", "resume", "extend", "stop")
MAX_SECONDS = 4 * 3600


def _require_moderator(role: str) -> None:
    if role not in MODERATING:
        raise forbidden(_("Only moderators run the agenda."))


def live_question(session: PanelSession) -> Question | None:
    return next((q for q in session.questions if q.id == session.live_question_id), None)


def agenda_view(session: PanelSession, language: str, now: datetime | None = None) -> dict:
    """What every page following the session needs: the live question and the countdowns."""
    live = live_question(session)
    return {
        "session": session.code,
        "live": None
        if live is None
        else {
            "id": live.id,
            "position": live.position,
            "text": live.localised_text(language),
            "texts": {lang: live.localised_text(lang) for lang in session.languages},
            "status": live.status,
        },
        "countdowns": [countdown_view(q, now) for q in session.questions if q.countdown_state],
        "server_time": iso(now or utcnow()),
    }


def remaining(question: Question, now: datetime | None = None) -> float | None:
    """Seconds left (never below 0), or None without a countdown."""
    if question.countdown_state == "running" and question.countdown_deadline is not None:
        return max(0.0, (question.countdown_deadline - (now or utcnow())).total_seconds())
    if question.countdown_state == "paused":
        return question.countdown_remaining or 0.0
    if question.countdown_state == "expired":
        return 0.0
    return None


def countdown_view(question: Question, now: datetime | None = None) -> dict:
    now = now or utcnow()
    return {
        "question_id": question.id,
        "position": question.position,
        "state": question.countdown_state or "stopped",
        "deadline": iso(question.countdown_deadline) if question.countdown_state == "running" else None,
        "remaining": remaining(question, now),
        "auto_close": bool(question.countdown_auto_close),
        "server_time": iso(now),
    }


def set_live(actor: User, role: str, session: PanelSession, question_id: object, language: str) -> dict:
    """Make a question of the session live (None: no live question); every follower is told."""
    _require_moderator(role)
    question_id = validation.optional_identifier(question_id, "question_id")
    if question_id is not None and question_id not in {q.id for q in session.questions}:
        raise invalid(_("That question is not part of this session."))
    if session.live_question_id != question_id:
        session.live_question_id = question_id
        position = next((q.position for q in session.questions if q.id == question_id), None)
        record("question_live", actor, session.id, question=position)
        db.session.flush()
    view = agenda_view(session, language)
    outbox.publish_to([session_room(session.id)], "agenda", view)
    return view


def _seconds(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_SECONDS:
        raise invalid(_("The duration must be a whole number of seconds from 1 to %(max)s.", max=MAX_SECONDS))
    return value


def countdown(
    actor: User,
    role: str,
    question: Question,
    action: object,
    seconds: object = None,
    auto_close: object = None,
    now: datetime | None = None,
) -> dict:
    """Start (``seconds``), pause, resume, extend (by ``seconds``) or stop the question's countdown."""
    _require_moderator(role)
    action = validation.choice(action, "action", ACTIONS)
    if auto_close is not None and not isinstance(auto_close, bool):
        raise invalid(_("Closing at zero must be true or false."))
    now = now or utcnow()
    state = question.countdown_state
    if action == "start":
        question.countdown_state = "running"
        question.countdown_deadline = now + timedelta(seconds=_seconds(seconds))
        question.countdown_remaining = None
        question.countdown_auto_close = bool(auto_close)
    elif action == "pause":
        if state != "running":
            raise DomainError("conflict", _("The countdown is not running."))
        question.countdown_remaining = remaining(question, now)
        question.countdown_state, question.countdown_deadline = "paused", None
    elif action == "resume":
        if state != "paused":
            raise DomainError("conflict", _("The countdown is not paused."))
        question.countdown_deadline = now + timedelta(seconds=question.countdown_remaining or 0)
        question.countdown_state, question.countdown_remaining = "running", None
    elif action == "extend":
        extra = _seconds(seconds)
        if state == "running":
            question.countdown_deadline = max(question.countdown_deadline, now) + timedelta(seconds=extra)
        elif state == "paused":
            question.countdown_remaining = (question.countdown_remaining or 0) + extra
        else:
            raise DomainError("conflict", _("There is no countdown to extend."))
    else:
        question.countdown_state = question.countdown_deadline = question.countdown_remaining = None
    if auto_close is not None and action != "start":
        question.countdown_auto_close = auto_close
    db.session.flush()
    record(f"countdown_{action}", actor, question.session_id, question=question.position)
    view = countdown_view(question, now)
    outbox.publish_to([session_room(question.session_id)], "countdown", view)
    return view


def close_expired(now: datetime | None = None) -> list[Question]:
    """Close the questions whose countdown reached zero with automatic closing on.

    The conditional UPDATE lets exactly one process (and one pass) close each question, however many
    processes run this at once; only that one tells the rooms."""
    now = now or utcnow()
    due = db.session.scalars(
        db.select(Question.id).where(
            Question.countdown_state == "running",
            Question.countdown_auto_close.is_(True),
            Question.countdown_deadline <= now,
        )
    ).all()
    closed = []
    for question_id in due:
        won = db.session.execute(
            update(Question)
            .where(Question.id == question_id, Question.countdown_state == "running")
            .values(status="closed", countdown_state="expired", countdown_deadline=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not won:
            continue
        question = db.session.get(Question, question_id)
        db.session.refresh(question)
        record("question_closed", None, question.session_id, question=question.position, by="countdown")
        language = question.session.original_language
        outbox.publish(question.id, "question", question_view(question, language))
        outbox.publish_to([session_room(question.session_id)], "countdown", countdown_view(question, now))
        closed.append(question)
    return closed

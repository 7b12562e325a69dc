"""Panel sessions, questions and registrations. Services flush; callers commit."""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from deliberate import validation
from deliberate.accounts.models import User
from deliberate.audit.services import record
from deliberate.config import LANGUAGES
from deliberate.errors import DomainError, invalid, not_found
from deliberate.extensions import db
from deliberate.i18n import language_name
from deliberate.realtime import outbox
from deliberate.sessions.models import ROLES, PanelSession, Question, Registration

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
DEFAULT_QUESTION_COUNT = 5


def get_session(code: object) -> PanelSession:
    if not isinstance(code, str):
        raise not_found(_("No such session."))
    session = db.session.scalar(db.select(PanelSession).where(PanelSession.code == code.strip().lower()))
    if session is None:
        raise not_found(_("No session with code '%(code)s'.", code=code))
    return session


def get_question(question_id: object) -> Question:
    question_id = validation.identifier(question_id, "question_id")
    question = db.session.get(Question, question_id)
    if question is None:
        raise not_found(_("No such question."))
    return question


def sessions_of(user: User) -> list[tuple[PanelSession, str]]:
    """The sessions a person is registered for, with their role, newest first."""
    rows = db.session.execute(
        db.select(PanelSession, Registration.role)
        .join(Registration, Registration.session_id == PanelSession.id)
        .where(Registration.user_id == user.id)
        .order_by(PanelSession.date.desc(), PanelSession.id.desc())
    ).all()
    return [(s, role) for s, role in rows]


def register(user: User, session: PanelSession) -> tuple[str, bool]:
    """Register the user as attendee. Returns (role, created); an existing role is kept."""
    existing = db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.session_id == session.id)
    )
    if existing:
        return existing.role, False
    from deliberate.sessions.exclusions import refuse_if_excluded

    refuse_if_excluded(user, session)
    if session.requires_verified_email:
        from deliberate.accounts.verification import require_verified

        require_verified(user)
    db.session.add(Registration(user_id=user.id, session_id=session.id, role="attendee"))
    db.session.flush()
    return "attendee", True


def grant(session: PanelSession, user: User, role: object, actor: User | None) -> Registration:
    role = validation.choice(role, "role", ROLES)
    from deliberate.sessions.exclusions import is_excluded

    if is_excluded(user, session):
        raise DomainError("conflict", _("That person is excluded from this session: readmit them first."))
    registration = db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.session_id == session.id)
    )
    if registration is None:
        registration = Registration(user_id=user.id, session_id=session.id, role=role)
        db.session.add(registration)
    else:
        registration.role = role
    outbox.memberships_changed(user.id)
    record("role_granted", actor, session.id, email=user.email, role=role)
    db.session.flush()
    return registration


def revoke(session: PanelSession, user: User, actor: User | None) -> None:
    registration = db.session.scalar(
        db.select(Registration).where(Registration.user_id == user.id, Registration.session_id == session.id)
    )
    if registration is None:
        raise not_found(_("That person is not registered for this session."))
    db.session.delete(registration)
    outbox.memberships_changed(user.id)
    record("role_revoked", actor, session.id, email=user.email, role=registration.role)
    db.session.flush()


def registrations(session: PanelSession) -> list[tuple[User, str]]:
    rows = db.session.execute(
        db.select(User, Registration.role)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.session_id == session.id)
        .order_by(Registration.role, User.name)
    ).all()
    return [(u, role) for u, role in rows]


@dataclass
class SessionDraft:
    """Everything an organiser edits about a session, validated before anything is written."""

    code: str
    languages: list[str]
    original_language: str
    title: dict[str, str]
    description: dict[str, str] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    details: dict[str, dict[str, str]] = field(default_factory=dict)
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    timezone: str | None = None
    attendees_may_cluster: bool = False
    # Attendees' names in the published report and on the projector (else pseudonyms).
    publish_names: bool = False
    attendees_see_opinion_groups: bool = False
    # Only verified e-mail addresses may register (throw-away accounts cannot vote).
    requires_verified_email: bool = False
    # The projector page may be framed by other sites (a stream's overlay).
    projector_embeddable: bool = False
    questions: list[dict[str, str]] = field(default_factory=list)

    def validate(self) -> "SessionDraft":
        if not isinstance(self.code, str) or not CODE.match(self.code.strip().lower()):
            raise invalid(_("The session code must be 3 to 64 lowercase letters, digits or hyphens."))
        self.code = self.code.strip().lower()
        if not self.languages or any(lang not in LANGUAGES for lang in self.languages):
            raise invalid(
                _(
                    "The languages must be chosen among %(choices)s.",
                    choices=", ".join(language_name(code) for code in LANGUAGES),
                )
            )
        self.languages = list(dict.fromkeys(self.languages))
        if self.original_language not in self.languages:
            self.original_language = self.languages[0]
        self.title = self._texts(self.title, _("title"), 300, required=True)
        self.description = self._texts(self.description, _("description"), 20000)
        self.summary = self._texts(self.summary, _("summary"), 5000)
        if self.date and not DATE.match(self.date):
            raise invalid(_("The date must be written YYYY-MM-DD."))
        self.timezone = validation.optional_text(self.timezone, _("time zone"), max_length=40)
        for name, label in (("start_time", _("start time")), ("end_time", _("end time"))):
            value = getattr(self, name)
            if value and not TIME.match(value):
                raise invalid(_("%(field)s must be HH:MM.", field=label))
        if not self.questions:
            raise invalid(_("A session needs at least one question."))
        if len(self.questions) > 20:
            raise invalid(_("A session has at most %(max)s questions.", max=20))
        self.questions = [
            self._texts(q, _("question %(n)s", n=i), 1000, required=True)
            for i, q in enumerate(self.questions, 1)
        ]
        return self

    def _texts(self, texts: object, name: str, max_length: int, required: bool = False) -> dict[str, str]:
        if not isinstance(texts, dict):
            raise invalid(_("%(field)s must give a text per language.", field=name))
        clean = {}
        for lang in self.languages:
            value = texts.get(lang)
            if isinstance(value, str):
                validation.storable(value, name)
            if isinstance(value, str) and value.strip():
                if len(value.strip()) > max_length:
                    raise invalid(
                        _(
                            "%(field)s (%(language)s) is longer than %(max)s characters.",
                            field=name,
                            language=language_name(lang),
                            max=max_length,
                        )
                    )
                clean[lang] = value.strip()
            elif required:
                raise invalid(
                    _(
                        "%(field)s is missing its text in %(language)s.",
                        field=name,
                        language=language_name(lang),
                    )
                )
        return clean


def save_session(
    draft: SessionDraft, actor: User | None, session: PanelSession | None = None
) -> PanelSession:
    """Create a session, or update one, from a validated draft; its questions follow the draft."""
    draft.validate()
    clash = db.session.scalar(db.select(PanelSession).where(PanelSession.code == draft.code))
    if clash is not None and clash is not session:
        raise DomainError("conflict", _("A session with code '%(code)s' already exists.", code=draft.code))
    creating = session is None
    if creating:
        session = PanelSession(code=draft.code)
        db.session.add(session)
    for name in (
        "code",
        "languages",
        "original_language",
        "title",
        "description",
        "summary",
        "details",
        "date",
        "start_time",
        "end_time",
        "timezone",
        "attendees_may_cluster",
        "publish_names",
        "attendees_see_opinion_groups",
        "requires_verified_email",
        "projector_embeddable",
    ):
        setattr(session, name, getattr(draft, name))
    existing = {q.position: q for q in session.questions}
    for position, texts in enumerate(draft.questions, 1):
        if position in existing:
            existing[position].text = texts
        else:
            session.questions.append(Question(position=position, text=texts, status="open"))
    for position, question in existing.items():
        if position > len(draft.questions):
            _remove_question(question)
    db.session.flush()
    record("session_created" if creating else "session_updated", actor, session.id, code=session.code)
    return session


def _remove_question(question: Question) -> None:
    from deliberate.rooms.models import Contribution

    has_content = db.session.scalar(
        db.select(Contribution.id).where(Contribution.question_id == question.id).limit(1)
    )
    if has_content:
        raise DomainError(
            "conflict",
            _("Question %(n)s has contributions and cannot be removed.", n=question.position),
        )
    question.session.questions.remove(question)


def question_summary(question: Question, language: str) -> dict:
    return {
        "id": question.id,
        "position": question.position,
        "text": question.localised_text(language),
        "status": question.status,
    }


def session_view(session: PanelSession, language: str) -> dict:
    """The contract's session document, texts in ``language`` (or the original when missing)."""
    return {
        "code": session.code,
        "title": session.text("title", language),
        "description": session.text("description", language),
        "summary": session.text("summary", language),
        "date": session.date,
        "start_time": session.start_time,
        "end_time": session.end_time,
        "timezone": session.timezone,
        "languages": list(session.languages),
        "language": language,
        "details": {key: session.text_detail(key, language) for key in session.details},
        "questions": [question_summary(q, language) for q in session.questions],
    }

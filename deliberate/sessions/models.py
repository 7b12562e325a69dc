"""Panel sessions, their questions, and who is registered to them in which role.

Texts that exist per language (titles, descriptions, question texts) are JSON objects mapping a
language code to the text, so a session can add a language without a schema change.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db

ROLES = ("attendee", "panelist", "moderator", "rapporteur")
QUESTION_STATUSES = ("open", "closed")


def localised(texts: dict[str, str] | None, language: str, fallback: str | None = None) -> str:
    """The text in ``language``, else in the fallback (original) language, else any."""
    texts = texts or {}
    for lang in (language, fallback):
        if lang and texts.get(lang):
            return texts[lang]
    return next((t for t in texts.values() if t), "")


class PanelSession(db.Model):
    __tablename__ = "panel_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    # Further labelled facts (thematic line, organisers, ...): {key: {lang: text}}.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    date: Mapped[str | None] = mapped_column(String(10))
    start_time: Mapped[str | None] = mapped_column(String(5))
    end_time: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(40))
    languages: Mapped[list] = mapped_column(JSON, default=list)
    original_language: Mapped[str] = mapped_column(String(5), default="en")
    attendees_may_cluster: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moderators, panelists, rapporteurs and organisers always see opinion groups; attendees when set.
    attendees_see_opinion_groups: Mapped[bool] = mapped_column(Boolean, default=False)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # The question moderators have made live: every participant's page follows it (agenda/).
    live_question_id: Mapped[int | None] = mapped_column(Integer)
    # The organiser chose to publish attendees' names (else pseudonyms), as registration says.
    publish_names: Mapped[bool] = mapped_column(Boolean, default=False)
    # Only people whose e-mail address is verified may register (throw-away accounts cannot vote).
    requires_verified_email: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The projector view may be framed by other sites (a streaming overlay); every other page may not.
    projector_embeddable: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="session", order_by="Question.position", cascade="all, delete-orphan"
    )

    def text(self, field: str, language: str) -> str:
        return localised(getattr(self, field), language, self.original_language)

    def text_detail(self, key: str, language: str) -> str:
        return localised((self.details or {}).get(key), language, self.original_language)


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("session_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="open")
    synthesis: Mapped[str] = mapped_column(Text, default="")
    # Licence attribution of imported data (Pol.is), printed with the question in reports.
    attribution: Mapped[str | None] = mapped_column(Text)
    # Counts changes to the room (posts, moderation, clusters) so a client can tell it missed some.
    seq: Mapped[int] = mapped_column(Integer, default=0)
    # The countdown (agenda/countdown.py): the server owns the deadline, so every page, process and
    # reconnection shows the same remaining time. running: deadline set; paused: remaining kept.
    countdown_state: Mapped[str | None] = mapped_column(String(10), index=True)
    countdown_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    countdown_remaining: Mapped[float | None] = mapped_column(Float)
    countdown_auto_close: Mapped[bool] = mapped_column(Boolean, default=False)
    # Secret of the projector link (no login); None when revoked or never made.
    projector_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[PanelSession] = relationship(back_populates="questions")

    def localised_text(self, language: str) -> str:
        return localised(self.text, language, self.session.original_language)


class Registration(db.Model):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="attendee")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Exclusion(db.Model):
    """A person a moderator or organiser put out of a session: no registration until readmitted."""

    __tablename__ = "exclusions"
    __table_args__ = (UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    excluded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

"""What people say in a room (contributions) and what they think of it (votes)."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deliberate.accounts.models import User
from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db
from deliberate.sessions.models import Question


class Contribution(db.Model):
    __tablename__ = "contributions"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id"),
        Index("ix_contributions_question_created", "question_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_role: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5))
    # Sent by the client so that a post re-sent after a dropped connection is not stored twice.
    client_id: Mapped[str | None] = mapped_column(String(64))
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"), index=True)
    # Kept in step with the votes table inside each vote's transaction, so that reading a room of
    # thousands of votes does not count them every time.
    agree: Mapped[int] = mapped_column(Integer, default=0)
    disagree: Mapped[int] = mapped_column(Integer, default=0)
    # Identifier in the system it was imported from (Pol.is comment id), if any.
    external_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")
    question: Mapped[Question] = relationship()


class Vote(db.Model):
    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("contribution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # 1 agree, -1 disagree, 0 withdrawn (or "pass" in imported Pol.is data).
    value: Mapped[int] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

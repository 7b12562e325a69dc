"""Report versions (frozen snapshots) and the rapporteurs' review of them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deliberate.accounts.models import User
from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db


class ReportVersion(db.Model):
    __tablename__ = "report_versions"
    __table_args__ = (UniqueConstraint("session_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("panel_sessions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5))
    # The report exactly as built when submitted; never changed afterwards. Megabytes of JSON on a
    # large session: read only when used (a query undefers it), never when an expired version is
    # loaded again after a commit (which parsed it in the server's loop: 150 ms on 5 × 1,000).
    snapshot: Mapped[dict] = mapped_column(JSON, deferred=True)
    # The same frozen data rendered in each language of the session: {lang: report}.
    translations: Mapped[dict | None] = mapped_column(JSON, deferred=True)
    # The rapporteur's reason when asking for changes (required then).
    decision_reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    comments: Mapped[list["ReviewComment"]] = relationship(
        back_populates="version", order_by="ReviewComment.id", cascade="all, delete-orphan"
    )


class ReviewComment(db.Model):
    __tablename__ = "review_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Which part of the report it is about: "session", "question-2", "cluster-7".
    section: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    # Detected among the session's languages (the author's when too short to tell), as a contribution's.
    language: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ReportVersion] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()

"""Machine translations of what people wrote: one row per text and target language."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db

# What can be translated: a contribution's text, a cluster's label or synthesis, a question's synthesis.
KINDS = ("contribution", "cluster_label", "cluster_synthesis", "question_synthesis")


class Translation(db.Model):
    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", "language"),
        Index("ix_translations_object", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    object_id: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5))
    source_language: Mapped[str] = mapped_column(String(5))
    # Digest of the original it translates: an edited synthesis makes its translations stale at once.
    source_digest: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(40))
    # The language it went through when the provider has no direct pair (Apertium's fr-en via es).
    pivot: Mapped[str | None] = mapped_column(String(5))
    # A moderator or rapporteur who edited and confirmed it (syntheses): no longer a machine's words.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

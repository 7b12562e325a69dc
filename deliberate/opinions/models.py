"""The latest opinion groups of each question, kept so that recomputations stay stable."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db


class OpinionGroups(db.Model):
    __tablename__ = "opinion_groups"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True)
    # Counts recomputations that changed something; clients compare it with what they have.
    version: Mapped[int] = mapped_column(Integer, default=0)
    # What the votes looked like when computed: a recomputation with the same fingerprint is skipped.
    fingerprint: Mapped[str] = mapped_column(String(200), default="")
    # The output of deliberate.opinions.compute.compute, with participant user ids as member keys.
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

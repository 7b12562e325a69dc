from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db
from deliberate.sessions.models import Question


class Cluster(db.Model):
    """A theme that groups contributions of one question, with the moderators' synthesis of it."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    synthesis: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    question: Mapped[Question] = relationship()


class ContributionVector(db.Model):
    """A contribution's sentence embedding (float32 bytes), computed once by a worker.

    ``model`` names what made it: vectors of another model are not comparable and are made again.
    ``text_digest`` is the text it was made from, so that an edited text is embedded again."""

    __tablename__ = "contribution_vectors"

    contribution_id: Mapped[int] = mapped_column(
        ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(60))
    text_digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # None for pseudonymous participants (imported Pol.is voters): they can never log in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organisation: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str | None] = mapped_column(String(5))
    is_organiser: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person deleted their account: the row stays, emptied, so that their contributions
    # remain, shown as "a former participant" (privacy/).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Travels in the login cookie; raising it (log-out, new password) ends every cookie issued before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "email": self.email,
            "name": self.name,
            "organisation": self.organisation,
            "language": self.language,
            "organiser": self.is_organiser,
            "email_verified": self.email_verified_at is not None,
        }

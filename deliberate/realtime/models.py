"""Requests to close a person's connections, written in the same transaction as the change that asks.

Every serving process reads the new rows every second and closes the sockets it holds for those
people, so a change made by another process (``deliberate grant`` on the command line, a second
server without Redis) still reaches the sockets it concerns.
"""

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db


class DisconnectRequest(db.Model):
    __tablename__ = "disconnect_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

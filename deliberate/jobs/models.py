"""Job records and the files they produce, in the database every process shares.

A job's state lives here, never in a web process's memory: any server process answers
``GET /api/v1/jobs/ID``, and a job whose worker died is found and retried from here.
"""

from datetime import datetime

from sqlalchemy import JSON, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from deliberate.dbtypes import UTCDateTime, utcnow
from deliberate.extensions import db

STATES = ("queued", "running", "done", "failed")
ACTIVE = ("queued", "running")


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    args: Mapped[list] = mapped_column(JSON, default=list)
    # Identical work: a second request with the same key while one is queued or running shares it.
    key: Mapped[str | None] = mapped_column(String(200), index=True)
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Who may read it: the askers, and (when the job belongs to a session) whoever holds one of
    # ``roles`` there, i.e. whoever could have asked for it.
    user_id: Mapped[int | None] = mapped_column(Integer)
    askers: Mapped[list] = mapped_column(JSON, default=list)
    session_id: Mapped[int | None] = mapped_column(Integer, index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="en")
    error_code: Mapped[str | None] = mapped_column(String(20))
    error_message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict | None] = mapped_column(JSON)
    worker: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobFile(db.Model):
    """A file a job made (an export), found again by ``cache_key`` for the same input."""

    __tablename__ = "job_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(200), index=True)
    media_type: Mapped[str] = mapped_column(String(120))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

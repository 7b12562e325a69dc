"""jobs and the files they produce

Revision ID: i8a
Revises: i10_opinion_groups
Create Date: 2026-12-01 21:30:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "i8a"
down_revision = "i10_opinion_groups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("args", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("askers", sa.JSON(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("error_code", sa.String(length=20), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("started_at", deliberate.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("heartbeat_at", deliberate.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("finished_at", deliberate.dbtypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_key", "jobs", ["key"])
    op.create_index("ix_jobs_state", "jobs", ["state"])
    op.create_index("ix_jobs_session_id", "jobs", ["session_id"])
    op.create_table(
        "job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cache_key", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_files_cache_key", "job_files", ["cache_key"])


def downgrade() -> None:
    op.drop_table("job_files")
    op.drop_table("jobs")

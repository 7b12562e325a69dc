"""the live hall: live question, countdowns, projector links, notifications, privacy

Revision ID: i11a
Revises: 0001
Create Date: 2026-12-01 21:00:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "i11a"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("panel_sessions", sa.Column("live_question_id", sa.Integer(), nullable=True))
    op.add_column(
        "panel_sessions",
        sa.Column("publish_names", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("questions", sa.Column("countdown_state", sa.String(length=10), nullable=True))
    op.add_column(
        "questions", sa.Column("countdown_deadline", deliberate.dbtypes.UTCDateTime(), nullable=True)
    )
    op.add_column("questions", sa.Column("countdown_remaining", sa.Float(), nullable=True))
    op.add_column(
        "questions",
        sa.Column("countdown_auto_close", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("questions", sa.Column("projector_token", sa.String(length=64), nullable=True))
    op.create_index("ix_questions_projector_token", "questions", ["projector_token"], unique=True)
    op.create_index("ix_questions_countdown_state", "questions", ["countdown_state"])
    op.add_column("users", sa.Column("deleted_at", deliberate.dbtypes.UTCDateTime(), nullable=True))
    op.add_column("report_versions", sa.Column("translations", sa.JSON(), nullable=True))
    op.add_column("report_versions", sa.Column("decision_reason", sa.Text(), nullable=True))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(length=300), nullable=True),
        sa.Column("read_at", deliberate.dbtypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["panel_sessions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_user_read", table_name="notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("report_versions") as batch:
        batch.drop_column("decision_reason")
        batch.drop_column("translations")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("deleted_at")
    op.drop_index("ix_questions_countdown_state", table_name="questions")
    op.drop_index("ix_questions_projector_token", table_name="questions")
    with op.batch_alter_table("questions") as batch:
        for name in (
            "projector_token",
            "countdown_auto_close",
            "countdown_remaining",
            "countdown_deadline",
            "countdown_state",
        ):
            batch.drop_column(name)
    with op.batch_alter_table("panel_sessions") as batch:
        batch.drop_column("publish_names")
        batch.drop_column("live_question_id")

"""session versions, e-mail verification, exclusions, disconnect requests, projector embedding

Revision ID: 0015_hardening
Revises: 0014_translations
Create Date: 2026-12-01 21:10:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "0015_hardening"
down_revision = "0014_translations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("email_verified_at", deliberate.dbtypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table("panel_sessions") as batch:
        batch.add_column(
            sa.Column("requires_verified_email", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("projector_embeddable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("excluded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["panel_sessions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["excluded_by"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "session_id"),
    )
    op.create_index("ix_exclusions_user_id", "exclusions", ["user_id"])
    op.create_index("ix_exclusions_session_id", "exclusions", ["session_id"])
    op.create_table(
        "disconnect_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_disconnect_requests_user_id", "disconnect_requests", ["user_id"])
    op.create_index("ix_disconnect_requests_created_at", "disconnect_requests", ["created_at"])


def downgrade() -> None:
    op.drop_table("disconnect_requests")
    op.drop_table("exclusions")
    with op.batch_alter_table("panel_sessions") as batch:
        batch.drop_column("projector_embeddable")
        batch.drop_column("requires_verified_email")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
        batch.drop_column("session_version")

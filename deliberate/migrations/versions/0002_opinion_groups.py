"""opinion groups per question; sessions may show them to attendees

Revision ID: i10_opinion_groups
Revises: i11a
Create Date: 2026-12-01 21:55:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "i10_opinion_groups"
down_revision = "i11a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "opinion_groups",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("computed_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["questions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("question_id"),
    )
    with op.batch_alter_table("panel_sessions") as batch:
        batch.add_column(
            sa.Column("attendees_see_opinion_groups", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("panel_sessions") as batch:
        batch.drop_column("attendees_see_opinion_groups")
    op.drop_table("opinion_groups")

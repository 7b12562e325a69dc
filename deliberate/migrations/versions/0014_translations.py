"""translations of contributions, cluster labels and syntheses

Revision ID: 0014_translations
Revises: i8a
Create Date: 2026-12-01 21:15:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "0014_translations"
down_revision = "i8a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("source_language", sa.String(length=5), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("pivot", sa.String(length=5), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "object_id", "language"),
    )
    op.create_index("ix_translations_object", "translations", ["kind", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_translations_object", table_name="translations")
    op.drop_table("translations")

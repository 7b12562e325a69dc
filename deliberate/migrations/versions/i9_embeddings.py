"""sentence embeddings of contributions, one per contribution and model

Revision ID: i9_embeddings
Revises: 0015_hardening
Create Date: 2026-12-02 01:00:00
"""

import sqlalchemy as sa
from alembic import op

import deliberate.dbtypes

revision = "i9_embeddings"
down_revision = "0015_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contribution_vectors",
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=60), nullable=False),
        sa.Column("text_digest", sa.String(length=64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", deliberate.dbtypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contribution_id"], ["contributions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("contribution_id"),
    )


def downgrade() -> None:
    op.drop_table("contribution_vectors")

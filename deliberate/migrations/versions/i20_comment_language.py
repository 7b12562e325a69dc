"""the language of each review comment (its lang on every page, and what translation starts from)

Revision ID: i20_comment_language
Revises: i9_embeddings
Create Date: 2026-12-03 07:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "i20_comment_language"
down_revision = "i9_embeddings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
    # The comments written so far: their author's language is the best guess there is.
    op.execute(
        "UPDATE review_comments SET language = "
        "(SELECT users.language FROM users WHERE users.id = review_comments.author_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("review_comments", schema=None) as batch_op:
        batch_op.drop_column("language")

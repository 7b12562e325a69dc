"""Alembic environment: run with the connection that ``deliberate.database`` hands over."""

from alembic import context

import deliberate.models  # noqa: F401  (registers every table on the metadata)
from deliberate.extensions import db

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=db.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

"""Alembic's environment: run the revisions in versions/ on the connection that
pipelines.storage.migrations.upgrade hands over (see `alembic_config` there), inside that
connection's transaction."""

from __future__ import annotations

from alembic import context

from pipelines.storage.migrations.upgrade import only_regwatch_tables
from pipelines.storage.schema import metadata

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=metadata,
    render_as_batch=True,  # SQLite alters most of a table only by copying it
    include_name=only_regwatch_tables,
)
with context.begin_transaction():
    context.run_migrations()

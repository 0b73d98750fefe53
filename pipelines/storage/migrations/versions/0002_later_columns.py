"""Columns added after the first release: the data date a source states
(snapshots.as_of), whether an announced date is stated or the article's day
(announcement_events.date_basis), and an announced name in the other script
(announcement_events.other_name).

Before migrations, regwatch added these one by one with hand-written ALTERs, so a
database stamped at 0001 may have some of them already: only the missing ones are added.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_COLUMNS = {
    "snapshots": (("as_of", sa.String(32)),),
    "announcement_events": (("date_basis", sa.String(16)), ("other_name", sa.Text())),
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in _COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        with op.batch_alter_table(table) as batch:
            for name, type_ in columns:
                if name not in present:
                    batch.add_column(sa.Column(name, type_))


def downgrade() -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, _type in columns:
                batch.drop_column(name)

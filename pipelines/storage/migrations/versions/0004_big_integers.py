"""64-bit integers where 32 bits overflow on PostgreSQL: the ministry's lastModified, in
epoch milliseconds (snapshots.last_modified, source_health.last_modified_seen: about
1.8e12, past INTEGER's 2.1e9, so the first crawl on PostgreSQL failed with "integer out
of range"), and a raw reply's size in bytes (raw_replies.size).

SQLite stores every INTEGER in 64 bits already, and schema.BigInt stays INTEGER there:
nothing to do (retyping would copy each table, and dropping the old `snapshots` breaks
the foreign keys that point at it).

Numbered 0004 because 0003 was reserved for a parallel branch: if a 0003 is merged before
this one, set `down_revision = "0003"` here (tests/test_migrations.py checks one HEAD).

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

_COLUMNS = {
    "snapshots": (("last_modified", True),),
    "source_health": (("last_modified_seen", True),),
    "raw_replies": (("size", False),),
}


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, nullable in columns:
                batch.alter_column(name, existing_type=old, type_=new, existing_nullable=nullable)

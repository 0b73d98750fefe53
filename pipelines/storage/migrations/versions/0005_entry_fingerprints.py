"""entries.fingerprint: normalise.fingerprint of each entry's current version (its
published cells and source URL), so that a crawl compares compact fingerprints instead
of decoding every stored entry. Filled here from each head's stored version.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from pipelines.register.normalise import fingerprint

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 2000


def upgrade() -> None:
    conn = op.get_bind()
    # a database made before migrations by create_all has the column already
    if "fingerprint" not in {c["name"] for c in sa.inspect(conn).get_columns("entries")}:
        with op.batch_alter_table("entries") as batch:
            batch.add_column(sa.Column("fingerprint", sa.String(32)))
    heads = sa.text("SELECT v.entry_id, v.data FROM entries e JOIN entry_versions v"
                    " ON v.entry_id = e.entry_id AND v.snapshot_id = e.version_snapshot_id"
                    " WHERE e.fingerprint IS NULL")
    found = [{"b_id": entry_id, "b_fp": _fingerprint(data)} for entry_id, data in conn.execute(heads)]
    update = sa.text("UPDATE entries SET fingerprint = :b_fp WHERE entry_id = :b_id")
    for start in range(0, len(found), _BATCH):
        conn.execute(update, found[start:start + _BATCH])


def downgrade() -> None:
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("fingerprint")


def _fingerprint(data: str) -> str:
    stored = json.loads(data)
    return fingerprint(tuple(stored.get("raw", {}).items()), stored.get("source_url", ""))

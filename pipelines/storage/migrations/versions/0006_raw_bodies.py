"""raw_bodies: the raw replies' gzip-compressed bytes, kept in the database (workers on
several machines share no data directory). Replies archived before stay files under raw/,
where pipelines.storage.raw_archive still reads them.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("raw_bodies"):  # made before migrations, by create_all
        return
    op.create_table(
        "raw_bodies",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("gzip", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("raw_bodies")

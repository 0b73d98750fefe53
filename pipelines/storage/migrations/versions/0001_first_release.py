"""The first release's schema: every table, before snapshots.as_of,
announcement_events.date_basis and announcement_events.other_name (revision 0002).

Written out, not taken from schema.py, so that it stays what the first release made.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Index names as metadata.create_all gave them, so that a database made before
# migrations has the same ones.
_INDEXED = {
    "crawl_log": ("source",),
    "snapshots": ("source",),
    "entries": ("source",),
    "changes": ("source", "entry_id", "detected_at"),
    "alerts": ("subscription", "status"),
    "alert_changes": ("alert_id",),
    "alert_announcements": ("alert_id",),
    "articles": ("source",),
    "announcement_events": ("article_id",),
    "aliases": ("entry_id",),
}


def upgrade() -> None:
    _register_history()
    _alerts_and_health()
    _announcements()
    for table, columns in _INDEXED.items():
        for column in columns:
            op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table in ("aliases", "announcement_events", "articles", "source_health",
                  "alert_announcements", "alert_changes", "alerts", "holds", "changes",
                  "entry_versions", "entries", "crawl_log", "snapshots", "raw_replies"):
        op.drop_table(table)  # its indexes go with it


def _register_history() -> None:
    op.create_table(
        "raw_replies",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("method", sa.String(8), nullable=False),
        sa.Column("request_body", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("taken_at", sa.String(32), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("last_modified", sa.Integer()),
    )
    op.create_table(
        "crawl_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("first_at", sa.String(32), nullable=False),
        sa.Column("last_at", sa.String(32), nullable=False),
        sa.Column("polls", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id")),
        sa.Column("replies", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("entry_id", sa.String(128), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("first_seen", sa.String(32), nullable=False),
        sa.Column("last_changed", sa.String(32), nullable=False),
        sa.Column("version_snapshot_id", sa.Integer(), nullable=False),
    )
    op.create_table(
        "entry_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entry_id", sa.String(128), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("valid_from", sa.String(32), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.UniqueConstraint("entry_id", "snapshot_id"),
    )
    op.create_table(
        "changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(128), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "holds",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("first_at", sa.String(32), nullable=False),
    )


def _alerts_and_health() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("delivery_id", sa.String(255), nullable=False, unique=True),
        sa.Column("subscription", sa.String(128), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("snapshot_id", sa.Integer()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.String(32), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.String(32)),
    )
    op.create_table(
        "alert_changes",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.Column("subscription", sa.String(128), nullable=False),
        sa.UniqueConstraint("change_id", "subscription"),
    )
    op.create_table(
        "alert_announcements",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("announcement_key", sa.Text(), nullable=False),
        sa.Column("subscription", sa.String(128), nullable=False),
        sa.UniqueConstraint("announcement_key", "subscription"),
    )
    op.create_table(
        "source_health",
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failing_since", sa.String(32), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("operator_told", sa.Boolean(), nullable=False),
        sa.Column("last_ok_at", sa.String(32), nullable=False),
        sa.Column("last_modified_seen", sa.Integer()),
    )


def _announcements() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False, unique=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published_on", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("fetched_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "announcement_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.Text(), nullable=False),
        sa.Column("acronym", sa.Text(), nullable=False),
        sa.Column("country", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("decision_date", sa.String(10), nullable=False),
        sa.Column("register_date", sa.String(10), nullable=False),
        sa.Column("authority", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entry_id", sa.String(128)),
        sa.Column("lag_days", sa.Integer()),
        sa.Column("linked_at", sa.String(32)),
    )
    op.create_table(
        "aliases",
        sa.Column("entry_id", sa.String(128), nullable=False),
        sa.Column("alias", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.UniqueConstraint("entry_id", "alias"),
    )

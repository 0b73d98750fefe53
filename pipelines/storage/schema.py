"""Every table regwatch keeps, in one place: the register's history (crawls, raw replies,
snapshots, entries and their versions, changes, holds), the alert outbox and each source's
health, and the announcements (articles, their events, the aliases they taught).

SQLAlchemy Core tables on one MetaData, for SQLite and PostgreSQL alike. The schema of an
existing database is brought to this one by the migrations beside this module
(pipelines/storage/migrations).

Integer columns hold 32 bits on PostgreSQL (SQLite stores 64 whatever the type): a value
that can pass 2 147 483 647 is a BigInt. Ids stay Integer (SQLite numbers rows only in
an INTEGER PRIMARY KEY); at 100 000 versions a day they last fifty years.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# 64 bits: BIGINT on a server; on SQLite, whose INTEGER stores 64 bits already, INTEGER, so
# that a database made before stays as it is (retyping there means copying tables).
BigInt = BigInteger().with_variant(Integer(), "sqlite")

crawl_log = Table(
    "crawl_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("outcome", String(16), nullable=False),  # baseline|changed|unchanged|held|refused
    Column("first_at", String(32), nullable=False),
    Column("last_at", String(32), nullable=False),
    Column("polls", Integer, nullable=False, default=1),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id")),
    Column("replies", Text, nullable=False, default="[]"),  # JSON list of raw reply hashes
    Column("message", Text, nullable=False, default=""),
)

raw_replies = Table(
    "raw_replies", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("source", String(64), nullable=False),
    Column("url", Text, nullable=False),
    Column("method", String(8), nullable=False),
    Column("request_body", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("content_type", Text, nullable=False),
    Column("size", BigInt, nullable=False),  # bytes: a reply may pass 2 GiB
    Column("path", Text, nullable=False),  # relative to the data directory; "" when only in raw_bodies
    Column("fetched_at", String(32), nullable=False),
)

# The raw replies' bytes (gzip), so that any worker can reparse and any web process show
# them; SQLite keeps them as files under raw/ too (raw_archive.py).
raw_bodies = Table(
    "raw_bodies", metadata,
    Column("sha256", String(64), primary_key=True),  # of the reply as served: raw_replies.sha256
    Column("gzip", LargeBinary, nullable=False),
)

snapshots = Table(
    "snapshots", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("taken_at", String(32), nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("replies", Text, nullable=False),  # JSON list of raw reply hashes
    # /info's lastModified: epoch milliseconds (1.8e12), past a 32-bit INTEGER's 2.1e9
    Column("last_modified", BigInt),
    Column("as_of", String(32)),  # the data date the source itself states (the XLSX's A2)
)

entries = Table(
    "entries", metadata,
    Column("entry_id", String(128), primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("present", Boolean, nullable=False),
    Column("first_seen", String(32), nullable=False),
    Column("last_changed", String(32), nullable=False),
    # The current version is the entry's version from this snapshot (one per snapshot at most).
    Column("version_snapshot_id", Integer, nullable=False),
    # normalise.fingerprint of the current version's published cells and source: a crawl
    # decodes and compares only the entries whose fingerprint no row of the pull has.
    Column("fingerprint", String(32)),
)

entry_versions = Table(
    "entry_versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("entry_id", String(128), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("valid_from", String(32), nullable=False),
    Column("data", Text, nullable=False),  # the Entry as JSON, raw cells included
    UniqueConstraint("entry_id", "snapshot_id"),  # also the index the head join uses
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(64), nullable=False, index=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("entry_id", String(128), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("field", String(32), nullable=False),
    Column("old", Text, nullable=False),
    Column("new", Text, nullable=False),
    Column("detected_at", String(32), nullable=False, index=True),
)

# A diff held until a second pull agrees (one per source).
holds = Table(
    "holds", metadata,
    Column("source", String(64), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("first_at", String(32), nullable=False),
)


# --- the alert outbox and each source's health ----------------------------------------

alerts = Table(
    "alerts", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", String(255), nullable=False, unique=True),
    Column("subscription", String(128), nullable=False, index=True),
    Column("source", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # changes|announced|operator
    Column("snapshot_id", Integer),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("payload", Text, nullable=False),  # the webhook's JSON body
    Column("created_at", String(32), nullable=False),
    Column("status", String(16), nullable=False, index=True),  # pending|sent|failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", String(32), nullable=False),
    Column("last_error", Text, nullable=False, default=""),
    Column("sent_at", String(32)),
)

alert_changes = Table(
    "alert_changes", metadata,
    Column("alert_id", Integer, nullable=False, index=True),
    Column("change_id", Integer, nullable=False),
    Column("subscription", String(128), nullable=False),
    UniqueConstraint("change_id", "subscription"),  # a change reaches a subscriber once
)

# Which announced designations (by their keys, see pipelines.announcements.early_warning) a subscriber
# was told of: a decision reported by five articles in three spellings reaches it once.
alert_announcements = Table(
    "alert_announcements", metadata,
    Column("alert_id", Integer, nullable=False, index=True),
    Column("announcement_key", Text, nullable=False),
    Column("subscription", String(128), nullable=False),
    UniqueConstraint("announcement_key", "subscription"),
)

source_health = Table(
    "source_health", metadata,
    Column("source", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, default=0),  # consecutive
    Column("failing_since", String(32), nullable=False, default=""),
    Column("last_error", Text, nullable=False, default=""),
    Column("operator_told", Boolean, nullable=False, default=False),
    Column("last_ok_at", String(32), nullable=False, default=""),
    Column("last_modified_seen", BigInt),  # /info's lastModified (epoch ms) at the last good crawl
)


# --- announcements ---------------------------------------------------------------------

articles = Table(
    "articles", metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False, unique=True),
    Column("source", String(64), nullable=False, index=True),  # the spider's source id
    Column("title", Text, nullable=False),
    Column("published_on", String(32), nullable=False),  # ISO date (or datetime)
    Column("language", String(8), nullable=False),
    Column("text", Text, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the raw page as served
    Column("fetched_at", String(32), nullable=False),
)

announcement_events = Table(
    "announcement_events", metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, nullable=False, index=True),
    Column("organisation", Text, nullable=False),
    Column("acronym", Text, nullable=False, default=""),
    Column("other_name", Text),  # the name in the other script, when the text gives it
    Column("country", Text, nullable=False, default=""),
    Column("kind", String(16), nullable=False),
    Column("decision_date", String(10), nullable=False, default=""),
    Column("register_date", String(10), nullable=False, default=""),
    Column("authority", Text, nullable=False, default=""),
    Column("date_basis", String(16)),  # "text": stated; "article": the article's day, an upper bound
    Column("sentence", Text, nullable=False),
    Column("status", String(16), nullable=False),  # pending|confirmed|not_designation
    Column("entry_id", String(128)),
    Column("lag_days", Integer),  # announcement → the register's inclusion date
    Column("linked_at", String(32)),
)

aliases = Table(
    "aliases", metadata,
    Column("entry_id", String(128), nullable=False, index=True),
    Column("alias", Text, nullable=False),
    Column("source_url", Text, nullable=False),
    UniqueConstraint("entry_id", "alias"),
)

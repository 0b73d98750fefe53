"""Bring a database to the schema of pipelines.storage.schema by the Alembic revisions in
versions/, run from code (no alembic.ini).

Every CLI call and web request opens the database, so one already at HEAD costs a query
of its `alembic_version` row and Alembic is imported only when there is work to do.
A new database (no regwatch table) is made at HEAD at once, `metadata.create_all` and
stamped (Alembic's own recipe for a database built from scratch): a first crawl, and each
test's fresh database, pay neither Alembic's import nor six revisions of DDL. The
revisions are for the databases that exist; tests/test_migrations.py runs them from
nothing too and checks both ways give the same schema.
A database made before migrations (regwatch's tables, no `alembic_version`) has at least
the first release's shape: it is stamped there, and the later revisions add the rest.

A new revision: change schema.py, then write versions/NNNN_what.py by hand or with
`command.revision(alembic_config(connection), autogenerate=True, rev_id="NNNN", message=...)`
on a connection to a database at HEAD, and move HEAD here (a test checks both).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from pipelines.storage.schema import metadata

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0006"  # the newest revision in versions/
MIGRATION_LOCK = 0x7265677761746368  # PostgreSQL's advisory lock key while migrating ("regwatch")
FIRST_RELEASE = "0001"
_RECOGNISED_BY = "snapshots"  # a table every regwatch database has had
# Alembic's table as Alembic makes it (alembic.runtime.migration), for a database made at HEAD.
_VERSION_TABLE = Table("alembic_version", MetaData(), Column("version_num", String(32), nullable=False),
                       PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))


def current_revision(conn: Connection) -> str | None:
    """The database's Alembic revision; None when it has none (new, or made before migrations)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def only_regwatch_tables(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's `include_name`: the scheduler keeps its jobs in the same database
    (schedules.daemon.JOB_TABLE), and a table not in regwatch's schema is none of ours."""
    return type_ != "table" or name in metadata.tables


def alembic_config(conn: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    script_location = str(Path(__file__).parent).replace("%", "%%")  # ConfigParser interpolates %
    config.set_main_option("script_location", script_location)
    config.attributes["connection"] = conn  # env.py migrates on it, inside its transaction
    return config


def upgrade_to_head(engine: Engine) -> None:
    with engine.connect() as conn:
        if current_revision(conn) == HEAD:
            return
    for attempt in range(5):
        try:
            with engine.connect() as conn:
                _lock(conn)
                _upgrade(conn)
                conn.commit()
            return
        except DBAPIError as exc:  # without a lock (another database), another process may create
            if attempt == 4 or "already exists" not in str(exc):  # a table between our check
                raise                                              # and our create: look again


def _lock(conn: Connection) -> None:
    """Take a lock before looking, so that two processes opening a new database at once
    migrate it one after the other (the second finds it at HEAD) and a failed migration
    leaves nothing behind. SQLite: the write lock (the driver would otherwise run DDL
    outside any transaction; the 30 s busy timeout, store.engine_options, is the wait).
    PostgreSQL (whose DDL is transactional): an advisory lock until this transaction ends."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})


def _upgrade(conn: Connection) -> None:
    revision = current_revision(conn)
    if revision == HEAD:
        return
    if revision is None and not inspect(conn).has_table(_RECOGNISED_BY):
        create_at_head(conn)
        return
    from alembic import command

    config = alembic_config(conn)
    if revision is None and inspect(conn).has_table(_RECOGNISED_BY):
        command.stamp(config, FIRST_RELEASE)
    command.upgrade(config, "head")


def create_at_head(conn: Connection) -> None:
    """A new database's tables as schema.py has them, stamped HEAD (inside the caller's
    transaction, under its lock)."""
    metadata.create_all(conn)
    _VERSION_TABLE.create(conn)
    conn.execute(_VERSION_TABLE.insert().values(version_num=HEAD))

"""The database's schema is brought to pipelines.storage.schema by Alembic migrations:
a new database (SQLite or PostgreSQL) gets every table, a database made before migrations
is recognised, upgraded and keeps its rows, so does one made by the release before
PostgreSQL support, a new database is made (create_all, stamped) and one at HEAD opened
without Alembic, the revisions run from nothing give that same schema, and a schema change
without a migration fails here."""

from __future__ import annotations

import gzip
import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, create_engine, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from pipelines.register.normalise import fingerprint
from pipelines.storage.migrations.upgrade import (
    HEAD,
    alembic_config,
    current_revision,
    only_regwatch_tables,
)
from pipelines.storage.raw_archive import read_reply, reply_path
from pipelines.storage.schema import (
    announcement_events,
    articles,
    changes,
    entries,
    entry_versions,
    metadata,
    raw_bodies,
    raw_replies,
    snapshots,
    source_health,
)
from pipelines.storage.store import Store
from tests.conftest import FIRST_DAY, POSTGRESQL, SECOND_DAY, Workspace, load_state

pytestmark = pytest.mark.both_backends

# Made by the release before PostgreSQL support (schema 0002): see its .md beside it.
RELEASE_DB = Path(__file__).parent / "data" / "regwatch-0002-d6af1ff.db.gz"
LAST_MODIFIED = 1786717680000  # the ministry's stamp of 2026-08-14, in epoch milliseconds

LATER_COLUMNS = (("snapshots", "as_of"), ("announcement_events", "date_basis"),
                 ("announcement_events", "other_name"))


def differences(conn, target: MetaData = metadata) -> list:
    context = MigrationContext.configure(conn, opts={"include_name": only_regwatch_tables})
    return compare_metadata(context, target)


def columns_by_table(engine) -> dict[str, set[str]]:
    inspector = inspect(engine)
    return {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}


def make_pre_migration_database(url: str, dropped: tuple[tuple[str, str], ...]) -> None:
    """What a regwatch before migrations made: metadata.create_all without the columns
    it did not know yet, no alembic_version, and some rows."""
    engine = create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table, column in dropped:
            conn.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.exec_driver_sql(
            "INSERT INTO snapshots (id, source, channel, taken_at, row_count, content_hash, replies)"
            " VALUES (1, 'ru_minjust_undesirable', 'json', '2026-11-20T00:00:00+00:00', 418, 'ab', '[]')")
        conn.exec_driver_sql(
            "INSERT INTO articles (id, url, source, title, published_on, language, text, sha256, fetched_at)"
            " VALUES (7, 'https://example.org/a', 'test', 't', '2026-11-20', 'ru', 'text', 'cd', '2026-11-20')")
        conn.exec_driver_sql(
            "INSERT INTO announcement_events (article_id, organisation, acronym, country, kind,"
            " decision_date, register_date, authority, sentence, status)"
            " VALUES (7, 'Fund', '', 'US', 'designation', '', '', '', 'A sentence.', 'pending')")
    engine.dispose()


def assert_at_head(url: str) -> None:
    """Opened by this release, the database is at HEAD and matches the schema exactly."""
    store = Store(url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert differences(conn) == []
    finally:
        store.close()


def migrated_from_nothing(url: str) -> None:
    """Every revision in turn, on an empty database (what upgrading any older one runs)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    finally:
        engine.dispose()


def structure(url: str) -> dict[str, tuple]:
    """Per table: its columns (type, nullable, default), primary key, foreign keys, indexes
    and unique constraints, as the database reports them."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        inspector = inspect(engine)
        return {table: (
            {c["name"]: (str(c["type"]), c["nullable"], c["default"]) for c in inspector.get_columns(table)},
            inspector.get_pk_constraint(table)["constrained_columns"],
            sorted((fk["constrained_columns"], fk["referred_table"], fk["referred_columns"])
                   for fk in inspector.get_foreign_keys(table)),
            sorted((i["name"], i["column_names"], bool(i["unique"])) for i in inspector.get_indexes(table)),
            sorted(u["column_names"] for u in inspector.get_unique_constraints(table)),
        ) for table in inspector.get_table_names()}
    finally:
        engine.dispose()


def test_a_new_database_gets_exactly_the_schema_at_head(db_url):
    store = Store(db_url)
    try:
        expected = {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
        assert columns_by_table(store.engine) == {**expected, "alembic_version": {"version_num"}}
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert differences(conn) == []
    finally:
        store.close()


def test_the_revisions_from_nothing_make_what_a_new_database_gets(db_url, backend, request, tmp_path):
    """A new database is made at HEAD at once (create_all, stamped); the revisions, run
    from nothing, must give the very same tables, columns, keys and indexes."""
    made_new = request.getfixturevalue("pg_url") if backend == POSTGRESQL else f"sqlite:///{tmp_path / 'new.db'}"
    Store(made_new).close()
    migrated_from_nothing(db_url)
    assert_at_head(db_url)
    assert structure(db_url) == structure(made_new)


def test_head_is_the_newest_revision(tmp_path):
    with create_engine("sqlite://").connect() as conn:
        script = ScriptDirectory.from_config(alembic_config(conn))
    assert script.get_heads() == [HEAD]  # one line of revisions, and the fast path knows its end


@pytest.mark.parametrize("dropped", [
    LATER_COLUMNS,  # the first release
    LATER_COLUMNS[1:],  # a release that had added snapshots.as_of by hand
    (),  # the last release before migrations: every column, no alembic_version
], ids=["first-release", "as_of-only", "every-column"])
def test_a_database_made_before_migrations_is_upgraded_and_keeps_its_rows(tmp_path, dropped):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    make_pre_migration_database(url, dropped)
    store = Store(url)
    try:
        assert {(t, c) for t, c in LATER_COLUMNS} <= {
            (t, c) for t, cs in columns_by_table(store.engine).items() for c in cs}
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert differences(conn) == []
            assert conn.execute(select(snapshots.c.row_count, snapshots.c.as_of)).all() == [(418, None)]
            assert conn.execute(select(articles.c.url)).scalars().all() == ["https://example.org/a"]
            assert conn.execute(select(announcement_events.c.organisation, announcement_events.c.date_basis,
                                       announcement_events.c.other_name)).all() == [("Fund", None, None)]
        with store.engine.begin() as conn:  # the new columns take values
            conn.execute(insert(snapshots).values(
                source="s", channel="xlsx", taken_at="t", row_count=1, content_hash="h", replies="[]",
                as_of="2026-11-21"))
    finally:
        store.close()


def test_a_new_database_is_made_and_one_at_head_opened_without_alembic(db_url):
    url = db_url
    opened = subprocess.run([sys.executable, "-c", (
        "import sys; from pipelines.storage.store import Store; "
        f"Store({url!r}).close(); Store({url!r}).close(); print('alembic' in sys.modules)")],
        capture_output=True, text=True, check=True)
    assert opened.stdout.strip() == "False"
    assert_at_head(url)


def test_a_schema_change_without_a_migration_is_found(tmp_path):
    migrated_from_nothing(f"sqlite:///{tmp_path / 'new.db'}")
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    changed = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["holds"].append_column(Column("attempts", Integer))
    try:
        with store.engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE apscheduler_jobs (id TEXT)")  # the scheduler's: ignored
            assert differences(conn) == []
            assert [d[0] for d in differences(conn, changed)] == ["add_column"]
    finally:
        store.close()


def test_processes_opening_a_new_database_at_once_all_succeed(db_url):
    url = db_url
    code = ("import sys; from pipelines.storage.store import Store; print('ready', flush=True); "
            f"sys.stdin.readline(); Store({url!r}).close()")
    opening = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(3)]
    for process in opening:  # imported, so that they open the file at the same moment
        assert process.stdout.readline() == "ready\n"
    for process in opening:
        process.stdin.write("go\n")
        process.stdin.flush()
    failures = [p.communicate()[1] for p in opening if p.wait() != 0]
    assert failures == []
    assert_at_head(url)


def test_the_release_before_postgresql_upgrades_in_place_and_keeps_every_row(tmp_path, fake):
    """The database the previous release made (two crawls, an alert delivered): opened by
    this one, it is at HEAD, matches the schema, keeps every row of every table, and the
    next crawl goes on from its history."""
    data_dir = tmp_path / "out"
    data_dir.mkdir()
    file = data_dir / "regwatch.db"
    file.write_bytes(gzip.decompress(RELEASE_DB.read_bytes()))
    with sqlite3.connect(file) as db:
        tables = [t for (t,) in db.execute("select name from sqlite_master where type = 'table'")]
        before = {t: db.execute(f"select * from {t} order by rowid").fetchall() for t in tables}
    assert before["alembic_version"] == [("0002",)] and len(before["changes"]) == 23

    assert_at_head(f"sqlite:///{file}")
    with sqlite3.connect(file) as db:
        after = {t: db.execute(f"select * from {t} order by rowid").fetchall() for t in tables}
    fingerprints = [row[-1] for row in after["entries"]]  # a column of 0005, filled from each version
    after["entries"] = [row[:-1] for row in after["entries"]]
    assert after == {**before, "alembic_version": [(HEAD,)]}
    store = Store(f"sqlite:///{file}")
    try:
        with store.engine.connect() as conn:
            stored = dict(conn.execute(select(entries.c.entry_id, entries.c.fingerprint)).all())
        current = {e.entry_id: fingerprint(e.raw, e.source_url)
                   for e in store.current_entries("ru_minjust_undesirable")}
        assert len(current) == 390 and current.items() <= stored.items()
        assert set(stored.values()) == set(fingerprints) and None not in fingerprints
    finally:
        store.close()

    fake.serve(load_state(SECOND_DAY))
    workspace = Workspace(fake, data_dir)
    assert workspace.crawl().code == 0
    assert len(workspace.changes()) == 23  # the history it had; the poll found nothing new
    assert workspace.query("select polls from crawl_log order by id desc limit 1") == [(2,)]


def test_a_database_at_the_previous_revision_upgrades_and_takes_milliseconds(db_url):
    """What the previous release made on either backend (revision 0002): on PostgreSQL its
    INTEGER lastModified refused the ministry's stamp ("integer out of range"); upgraded,
    it keeps its rows and takes it."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0002")
        small = {"source": "s", "channel": "json", "taken_at": FIRST_DAY, "row_count": 418,
                 "content_hash": "ab", "replies": "[]", "last_modified": 1785335}
        with engine.begin() as conn:
            conn.execute(insert(snapshots).values(**small))
            conn.execute(insert(source_health).values(source="s", failures=2, failing_since="", last_error="",
                                                      operator_told=False, last_ok_at=""))
        if engine.dialect.name == "postgresql":
            with pytest.raises(DBAPIError, match="out of range"), engine.begin() as conn:
                conn.execute(update(snapshots).values(last_modified=LAST_MODIFIED))
    finally:
        engine.dispose()

    store = Store(db_url)
    try:
        with store.engine.begin() as conn:
            assert current_revision(conn) == HEAD
            assert differences(conn) == []
            assert conn.execute(select(snapshots.c.row_count, snapshots.c.last_modified)).all() == [(418, 1785335)]
            conn.execute(update(snapshots).values(last_modified=LAST_MODIFIED))
            conn.execute(update(source_health).values(last_modified_seen=LAST_MODIFIED))
        with store.engine.connect() as conn:
            assert conn.execute(select(snapshots.c.last_modified)).scalar() == LAST_MODIFIED
            assert conn.execute(select(source_health.c.failures, source_health.c.last_modified_seen)).one() == \
                (2, LAST_MODIFIED)
    finally:
        store.close()


def test_the_new_revision_goes_down_again(db_url):
    Store(db_url).close()
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(conn), "0002")
        with engine.connect() as conn:
            assert current_revision(conn) == "0002"
            assert {c["name"]: type(c["type"]).__name__ for c in inspect(conn).get_columns("snapshots")
                    }["last_modified"] == "INTEGER"
    finally:
        engine.dispose()


def test_a_database_at_0005_upgrades_keeping_every_version_and_change(db_url, tmp_path):
    """0006 adds raw_bodies: a database at 0005 (its raw replies files under raw/) keeps
    every row, and its replies are still read from the data directory."""
    engine = create_engine(db_url)
    body = b'{"values": []}'
    sha = hashlib.sha256(body).hexdigest()
    (tmp_path / reply_path("s", sha)).parent.mkdir(parents=True)
    (tmp_path / reply_path("s", sha)).write_bytes(gzip.compress(body))
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "0005")
        with engine.begin() as conn:
            conn.execute(insert(raw_replies).values(
                sha256=sha, source="s", url="u", method="POST", request_body="{}", status=200,
                content_type="application/json", size=len(body), path=str(reply_path("s", sha)),
                fetched_at=FIRST_DAY))
            snapshot_id = conn.execute(insert(snapshots).values(
                source="s", channel="json", taken_at=FIRST_DAY, row_count=1, content_hash="ab",
                replies=f'["{sha}"]')).inserted_primary_key[0]
            conn.execute(insert(entries).values(entry_id="s/1", source="s", present=True, first_seen=FIRST_DAY,
                                                last_changed=FIRST_DAY, version_snapshot_id=snapshot_id))
            conn.execute(insert(entry_versions).values(entry_id="s/1", snapshot_id=snapshot_id,
                                                       valid_from=FIRST_DAY, data="{}"))
            conn.execute(insert(changes).values(source="s", snapshot_id=snapshot_id, kind="added", entry_id="s/1",
                                                number=1, name="n", field="", old="", new="listed",
                                                detected_at=FIRST_DAY))
        with engine.connect() as conn:
            before = {t: conn.execute(select(t)).all() for t in (raw_replies, snapshots, entries, entry_versions,
                                                                  changes)}
    finally:
        engine.dispose()

    assert_at_head(db_url)
    store = Store(db_url)
    try:
        with store.engine.connect() as conn:
            assert {t: conn.execute(select(t)).all() for t in before} == before
            assert conn.execute(select(raw_bodies)).all() == []
        assert read_reply(store, tmp_path, "s", sha) == body  # from the file it was archived in
    finally:
        store.close()

"""The real spider and the real CLI against the local fake of the official service."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from sqlalchemy import event, select

from pipelines.crawl import ingest
from pipelines.publish.dictionary import EXPORT_COLUMNS
from pipelines.storage.raw_archive import read_reply, reply_path
from pipelines.storage.schema import crawl_log
from pipelines.storage.store import Store
from regwatch.fakes import states
from tests import scenes
from tests.conftest import FIRST_DAY, SECOND_DAY, load_state

# What reaches the store runs on both backends; what the spider alone decides (paging, columns
# by title, the user agent) on SQLite only: the same code path, whatever stores it.
both_backends = pytest.mark.both_backends


@both_backends
def test_first_crawl_stores_the_whole_register_and_writes_every_export(workspace):
    result = workspace.crawl()
    assert result.code == 0, result.output
    assert "baseline" in result.stdout and "367 entries" in result.stdout

    exports = workspace.exports
    for name in ("latest.csv", "latest.xlsx", "latest.json", "changes.csv", "status.json"):
        assert (exports / name).stat().st_size > 0, name  # the XLSX once the alerts went out
    assert len(list((exports / "snapshots").glob("*.csv"))) == 1

    with open(exports / "latest.csv", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    assert tuple(header) == EXPORT_COLUMNS
    assert len(rows) == 367
    first = dict(zip(header, rows[0]))
    assert first["entry_id"] == "ru_minjust_undesirable/1"
    assert first["name_ru"] == "Национальный фонд в поддержку демократии"
    assert first["name_original"] == "The National Endowment for Democracy"
    assert first["listed_on"] == "2015-07-29" and first["listing_order"] == "1076-р"
    assert first["designated_on"] == "2015-07-28"
    assert first["designated_by"] == "Prosecutor General's Office of the Russian Federation"
    assert first["status"] == "listed"
    assert first["source_url"].endswith("/#/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df")
    last = dict(zip(header, rows[-1]))
    assert last["number"] == "367" and last["country_code"] == "US"
    # No change is reported for a first crawl: it is the baseline.
    assert workspace.changes() == []


@both_backends
def test_second_crawl_reports_exactly_the_23_additions(crawled):
    before = {r["entry_id"]: r for r in crawled.latest_rows()}
    crawled.fake.serve(load_state(SECOND_DAY))
    result = crawled.crawl()
    assert result.code == 0, result.output
    assert "23 added" in result.stdout

    found = crawled.changes()
    assert len(found) == 23
    assert {c["kind"] for c in found} == {"added"}
    assert [c["number"] for c in found] == list(range(368, 391))
    assert {"kind", "entry_id", "number", "name", "field", "old", "new", "detected_at"} <= set(found[0])

    after = {r["entry_id"]: r for r in crawled.latest_rows()}
    assert len(after) == 390
    for entry_id, row in before.items():  # the 2026-08-14 state sends "" where 07-29 left fields out
        assert after[entry_id]["first_seen"] == row["first_seen"]
        assert after[entry_id]["last_changed"] == row["last_changed"]
    assert len(list((crawled.exports / "snapshots").glob("*.csv"))) == 2
    changes_csv = (crawled.exports / "changes.csv").read_text(encoding="utf-8")
    assert len(list(csv.reader(io.StringIO(changes_csv)))) == 24


@both_backends
def test_unchanged_polls_only_record_that_they_looked(crawled):
    before = crawled.fingerprint()
    for _ in range(2):
        result = crawled.crawl()
        assert result.code == 0, result.output
        assert "unchanged" in result.stdout
    status = json.loads((crawled.exports / "status.json").read_text(encoding="utf-8"))
    assert status["outcome"] == "unchanged" and status["exports_show"]["entries"] == 367
    assert crawled.query("select count(*) from snapshots") == [(1,)]
    assert crawled.query("select count(*) from entry_versions") == [(367,)]
    polls = crawled.query("select outcome, polls from crawl_log order by id")
    assert polls == [("baseline", 1), ("unchanged", 2)]
    # the exports stay byte for byte; the change feed gains one "nothing changed" file a poll
    after = crawled.fingerprint()
    assert len(set(after) - set(before)) == 2 and all(f.startswith("changes/") for f in set(after) - set(before))
    assert {f: b for f, b in after.items() if not f.startswith("changes/")} == \
        {f: b for f, b in before.items() if not f.startswith("changes/")}


def test_pages_through_values_and_survives_the_server_cap(workspace):
    workspace.fake.cap = 100  # the server caps limit silently, as the real one does at 1000
    result = workspace.crawl(REGWATCH_PAGE_SIZE="5000")
    assert result.code == 0, result.output
    values = [json.loads(r.body) for r in workspace.fake.requests if r.path.endswith("/values")]
    # each page asked once; in order, but for a retry: a page whose connection failed before the
    # fake saw it goes back in the queue behind the page asked ahead (test_paging.py: the order)
    assert sorted(v["offset"] for v in values) == [0, 100, 200, 300]
    assert all(v["limit"] == 5000 for v in values)
    assert len(workspace.latest_rows()) == 367
    user_agents = {r.headers.get("User-Agent", "") for r in workspace.fake.requests}
    assert all(ua.startswith("regwatch/") for ua in user_agents)


def test_rows_are_mapped_by_column_title_not_field_number(workspace):
    # The service swaps two fields: titles, not numbers, say which is which.
    swapped = states._copy(load_state(FIRST_DAY))
    for column in swapped.info["columns"]:
        if column["name"] in ("field_5_s", "field_10_s"):
            column["name"] = {"field_5_s": "field_10_s", "field_10_s": "field_5_s"}[column["name"]]
    for row in swapped.rows:
        row["field_5_s"], row["field_10_s"] = row.get("field_10_s", ""), row["field_5_s"]
    workspace.fake.serve(swapped)
    result = workspace.crawl()
    assert result.code == 0, result.output
    assert workspace.latest_rows()[0]["name_original"] == ["The National Endowment for Democracy"]


def test_a_reworded_column_title_is_still_found(workspace):
    workspace.fake.serve(states.with_column_title(
        load_state(FIRST_DAY), "field_5_s", "Полное наименование иностранной организации"))
    result = workspace.crawl()
    assert result.code == 0, result.output
    assert len(workspace.latest_rows()) == 367


@both_backends
def test_exclusion_then_reinstatement(crawled):
    base = load_state(FIRST_DAY)
    crawled.fake.serve(states.with_exclusion(base, 12))
    result = crawled.crawl()
    assert result.code == 0, result.output
    found = crawled.changes()
    assert [(c["kind"], c["number"], c["field"], c["old"], c["new"]) for c in found] == [
        ("excluded", 12, "status", "listed", "excluded")]
    row = next(r for r in crawled.latest_rows() if r["number"] == 12)
    assert (row["status"], row["excluded_on"], row["exclusion_order"]) == ("excluded", "2026-08-20", "1234-р")
    assert row["last_changed"] == found[0]["detected_at"]

    crawled.fake.serve(base)
    result = crawled.crawl()
    assert result.code == 0, result.output
    kinds = [(c["kind"], c["number"]) for c in crawled.changes()]
    assert kinds == [("excluded", 12), ("reinstated", 12)]


@both_backends
def test_an_edited_name_is_one_modification_of_the_same_entry(crawled):
    base = load_state(FIRST_DAY)
    new_name = "Stichting Bellingcat (Беллингкэт) (Нидерланды)"
    crawled.fake.serve(states.with_name(base, 57, new_name))
    result = crawled.crawl()
    assert result.code == 0, result.output
    found = crawled.changes()
    assert {(c["kind"], c["entry_id"]) for c in found} == {("modified", "ru_minjust_undesirable/57")}
    by_field = {c["field"]: c for c in found}
    assert by_field["name"]["old"] == "Stichting Bellingcat (Нидерланды)"
    assert by_field["name"]["new"] == new_name
    assert by_field["name_ru"]["new"] == "Беллингкэт"


@both_backends
def test_swapped_numbers_are_renumbered_entries_not_add_and_remove(crawled):
    crawled.fake.serve(states.with_numbers_swapped(load_state(FIRST_DAY), 100, 101))
    result = crawled.crawl()
    assert result.code == 0, result.output
    found = crawled.changes()
    assert sorted((c["kind"], c["entry_id"], c["old"], c["new"]) for c in found) == [
        ("renumbered", "ru_minjust_undesirable/100", "100", "101"),
        ("renumbered", "ru_minjust_undesirable/101", "101", "100"),
    ]
    ids = {r["number"]: r["entry_id"] for r in crawled.latest_rows()}
    assert ids[100] == "ru_minjust_undesirable/101" and ids[101] == "ru_minjust_undesirable/100"


@both_backends
def test_a_row_slipped_in_renumbers_the_rest_after_a_second_pull_agrees(crawled):
    base = load_state(FIRST_DAY)
    intruder = dict(base.rows[0], field_5_s="Example Foundation («Пример»), США",
                    field_2_s="28.07.2026", field_3_s="", field_4_s="")
    crawled.fake.serve(states.with_inserted_row(base, 300, intruder))
    held = crawled.crawl()
    assert held.code == 3, held.output
    assert "second pull" in held.stderr
    assert crawled.changes() == []

    agreed = crawled.crawl()
    assert agreed.code == 0, agreed.output
    found = crawled.changes()
    assert [c["kind"] for c in found].count("added") == 1
    assert [c["kind"] for c in found].count("renumbered") == 68  # rows 300…367 became 301…368
    assert {c["kind"] for c in found} == {"added", "renumbered"}
    added = next(c for c in found if c["kind"] == "added")
    assert added["entry_id"] == "ru_minjust_undesirable/300-2"  # 300 stays with its first holder


@both_backends
def test_a_vanished_row_is_reported_only_when_a_second_pull_agrees(crawled):
    before = crawled.fingerprint()
    crawled.fake.serve(states.without_rows(load_state(FIRST_DAY), 200))
    held = crawled.crawl()
    assert held.code == 3, held.output
    assert held.stderr.strip().endswith("1 entry vanished (number 200)")
    assert crawled.fingerprint() == before and crawled.changes() == []

    crawled.fake.serve(load_state(FIRST_DAY))  # the glitch is over: nothing happened
    assert crawled.crawl().code == 0
    assert crawled.changes() == []

    crawled.fake.serve(states.without_rows(load_state(FIRST_DAY), 200))
    assert crawled.crawl().code == 3
    confirmed = crawled.crawl()
    assert confirmed.code == 0, confirmed.output
    assert [(c["kind"], c["number"]) for c in crawled.changes()] == [("removed", 200)]
    assert len(crawled.latest_rows()) == 366


@both_backends
def test_a_drop_of_more_than_5_percent_is_refused(crawled):
    before = crawled.fingerprint()
    crawled.fake.serve(states.without_rows(load_state(FIRST_DAY), *range(1, 40)))
    result = crawled.crawl()
    assert result.code == 1
    assert result.stderr.strip() == ("ru_minjust_undesirable: 328 rows against 367 last time, "
                                     "a drop of more than 5%")
    assert crawled.fingerprint() == before and crawled.changes() == []


@both_backends
def test_an_unchanged_poll_asks_the_database_five_statements_on_one_connection(db_url, tmp_path):
    """A poll is the daemon's most frequent work: counted, so that no new read slips into it."""
    store, state, clock = Store(db_url), load_state(SECOND_DAY), scenes.clock()
    try:
        for _ in range(2):  # the baseline, then the first poll (a new crawl-log row)
            ingest(scenes.pull(state), store, tmp_path, now=next(clock))
        statements: list[str] = []
        checkouts: list[object] = []
        event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2].split()[0]))
        event.listen(store.engine.pool, "checkout", lambda *args: checkouts.append(args[0]))
        assert ingest(scenes.pull(state), store, tmp_path, now=next(clock)).status == "unchanged"
        # replies archived before?, the last snapshot, the hold dropped, the log row extended,
        # every register's last snapshot (the combined export); the lock takes a connection of its own
        assert statements == ["SELECT", "SELECT", "DELETE", "UPDATE", "SELECT"]
        assert len(checkouts) == 1
        with store.engine.connect() as conn:
            assert conn.execute(select(crawl_log.c.outcome, crawl_log.c.polls)).all() == [
                ("baseline", 1), ("unchanged", 2)]
    finally:
        store.close()


def test_a_first_crawl_writes_its_raw_files_before_normalising_a_later_one_after_its_alerts(
        tmp_path, monkeypatch):
    """A first crawl queues no alerts: its compressed replies leave memory before its rows
    become entries (10 MB of a 100 000-row pull). A later crawl's wait until its alerts are queued."""
    from pipelines import crawl

    replies: list[str] = []
    seen: list[tuple[bool, int]] = []  # (every raw/ file written?, compressed replies still held)

    def written() -> bool:
        return all((tmp_path / reply_path(scenes.SOURCE, sha)).is_file() for sha in replies)

    def normalise(run):
        replies.extend(run.replies)
        seen.append((written(), len(run.raw_files)))
        return normalise_rows(run)

    normalise_rows = crawl._normalise
    monkeypatch.setattr(crawl, "_normalise", normalise)
    store, clock = Store(f"sqlite:///{tmp_path / 'regwatch.db'}"), scenes.clock()
    try:
        assert ingest(scenes.pull(load_state(FIRST_DAY)), store, tmp_path, now=next(clock)).status == "baseline"
        assert ingest(scenes.pull(load_state(SECOND_DAY)), store, tmp_path, now=next(clock)).status == "changed"
    finally:
        store.close()
    assert seen == [(True, 0), (False, 2)]  # the second day's /info and /values: both new, both held
    assert written()  # …and written once its alerts were queued


@both_backends
def test_an_unchanged_crawl_rewrites_exports_that_went_missing(crawled):
    (crawled.exports / "latest.json").unlink()
    result = crawled.crawl()
    assert result.code == 0 and "unchanged" in result.stdout
    assert (crawled.exports / "latest.json").exists()
    assert len(list((crawled.exports / "snapshots").glob("*.csv"))) == 1


@both_backends
def test_every_export_is_traceable_to_the_raw_replies_archived(workspace):
    assert workspace.crawl().code == 0
    document = json.loads((workspace.exports / "latest.json").read_text(encoding="utf-8"))
    hashes = document["raw_replies_sha256"]
    assert len(hashes) == 2  # /info and one page of /values
    stored = dict(workspace.query("select sha256, path from raw_replies"))
    snapshot = workspace.query("select replies from snapshots")[0][0]
    assert json.loads(snapshot) == hashes
    assert {sha for (sha,) in workspace.query("select sha256 from raw_bodies")} == set(hashes)
    store = Store(workspace.database_url)
    try:
        for digest in hashes:  # files beside the exports on SQLite; PostgreSQL keeps them in the database
            assert (workspace.data_dir / stored[digest]).is_file() == workspace.database_url.startswith("sqlite")
            body = read_reply(store, workspace.data_dir, "ru_minjust_undesirable", digest)
            assert hashlib.sha256(body).hexdigest() == digest
        values = read_reply(store, workspace.data_dir, "ru_minjust_undesirable", hashes[1])
    finally:
        store.close()
    assert len(json.loads(values)["values"]) == 367


def test_the_user_agent_names_regwatch_and_the_operators_contact(workspace):
    assert workspace.crawl(REGWATCH_CONTACT="monitor@example.org").code == 0
    agents = {r.headers.get("User-Agent") for r in workspace.fake.requests}
    assert len(agents) == 1
    agent = agents.pop()
    assert agent.startswith("regwatch/") and agent.endswith("; monitor@example.org)")

"""`regwatch show`: an entry's history with, for each version, the cells as published and
the snapshot and raw replies it came from."""

from __future__ import annotations

import gzip
import hashlib
import json

from pipelines.storage.raw_archive import read_reply
from pipelines.storage.store import Store
from regwatch.fakes.states import with_exclusion
from tests.conftest import FIRST_DAY, load_state


def test_show_traces_every_version_to_the_bytes_it_came_from(workspace):
    assert workspace.regwatch("crawl", "--via", "xlsx").code == 0
    workspace.fake.serve(with_exclusion(load_state(FIRST_DAY), 57))
    assert workspace.crawl().code == 0

    result = workspace.regwatch("show", "ru_minjust_undesirable/57", "--json")
    assert result.code == 0, result.output
    record = json.loads(result.stdout)
    assert record["entry"]["status"] == "excluded" and record["present"] is True
    first, second = record["versions"]
    assert first["published"]["name"] == "Stichting Bellingcat (Нидерланды)"
    assert first["published"]["status"] == "Включена" and second["published"]["status"] == "Исключена"
    assert first["source"]["channel"] == "xlsx"
    assert first["source"]["source_data_date"] == "2026-07-29T17:28:00"
    assert second["source"]["channel"] == "api"
    assert [r["url"].rsplit("/", 1)[-1] for r in second["source"]["raw_replies"]] == ["info", "values"]
    store = Store(workspace.database_url)
    try:  # each kept reply (a file on SQLite, in the database on PostgreSQL) holds exactly the bytes named
        for version in record["versions"]:
            for reply in version["source"]["raw_replies"]:
                body = read_reply(store, workspace.data_dir, "ru_minjust_undesirable", reply["sha256"])
                assert hashlib.sha256(body).hexdigest() == reply["sha256"]
                assert len(body) == reply["size"]
                if reply["path"]:  # the file beside the data, where there is one, holds them too
                    assert gzip.decompress((workspace.data_dir / reply["path"]).read_bytes()) == body
    finally:
        store.close()
    assert [(c["kind"], c["field"]) for c in record["changes"]] == [("excluded", "status")]

    text = workspace.regwatch("show", "ru_minjust_undesirable/57").stdout
    assert "version 1" in text and "version 2" in text
    assert "xlsx channel" in text and "api channel" in text
    assert "exclusion_order: 1234-р" in text and second["source"]["raw_replies"][1]["sha256"] in text


def test_show_an_unknown_entry(crawled):
    result = crawled.regwatch("show", "ru_minjust_undesirable/99999")
    assert result.code == 1
    assert "no entry 'ru_minjust_undesirable/99999'" in result.stderr


def test_show_takes_the_bare_number_for_the_default_register(crawled):
    bare = crawled.regwatch("show", "32", "--json")
    assert bare.code == 0, bare.output
    assert json.loads(bare.stdout)["entry"]["entry_id"] == "ru_minjust_undesirable/32"
    assert bare.stdout == crawled.regwatch("show", "ru_minjust_undesirable/32", "--json").stdout
    missing = crawled.regwatch("show", "99999")
    assert missing.code == 1 and "no entry 'ru_minjust_undesirable/99999'" in missing.stderr

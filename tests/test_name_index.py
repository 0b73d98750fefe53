"""The name index beside the data (pipelines/publish/name_index.py): written when a crawl
stores a snapshot, read by `regwatch check` without the database's entries, and only a
cache: missing, stale or tampered with, the check answers the same from the database."""

from __future__ import annotations

import json
import pickle
import shutil
from dataclasses import replace

import pytest

from pipelines.matching.registers import Register
from pipelines.publish import name_index
from pipelines.register.models import PERSON
from pipelines.storage.store import Store
from tests.conftest import Workspace
from tests.test_check import ENTRIES, labelled

SOURCE = "ru_minjust_undesirable"
QUERIES = ["Bellingcat", "Фонд «Свободная Россия»", "OMCT", "Ingénieurs Sans Frontières", "Медузу", "FIDH"]


def shown(entry):
    return replace(entry, raw=())  # the published cells are not stored in the index


def answers(register: Register, queries: list[str]) -> list[tuple]:
    found = []
    for query in queries:
        answer = register.check(query)
        verdict = answer.verdict
        found.append((answer.word, answer.rule, [shown(f.entry) for f in answer.found],
                      None if verdict is None else (verdict.listed, verdict.rule, str(verdict.explanation),
                                                    [(shown(c.entry), c.score, c.matched_on, c.how, c.rule)
                                                     for c in verdict.matches])))
    return found


def stored_and_back(register: Register, tmp_path) -> Register | None:
    stamp = {"snapshot_id": 1, "snapshot_taken_at": "2026-08-14T10:00:00+00:00", "aliases": 0, "code": "x"}
    name_index.write_index(tmp_path, register, stamp)
    return name_index.read_index(tmp_path, register.source, stamp)


def test_a_stored_register_answers_every_labelled_query_as_the_one_built(tmp_path):
    built = name_index.build_register(SOURCE, ENTRIES, {"ru_minjust_undesirable/57": [("BC", "https://x.example/a")]})
    restored = stored_and_back(built, tmp_path)
    assert restored is not None and len(restored.names) == len(built.names)
    queries = [row["query"] for row in labelled()] + QUERIES + ["BC"]
    assert answers(restored, queries) == answers(built, queries)
    assert restored.check("BC").verdict.matches[0].alias_source == "https://x.example/a"
    # the published cells stay in the database: a check never shows them
    assert all(entry.raw == () for entry in restored.entries) and any(entry.raw for entry in ENTRIES)


def test_people_and_identifiers_come_back_too(tmp_path):
    from tests.test_minjust_json_registers import FOREIGN_AGENTS, entries_of

    entries = [replace(e, entry_id=f"{FOREIGN_AGENTS.source}/{e.number}")
               for e in entries_of(FOREIGN_AGENTS, FOREIGN_AGENTS.second).values()]
    built = name_index.build_register(FOREIGN_AGENTS.source, entries, {})
    restored = stored_and_back(built, tmp_path)
    person = next(e for e in entries if e.entity_type == PERSON and e.given_name)
    inn = next(e for e in entries if e.identifiers)
    queries = [f"{person.given_name} {person.surname}", f"ИНН {inn.identifiers[0][1]}", "Meduza", "nobody at all"]
    assert answers(restored, queries) == answers(built, queries)
    assert answers(restored, queries[:1])[0][0] == "listed"


def test_a_stale_or_foreign_file_is_not_read(tmp_path):
    built = name_index.build_register(SOURCE, ENTRIES[:20], {})
    stamp = {"snapshot_id": 1, "snapshot_taken_at": "t", "aliases": 0, "code": name_index.code_stamp()}
    path = name_index.write_index(tmp_path, built, stamp)
    assert name_index.read_index(tmp_path, SOURCE, stamp) is not None
    assert name_index.read_index(tmp_path, SOURCE, {**stamp, "snapshot_id": 2}) is None  # a newer snapshot
    assert name_index.read_index(tmp_path, SOURCE, {**stamp, "aliases": 1}) is None  # a new alias
    # an object that would run code when unpickled is refused, and never run
    header = path.read_bytes().split(b"\n", 2)
    ran = tmp_path / "ran"
    path.write_bytes(b"\n".join(header[:2]) + b"\n" + pickle.dumps(_Runs(str(ran))))
    assert name_index.read_index(tmp_path, SOURCE, stamp) is None and not ran.exists()
    path.write_bytes(b"\n".join(header[:2]) + b"\n" + b"torn")
    assert name_index.read_index(tmp_path, SOURCE, stamp) is None


class _Runs:
    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self):
        return (open, (self.target, "w"))


@pytest.fixture
def crawled_dir(baseline_dir, tmp_path, fake):
    data_dir = tmp_path / "out"
    shutil.copytree(baseline_dir, data_dir)
    return Workspace(fake, data_dir)


def test_a_crawl_writes_the_index_and_a_check_answers_the_same_without_it(crawled_dir):
    path = name_index.index_path(crawled_dir.data_dir, SOURCE)
    stamp = name_index.read_stamp(path)
    store = Store(crawled_dir.database_url)
    try:
        assert stamp == name_index.store_facts(store, [SOURCE]).stamp(SOURCE)
    finally:
        store.close()
    asked = [crawled_dir.regwatch("check", "--json", query) for query in ("Bellingcat", "Nobody Foundation")]
    assert [a.code for a in asked] == [0, 1]
    written = path.read_bytes()
    path.unlink()  # missing: built from the database, the same answers, and written again
    assert [crawled_dir.regwatch("check", "--json", q) for q in ("Bellingcat", "Nobody Foundation")] == asked
    assert name_index.read_stamp(path) == stamp
    # stale (another snapshot's): the same
    header, line, data = written.split(b"\n", 2)
    path.write_bytes(header + b"\n" + json.dumps({**stamp, "snapshot_id": 0}).encode() + b"\n" + data)
    assert crawled_dir.regwatch("check", "--json", "Bellingcat") == asked[0]


def test_export_repair_rebuilds_a_lost_index(crawled_dir):
    path = name_index.index_path(crawled_dir.data_dir, SOURCE)
    path.unlink()
    repaired = crawled_dir.regwatch("export", "--repair")
    assert repaired.code == 0 and f"{SOURCE}.index" in repaired.stdout, repaired.output
    assert path.is_file()


def test_a_big_register_leaves_its_index_to_the_first_check(crawled_dir, monkeypatch):
    from pipelines.publish import sync

    path = name_index.index_path(crawled_dir.data_dir, SOURCE)
    path.unlink()
    store = Store(crawled_dir.database_url)
    try:
        current = store.current_entries(SOURCE)
        # a crawl's own publish (the alerts not yet sent) builds no index
        assert sync.publish(store, crawled_dir.data_dir, SOURCE, current=current, xlsx=False).rebuilt == []
        monkeypatch.setattr(sync, "AFTER_ALERTS_MAX", len(current) - 1)  # the build would hold up the crawl
        assert sync.publish_after_alerts(store, crawled_dir.data_dir, SOURCE).rebuilt == []
        monkeypatch.setattr(sync, "AFTER_ALERTS_MAX", len(current))
        assert f"../{name_index.FOLDER}/{SOURCE}.index" in sync.publish_after_alerts(
            store, crawled_dir.data_dir, SOURCE).rebuilt
        path.unlink()
    finally:
        store.close()
    assert crawled_dir.regwatch("check", "--json", "Bellingcat").code == 0
    assert path.is_file()  # the check built it, and kept it

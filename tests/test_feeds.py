"""The change feeds (pipelines/feeds.py) after real crawls of the local fake service: the
change files replay to latest.json, the index lists the good crawls only, and
changes.atom is valid RFC 4287 with ids that never move."""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from pipelines.publish import feeds
from pipelines.publish.dictionary import CHANGE_COLUMNS
from regwatch.fakes import states
from regwatch.fakes.minjust import State
from tests import scenes
from tests.conftest import (
    FIRST_DAY,
    SECOND_DAY,
    Workspace,
    load_state,
    make_env,
    run_regwatch,
)

SOURCE = "ru_minjust_undesirable"
NAMED = 57  # the row renamed to a name that XML must escape
TRICKY_NAME = 'Фонд «Свобода» "Free <Press> & Co" (США)'
ATOM_NS = {"a": feeds.ATOM}
ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).parent / "data" / "atom.rng")))
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
# RFC 4151: tag:<DNS name or e-mail>,<date>:<specific>, the specific part URI characters only.
TAG_URI = re.compile(r"tag:[A-Za-z0-9.@-]+,\d{4}(-\d{2}){0,2}:[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")


# --- what RFC 4287 requires -----------------------------------------------------------------

def atom_problems(document: bytes) -> list[str]:
    """Why `document` is not an RFC 4287 feed ([] if it is): the RFC's own RELAX NG schema,
    its Schematron rules (libxml2 skips them) and rules the RFC states only in prose."""
    root = etree.fromstring(document)
    if not ATOM_SCHEMA.validate(root):
        return [str(error) for error in ATOM_SCHEMA.error_log]
    entries = root.findall("a:entry", ATOM_NS)
    ids = [element.findtext("a:id", namespaces=ATOM_NS) for element in [root, *entries]]
    problems = [f"id used twice: {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    problems += [f"id is not an absolute IRI: {i!r}" for i in ids if not IRI.fullmatch(i)]
    dates = root.findall(".//a:updated", ATOM_NS) + root.findall(".//a:published", ATOM_NS)
    problems += [f"not an RFC 3339 date: {d.text!r}" for d in dates
                 if not RFC3339.fullmatch(d.text)]
    if root.find("a:author", ATOM_NS) is None:
        problems += ["an entry without an author in a feed without one"
                     for e in entries if e.find("a:author", ATOM_NS) is None]
    problems += [f"entry {e.findtext('a:id', namespaces=ATOM_NS)}: no content, no alternate link"
                 for e in entries if e.find("a:content", ATOM_NS) is None
                 and not e.xpath("a:link[@rel='alternate' or not(@rel)]", namespaces=ATOM_NS)]
    return problems


def atom_entries(document: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(document)
    return {e.findtext("a:id", namespaces=ATOM_NS): e for e in root.findall("a:entry", ATOM_NS)}


# --- one data directory taken through every kind of crawl ---------------------------------

@dataclass
class Step:
    label: str
    code: int
    files: int  # change files listed in the index after the step
    latest: list[dict]
    replayed: list[dict]
    atom: bytes


@dataclass
class History:
    data_dir: Path
    steps: list[Step]

    @property
    def folder(self) -> Path:
        return self.data_dir / SOURCE / feeds.FEED_FOLDER

    def step(self, label: str) -> Step:
        return next(s for s in self.steps if s.label == label)

    def documents(self) -> list[dict]:
        index = feeds.read_index(self.folder)
        return [json.loads((self.folder / row["file"]).read_text(encoding="utf-8"))
                for row in index["files"]]


def reformatted(state: State, number: int) -> State:
    """The same register, one name published with extra spaces: a change of form only."""
    new = State(state.info, copy.deepcopy(state.rows), state.export)
    row = next(r for r in new.rows if r["field_1_i"] == number)
    row["field_5_s"] = "  " + row["field_5_s"].replace(" ", "  ") + " "
    return new


def crawl_plan() -> list[tuple[str, State, int]]:
    """(label, state served, expected exit status), in order."""
    first, second = load_state(FIRST_DAY), load_state(SECOND_DAY)
    excluded = states.with_exclusion(second, 12)
    renamed = states.with_name(excluded, NAMED, TRICKY_NAME)
    swapped = states.with_numbers_swapped(renamed, 100, 101)
    vanished = states.without_rows(swapped, 200)
    spaced = reformatted(swapped, 5)
    return [("baseline", first, 0), ("added", second, 0), ("excluded", excluded, 0),
            ("renamed", renamed, 0), ("renumbered", swapped, 0), ("held", vanished, 3),
            ("removed", vanished, 0), ("reinstated", swapped, 0), ("form only", spaced, 0),
            ("unchanged", spaced, 0), ("refused", states.without_rows(spaced, *range(1, 40)), 1)]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> History:
    """The crawls built in process (tests/scenes.py): what each one leaves is the subject
    here; the real crawls are the last tests'."""
    data_dir = tmp_path_factory.mktemp("feeds") / "out"
    exports, steps = data_dir / SOURCE, []
    for (label, state, code), now in zip(crawl_plan(), scenes.clock()):
        (outcome,) = scenes.crawl(data_dir, scenes.pull(state), now=now)
        assert scenes.exit_status(outcome) == code, f"{label}: {outcome.message}"
        latest = json.loads((exports / "latest.json").read_text(encoding="utf-8"))["entries"]
        folder = exports / feeds.FEED_FOLDER
        steps.append(Step(label, code, len(feeds.read_index(folder)["files"]), latest,
                          feeds.replay(folder), (exports / feeds.ATOM_FILE).read_bytes()))
    return History(data_dir, steps)


# --- the JSON change files ----------------------------------------------------------------

def test_replaying_the_change_files_rebuilds_latest_json_after_every_crawl(history):
    for step in history.steps:
        assert len(step.replayed) == len(step.latest), step.label
        assert step.replayed == step.latest, step.label


def test_only_good_crawls_write_a_change_file_each_chained_to_the_one_before(history):
    # A held or refused crawl writes no file.
    assert [s.files for s in history.steps] == [1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 9]
    index = feeds.read_index(history.folder)
    assert index["source"] == SOURCE
    names = [row["file"] for row in index["files"]]
    assert names == sorted(names)
    assert all(re.fullmatch(r"\d{8}T\d{6}Z(_\d+)?\.json", name) for name in names)
    documents = history.documents()
    assert [d["previous"] for d in documents] == [None, *names[:-1]]
    assert [d["outcome"] for d in documents] == ["baseline"] + ["changed"] * 7 + ["unchanged"]
    for row, document in zip(index["files"], documents):
        assert row["crawled_at"] == document["crawled_at"] and row["outcome"] == document["outcome"]
        assert row["changes"] == len(document["changes"])
        assert set(document) == {"source", "crawled_at", "outcome", "snapshot_taken_at",
                                 "snapshot_id", "previous", "changes"}


def test_the_first_file_lists_every_entry_as_a_baseline_change(history):
    first = history.documents()[0]
    assert len(first["changes"]) == 367
    assert {c["kind"] for c in first["changes"]} == {"baseline"}
    assert all(set(c) == {*CHANGE_COLUMNS, "entry"} for c in first["changes"])
    assert [c["entry"] for c in first["changes"]] == history.step("baseline").latest
    assert first["snapshot_taken_at"] == first["crawled_at"]
    assert {c["detected_at"] for c in first["changes"]} == {first["crawled_at"]}


def test_the_change_files_hold_exactly_the_changes_the_cli_reports(history):
    env = make_env("http://127.0.0.1:9", history.data_dir)  # no crawl: the service is not asked
    reported = json.loads(run_regwatch(["changes", "--format", "json"], env).stdout)
    listed = [{k: v for k, v in c.items() if k != "entry"}
              for d in history.documents() for c in d["changes"] if c["kind"] != "baseline"]
    assert listed == reported
    kinds = [sorted({c["kind"] for c in d["changes"]}) for d in history.documents()[1:]]
    assert kinds == [["added"], ["excluded"], ["modified"], ["renumbered"], ["removed"],
                     ["reinstated"], [], []]


def test_a_change_carries_the_entry_as_it_stands_after_it(history):
    documents = history.documents()
    added = documents[1]["changes"]
    assert [c["number"] for c in added] == list(range(368, 391))
    latest = {e["entry_id"]: e for e in history.step("added").latest}
    assert all(c["entry"] == latest[c["entry_id"]] for c in added)
    renamed = {c["field"]: c for c in documents[3]["changes"]}
    assert renamed["name"]["new"] == TRICKY_NAME
    assert renamed["name"]["entry"]["name"] == TRICKY_NAME
    assert renamed["name"]["entry"]["last_changed"] == renamed["name"]["detected_at"]
    (removed,) = documents[5]["changes"]
    assert (removed["number"], removed["entry"]) == (200, None)
    (back,) = documents[6]["changes"]
    assert (back["kind"], back["entry_id"], back["entry"]["status"]) == (
        "reinstated", removed["entry_id"], "listed")


def test_a_change_of_form_only_is_an_empty_file_and_moves_no_field(history):
    before = history.step("reinstated").latest
    after = history.step("form only").latest
    assert after == before  # last_changed and every exported field as they were
    form_only = history.documents()[7]
    assert (form_only["outcome"], form_only["changes"]) == ("changed", [])
    assert form_only["snapshot_taken_at"] == form_only["crawled_at"]  # a new snapshot was stored


def test_an_unchanged_crawl_writes_an_empty_file_naming_the_snapshot_shown(history):
    form_only, unchanged = history.documents()[7:9]
    assert (unchanged["outcome"], unchanged["changes"]) == ("unchanged", [])
    assert unchanged["snapshot_taken_at"] == form_only["snapshot_taken_at"]
    assert unchanged["crawled_at"] >= form_only["crawled_at"]  # whole seconds: may be equal


def test_two_crawls_in_one_second_keep_both_files(history, tmp_path):
    data_dir = tmp_path / "out"
    shutil.copytree(history.data_dir, data_dir, ignore=shutil.ignore_patterns("raw", "*.db"))
    last = history.documents()[-1]
    feeds.write_feeds(data_dir, SOURCE, "unchanged", last["crawled_at"],
                      last["snapshot_taken_at"], [], [])
    rows = feeds.read_index(data_dir / SOURCE / feeds.FEED_FOLDER)["files"]
    assert rows[-1]["file"] == rows[-2]["file"].replace(".json", "_2.json")
    assert feeds.feed_file_name("2026-08-14T10:15:00+00:00", {"20260814T101500Z.json",
                                                               "20260814T101500Z_2.json"}) \
        == "20260814T101500Z_3.json"


def test_an_index_torn_by_a_crash_is_made_again_from_the_change_files(history, tmp_path):
    # the index is not flushed to disk before it replaces the old one: a crash of the machine may tear it
    folder = tmp_path / SOURCE / feeds.FEED_FOLDER
    shutil.copytree(history.folder, folder)
    written = feeds.read_index(folder)
    assert feeds.index_of_files(folder) == written
    index = folder / feeds.INDEX_FILE
    index.write_bytes(index.read_bytes()[:len(index.read_bytes()) // 2])
    assert feeds.read_index(folder, SOURCE) == written
    last = history.documents()[-1]  # and the next crawl's file is listed after them
    feeds.write_feeds(tmp_path, SOURCE, "unchanged", last["crawled_at"], last["snapshot_taken_at"], [], [])
    assert feeds.read_index(folder)["files"][:-1] == written["files"]


def test_a_row_spliced_into_the_index_gives_the_file_written_whole(history, tmp_path):
    # a crawl adds its row to the index's bytes; a torn index is read and written whole: same file
    spliced, whole = tmp_path / "spliced", tmp_path / "whole"
    for data_dir in (spliced, whole):
        shutil.copytree(history.folder, data_dir / SOURCE / feeds.FEED_FOLDER)
    (whole / SOURCE / feeds.FEED_FOLDER / feeds.INDEX_FILE).write_bytes(b'{"source": "torn')
    taken_at = history.documents()[-1]["snapshot_taken_at"]
    for data_dir in (spliced, whole):
        for crawled_at in ("2027-09-01T10:00:00+00:00", "2027-09-01T10:00:00+00:00", "2027-09-01T10:00:30+00:00"):
            feeds.write_feeds(data_dir, SOURCE, "unchanged", crawled_at, taken_at, [], [])
    folders = [data_dir / SOURCE / feeds.FEED_FOLDER for data_dir in (spliced, whole)]
    assert (folders[0] / feeds.INDEX_FILE).read_bytes() == (folders[1] / feeds.INDEX_FILE).read_bytes()
    index = feeds.read_index(folders[0])
    assert index == feeds.index_of_files(folders[0])
    assert [row["file"] for row in index["files"][-3:]] == [
        "20270901T100000Z.json", "20270901T100000Z_2.json", "20270901T100030Z.json"]  # the second in one second: _2
    assert feeds.last_index_row(folders[0]) == index["files"][-1]
    assert feeds.last_index_row(tmp_path) is None  # no index: read whole by the caller


def test_a_data_dir_without_a_feed_starts_one_with_the_whole_register(crawled):
    shutil.rmtree(crawled.exports / feeds.FEED_FOLDER)
    (crawled.exports / feeds.ATOM_FILE).unlink()
    result = crawled.crawl()
    assert result.code == 0 and "unchanged" in result.stdout, result.output
    folder = crawled.exports / feeds.FEED_FOLDER
    (row,) = feeds.read_index(folder)["files"]
    assert (row["outcome"], row["changes"]) == ("unchanged", 367)
    assert feeds.replay(folder) == crawled.latest_rows()
    assert atom_problems((crawled.exports / feeds.ATOM_FILE).read_bytes()) == []


# --- the Atom feed ------------------------------------------------------------------------

def test_the_atom_feed_is_valid_rfc_4287_after_every_crawl(history):
    for step in history.steps:
        assert atom_problems(step.atom) == [], step.label


def test_the_atom_feed_lists_every_change_newest_first_under_ids_that_never_move(history):
    final = atom_entries(history.steps[-1].atom)
    reported = sum(len(d["changes"]) for d in history.documents()[1:])
    assert len(final) == 1 + reported  # the baseline is one entry
    for step in history.steps:
        earlier = atom_entries(step.atom)
        assert earlier.keys() <= final.keys(), step.label
        for atom_id, entry in earlier.items():
            assert etree.tostring(entry) == etree.tostring(final[atom_id]), (step.label, atom_id)
    assert all(TAG_URI.fullmatch(atom_id) for atom_id in final)
    updated = [e.findtext("a:updated", namespaces=ATOM_NS) for e in final.values()]
    assert updated == sorted(updated, reverse=True)
    root = etree.fromstring(history.steps[-1].atom)
    assert root.findtext("a:updated", namespaces=ATOM_NS) == updated[0]


def test_an_atom_entry_names_the_change_and_links_to_the_official_source(history):
    entries = atom_entries(history.steps[-1].atom).values()
    titles = [e.findtext("a:title", namespaces=ATOM_NS) for e in entries]
    renamed = next(e for e, t in zip(entries, titles) if t.startswith("Modified (name)"))
    title = renamed.findtext("a:title", namespaces=ATOM_NS)
    assert title == f"Modified (name): №{NAMED} {TRICKY_NAME}"
    content = renamed.find("a:content", ATOM_NS)
    assert content.get("type") == "text"
    assert "name: Stichting Bellingcat (Нидерланды) → " + TRICKY_NAME in content.text
    link = renamed.find("a:link", ATOM_NS)
    assert link.get("rel") == "alternate"
    assert link.get("href") == history.step("renamed").latest[NAMED - 1]["source_url"]
    assert link.get("href").endswith("/#/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df")
    assert titles[-1] == "Baseline: 367 entries"
    assert any(t.startswith("Removed: №200 ") for t in titles)


def test_an_atom_id_names_the_change_and_the_crawl_that_found_it():
    change = {"entry_id": f"{SOURCE}/57", "kind": "modified", "field": "name"}
    first = feeds.atom_id(SOURCE, "20260814T101500Z", change)
    assert first == (f"tag:regwatch,2026:{SOURCE}:{SOURCE}/57:modified:name:20260814T101500Z")
    assert first == feeds.atom_id(SOURCE, "20260814T101500Z", dict(change))
    assert first != feeds.atom_id(SOURCE, "20260814T101500Z_2", change)  # next crawl, same second
    assert first != feeds.atom_id(SOURCE, "20260901T080000Z", change)  # the name changed again


def test_the_validator_rejects_a_broken_feed(history):
    good = history.steps[-1].atom

    def broken(xpath: str, change) -> bytes:
        root = etree.fromstring(good)
        change(root.xpath(xpath, namespaces=ATOM_NS)[0])
        return etree.tostring(root)

    def set_text(text: str):
        return lambda element: setattr(element, "text", text)

    remove = lambda element: element.getparent().remove(element)  # noqa: E731
    first_id = etree.fromstring(good).findtext("a:entry/a:id", namespaces=ATOM_NS)
    assert atom_problems(good) == []
    assert atom_problems(broken("/a:feed/a:entry[1]/a:id", remove))  # an entry without an id
    assert atom_problems(broken("/a:feed/a:title", remove))
    assert atom_problems(broken("/a:feed/a:entry[2]/a:id", set_text(first_id)))  # ids not unique
    assert atom_problems(broken("/a:feed/a:entry[1]/a:updated", set_text("2026-08-14T10:15:00")))
    assert atom_problems(broken("/a:feed/a:entry[1]/a:updated", set_text("14.08.2026")))
    assert atom_problems(broken("/a:feed/a:author", remove))
    assert atom_problems(broken("/a:feed/a:entry[1]/a:id", set_text("not an iri")))


def test_feedparser_reads_the_feed_as_atom(history):
    feedparser = pytest.importorskip("feedparser")
    parsed = feedparser.parse(history.steps[-1].atom)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(atom_entries(history.steps[-1].atom))
    assert any(e.title == f"Modified (name): №{NAMED} {TRICKY_NAME}" for e in parsed.entries)


def test_the_atom_feed_keeps_the_latest_200_changes_and_drops_what_xml_cannot_carry():
    def change(number: int, detected_at: str, name: str = "Fund") -> dict:
        return {"detected_at": detected_at, "kind": "added", "entry_id": f"{SOURCE}/{number}",
                "number": number, "name": name, "field": "", "old": "", "new": "listed",
                "entry": {"entry_id": f"{SOURCE}/{number}", "number": number, "name": name,
                          "status": "listed", "source_url": "https://example.org/register"}}

    newer = {"changes": [change(n, "2026-08-14T10:15:00+00:00") for n in range(400, 550)]}
    older = {"changes": [change(n, "2026-08-01T09:00:00+00:00") for n in range(300, 400)]}
    recent = feeds.recent_changes([("20260814T101500Z", newer), ("20260801T090000Z", older)])
    assert len(recent) == feeds.ATOM_LIMIT
    assert [c["number"] for _, c in recent] == [*range(400, 550), *range(300, 350)]

    odd = change(1, "2026-08-14T10:15:00+00:00", name="Bad\x0bname\x00 <&>")
    document = feeds.atom_feed(SOURCE, [("20260814T101500Z", odd)], "2026-08-14T10:15:00+00:00")
    assert atom_problems(document) == []
    (entry,) = atom_entries(document).values()
    assert entry.findtext("a:title", namespaces=ATOM_NS) == "Added: №1 Badname <&>"
    updated = datetime.fromisoformat(entry.findtext("a:updated", namespaces=ATOM_NS))
    assert updated.tzinfo is not None


def test_a_new_database_on_an_old_data_dir_is_refused_and_the_feed_kept(history, fake, tmp_path):
    # It used to start a new baseline, and a replay afresh, beside the old feed: a lost
    # database is now refused (tests/test_cli.py has the message and the way forward).
    data_dir = tmp_path / "out"
    shutil.copytree(history.data_dir, data_dir, ignore=shutil.ignore_patterns("raw", "*.db"))
    workspace = Workspace(fake, data_dir)
    before = workspace.fingerprint()
    result = workspace.crawl()
    assert result.code == 1 and "does not exist" in result.stderr, result.output
    assert workspace.fingerprint() == before and fake.requests == []
    assert feeds.replay(workspace.exports / feeds.FEED_FOLDER) == workspace.latest_rows()

"""`regwatch reparse`: the history rebuilt from the raw replies on disk, in one transaction."""

from __future__ import annotations

import dataclasses
import io
import shutil
import zipfile
from pathlib import Path

import pytest

import pipelines.register.normalise
from pipelines.publish import latest_xlsx
from pipelines.publish.feeds import replay
from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from regwatch.cli.reparse import reparse
from regwatch.fakes.states import with_exclusion
from tests import scenes
from tests.conftest import FIRST_DAY, FIXTURES, SECOND_DAY, Workspace, load_state


def unzipped(files: dict[str, bytes]) -> dict[str, object]:
    """The export files, the XLSX by its members' contents (its zip stamps the write time)."""
    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return {name: book.read(name) for name in book.namelist()}
    return {name: members(data) if name.endswith(".xlsx") else data for name, data in files.items()}


@pytest.fixture(scope="module")
def history_dir(tmp_path_factory) -> Path:
    """Three archived pages, then the service (its additions over two years stored at
    once), the XLSX, an exclusion: a data directory built once in process (tests/scenes.py:
    what reparse reads is the replies kept, not how they came) and copied for each test."""
    data_dir = tmp_path_factory.mktemp("history") / "out"
    times = scenes.clock()
    pulls = [[scenes.archived_copy(page) for page in sorted((FIXTURES / "html").glob("*.html"))],
             [scenes.pull(load_state(FIRST_DAY))], [scenes.pull(load_state(SECOND_DAY), via="xlsx")],
             [scenes.pull(with_exclusion(load_state(SECOND_DAY), 57))]]
    for crawl in pulls:
        assert all(o.ok for o in scenes.crawl(data_dir, *crawl, now=next(times)))
    latest_xlsx.refresh(data_dir, "ru_minjust_undesirable")  # as the first download makes it
    return data_dir


@pytest.fixture
def workspace(fake, tmp_path, history_dir) -> Workspace:
    """A workspace holding that history."""
    shutil.copytree(history_dir, tmp_path / "out")
    return Workspace(fake, tmp_path / "out")


def test_an_unchanged_parser_rebuilds_the_same_history(workspace):
    before = workspace.fingerprint(), workspace.changes()
    result = workspace.regwatch("reparse")
    assert result.code == 0, result.output
    assert "history rebuilt: 0 changes new, 0 gone, 0 entries read differently now" in result.stdout
    assert workspace.changes() == before[1]
    assert unzipped(workspace.fingerprint()) == unzipped(before[0])


def test_a_changed_normaliser_rebuilds_exactly_the_affected_rows(workspace, monkeypatch):
    store = Store(DataConfig.from_env(workspace.env).database_url)
    german = {e.entry_id for e in store.current_entries("ru_minjust_undesirable")
              if e.country_code == "DE"}
    changes_before = store.changes("ru_minjust_undesirable")
    real_split = pipelines.register.normalise.split_name

    def split_without_germany(name):  # "a fix": German organisations get another code
        parts = real_split(name)
        return dataclasses.replace(parts, country_code="XD") if parts.country_code == "DE" else parts

    monkeypatch.setattr(pipelines.register.normalise, "split_name", split_without_germany)
    delta = reparse(store, workspace.data_dir, "ru_minjust_undesirable")
    assert set(delta.entries_changed) == german and len(german) > 20
    # Row 12 gained its country between the 2024 page and the service: that one change
    # of its history now reads '' → XD instead of '' → DE. Nothing else moved.
    moved = delta.new_changes + delta.dropped_changes
    assert {(c.entry_id, c.field, c.new) for c in moved} == {
        ("ru_minjust_undesirable/12", "country_code", "XD"), ("ru_minjust_undesirable/12", "country_code", "DE")}
    after = store.current_entries("ru_minjust_undesirable")
    assert {e.entry_id for e in after if e.country_code == "XD"} == german
    assert len(store.changes("ru_minjust_undesirable")) == len(changes_before)
    assert ",XD," in (workspace.exports / "latest.csv").read_text(encoding="utf-8")
    assert replay(workspace.exports / "changes") == workspace.latest_rows()  # the feed follows
    store.close()


def test_a_missing_raw_reply_changes_nothing(workspace):
    # gone from the table and the folder
    sha256, path = workspace.query("select sha256, path from raw_replies where url like '%/export'")[0]
    workspace.query("delete from raw_bodies where sha256 = :sha256", sha256=sha256)
    (workspace.data_dir / path).unlink()
    before = workspace.tables(), workspace.fingerprint()
    result = workspace.regwatch("reparse")
    assert result.code == 1
    assert "FileNotFoundError" in result.stderr and "nothing was changed" in result.stderr
    assert (workspace.tables(), workspace.fingerprint()) == before

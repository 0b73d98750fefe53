"""regwatch.frame() and regwatch.changes_frame(): the stored data as pandas DataFrames."""

from __future__ import annotations

import pandas as pd
import pytest

import regwatch
from regwatch.notebook import NoData
from tests.conftest import SECOND_DAY, load_state


@pytest.fixture
def two_states(crawled):
    crawled.fake.serve(load_state(SECOND_DAY))
    assert crawled.crawl().code == 0, "second crawl"
    return crawled


def stored_in(workspace) -> dict:
    """Where the notebook reads: the data folder and its database (SQLite or PostgreSQL)."""
    return {"data_dir": workspace.data_dir, "database_url": workspace.database_url}


def test_frame_now_matches_latest_json(two_states):
    df = regwatch.frame("ru_minjust_undesirable", **stored_in(two_states))
    latest = two_states.latest_rows()
    assert len(df) == len(latest)
    assert list(df["entry_id"]) == sorted((r["entry_id"] for r in latest),
                                          key=lambda i: int(i.rsplit("/", 1)[1]))
    assert pd.api.types.is_datetime64_any_dtype(df["listed_on"])
    first = next(r for r in latest if r["number"] == df["number"][0])
    assert df["listed_on"][0] == pd.Timestamp(first["listed_on"])
    assert isinstance(df["name_ru"][0], list)


def test_frame_at_a_day_and_as_seen(two_states):
    """On the first recorded day the register officially stood without the 23 later
    additions; as seen that day it was the first snapshot, if it was taken by then."""
    now = regwatch.frame("ru_minjust_undesirable", **stored_in(two_states))
    newest = now["listed_on"].max()
    before = regwatch.frame("ru_minjust_undesirable", at=(newest - pd.Timedelta(days=1)).date(),
                            **stored_in(two_states))
    assert len(before) < len(now)
    assert (before["listed_on"] < newest).all()
    today = pd.Timestamp.now(tz="UTC").date()
    seen = regwatch.frame("ru_minjust_undesirable", at=today, as_seen=True, **stored_in(two_states))
    assert set(seen["entry_id"]) == set(now["entry_id"])
    with pytest.raises(NoData, match="no snapshot taken by 2000-01-01"):
        regwatch.frame("ru_minjust_undesirable", at="2000-01-01", as_seen=True, **stored_in(two_states))


def test_changes_frame(two_states):
    df = regwatch.changes_frame("ru_minjust_undesirable", **stored_in(two_states))
    assert (df["kind"] == "added").sum() == 23
    assert pd.api.types.is_datetime64_any_dtype(df["detected_at"])


def test_clear_errors_and_nothing_created(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NoData, match="no database"):
        regwatch.frame(data_dir=empty)
    assert list(empty.iterdir()) == []
    with pytest.raises(KeyError, match="unknown source"):
        regwatch.frame("no_such_register", data_dir=empty)
    with pytest.raises(ValueError, match="as_seen=True needs a day"):
        regwatch.frame(as_seen=True, data_dir=empty)

"""Implausible replies, through the real crawl path against the local fake: a cell or a
reply too big to be the register, and dates no row of it can have. Each is refused
with one line naming the source, the row and the field; nothing is stored as current,
and the next good crawl goes on as if the bad one had never come."""

from __future__ import annotations

import json

import pytest

from pipelines.alerts.compose import MAX_VALUE_CHARS, Selection, compose, cut
from pipelines.crawl import UNCHANGED
from pipelines.register.models import ADDED, MODIFIED, Change, Entry
from pipelines.register.validate import date_problems
from regwatch.fakes import states
from scraper.registers.metadata import SHIPPED, MetadataError, Thresholds, load_source, read_metadata
from tests import scenes
from tests.conftest import FIRST_DAY, SECOND_DAY, load_state, webhook_sub, write_config
from tests.test_crawl_failures import assert_refused

META = load_source("ru_minjust_undesirable")


def _status(ws) -> dict:
    return json.loads((ws.exports / "status.json").read_text(encoding="utf-8"))


# --- size ----------------------------------------------------------------------------------

def test_a_50_mb_name_is_refused_and_the_next_crawl_stores_and_alerts(crawled, webhook, tmp_path):
    config = write_config(tmp_path / "regwatch.toml", webhook_sub(webhook))
    before = crawled.fingerprint()
    crawled.fake.serve(states.with_name(load_state(FIRST_DAY), 7, "A" * 50_000_000))
    # reading the 10 MB before the cut can outlast the tests' 2 s request timeout on a loaded machine
    refused = crawled.regwatch("crawl", "--config", str(config), REGWATCH_TIMEOUT="30")
    assert_refused(crawled, refused, before, "/values", "larger than the 10000000 bytes",
                   "assertions.max_reply_bytes")
    assert webhook.calls == []

    result = scenes.crawl_workspace(crawled, load_state(SECOND_DAY), config)  # the ministry's next real state
    assert result.ok and result.message == "23 added", result.message
    assert _status(crawled)["outcome"] == "changed"
    assert len(webhook.calls) == 1 and len(webhook.calls[0].json["changes"]) == 23


def test_a_name_longer_than_a_cell_may_be_is_refused_naming_the_row_and_field(crawled):
    before = crawled.fingerprint()
    crawled.fake.serve(states.with_name(load_state(FIRST_DAY), 7, "Фонд " * 20_000))
    result = crawled.crawl()
    assert_refused(crawled, result, before, "row 7: name: 100000 characters, more than the 4000",
                   "assertions.max_cell_chars")
    assert scenes.crawl_workspace(crawled, load_state(FIRST_DAY)).status == UNCHANGED


def test_size_limits_and_the_earliest_date_have_defaults_and_are_checked(tmp_path):
    text = (SHIPPED / "ru_minjust_undesirable.toml").read_text(encoding="utf-8")
    assert (META.thresholds.max_cell_chars, META.thresholds.max_reply_bytes,
            META.thresholds.earliest_date) == (4000, 10_000_000, "2015-05-23")
    plain = tmp_path / "plain" / "ru_minjust_undesirable.toml"
    plain.parent.mkdir()
    plain.write_text("\n".join(line for line in text.splitlines()
                               if not line.startswith(("max_cell_chars", "max_reply_bytes", "earliest_date"))),
                     encoding="utf-8")
    defaults, read = Thresholds(), read_metadata(plain).thresholds
    assert (read.max_cell_chars, read.max_reply_bytes, read.earliest_date) == (
        defaults.max_cell_chars, defaults.max_reply_bytes, "")
    for old, new, message in [
        ("max_cell_chars = 4000", "max_cell_chars = 0", "assertions.max_cell_chars: must be a whole number"),
        ("max_reply_bytes = 10_000_000", 'max_reply_bytes = "10 MB"',
         "assertions.max_reply_bytes: must be a whole number"),
        ("earliest_date = 2015-05-23", 'earliest_date = "23.05.2015"', "assertions.earliest_date: must be a date"),
    ]:
        path = tmp_path / "ru_minjust_undesirable.toml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        with pytest.raises(MetadataError, match=f"^{path}: {message}"):
            read_metadata(path)


def test_an_alert_cuts_a_long_value_with_a_marked_ellipsis():
    long_name = "Фонд «" + "Ы" * 5000 + "»"
    entry = Entry("ru_minjust_undesirable/7", 7, long_name, listed_on="2026-08-14", listing_order="1-р")
    edit = Change(MODIFIED, entry.entry_id, 7, long_name, "name", "Old name", long_name)
    message = compose(Selection([Change(ADDED, entry.entry_id, 7, long_name), edit]),
                      {entry.entry_id: entry}, META, "en")
    assert long_name not in message.text
    assert message.text.count(f"… [{len(long_name) - MAX_VALUE_CHARS} more characters]") == 3  # 2 names, 1 value
    assert len(message.text) < 5 * MAX_VALUE_CHARS
    russian = compose(Selection([edit]), {entry.entry_id: entry}, META, "ru").text
    assert f"… [ещё символов: {len(long_name) - MAX_VALUE_CHARS}]" in russian
    assert cut("Short name", "en") == "Short name"  # a real name (336 characters at most) stays whole


# --- dates ---------------------------------------------------------------------------------

def test_dates_no_row_can_have_are_found_by_a_pure_check():
    def entry(**dates: str) -> Entry:
        raw = tuple((k, v) for k, v in dates.items() if k.endswith("_text"))
        return Entry("x/1", 1, "Fund", raw=tuple((k[:-5], v) for k, v in raw),
                     **{k: v for k, v in dates.items() if not k.endswith("_text")})

    thresholds, now = META.thresholds, "2026-08-14T10:00:00+00:00"
    assert date_problems([entry(listed_on="2026-08-15", listed_on_text="15.08.2026")], thresholds, now) == []
    found = [str(p) for p in date_problems([
        entry(listed_on="2026-08-16", listed_on_text="16.08.2026"),
        entry(designated_on="2014-01-01", designated_on_text="01.01.2014"),
        entry(listed_on="2020-01-10", excluded_on="2020-01-09", listed_on_text="10.01.2020",
              excluded_on_text="09.01.2020"),
        entry(listed_on="", listed_on_text="31.02.2026"),
    ], thresholds, now)]
    assert found == [
        "row 1: listed_on: '16.08.2026' is in the future (after 2026-08-15)",
        "row 1: designated_on: '01.01.2014' is before 2015-05-23, the earliest date the register's law allows",
        "row 1: excluded_on: excluded on 2020-01-09, before its inclusion on 2020-01-10",
        "row 1: listed_on: not a valid date: '31.02.2026' (day is out of range for month)",
    ]


@pytest.mark.parametrize(("field", "text", "said"), [
    ("field_2_s", "01.01.9999", "row 5: listed_on: '01.01.9999' is in the future"),
    ("field_7_s", "12.12.1812", "row 5: excluded_on: '12.12.1812' is before 2015-05-23"),
    ("field_4_s", "31.02.2026", "row 5: designated_on: not a valid date: '31.02.2026'"),
])
def test_an_implausible_date_is_refused_naming_the_row_and_the_old_value_stays(crawled, field, text, said):
    before = crawled.fingerprint()
    state = states._copy(load_state(FIRST_DAY))
    row = next(r for r in state.rows if r["field_1_i"] == 5)
    row[field] = text
    if field == "field_7_s":
        row["field_10_s"] = "Исключена"
    crawled.fake.serve(state)
    result = crawled.crawl()
    assert_refused(crawled, result, before, said, "the stored data is kept")
    stored = next(r for r in crawled.latest_rows() if r["number"] == 5)
    assert (stored["listed_on"], stored["designated_on"], stored["excluded_on"]) == (
        "2016-03-17", "2016-03-10", "")
    assert scenes.crawl_workspace(crawled, load_state(FIRST_DAY)).ok


def test_an_exclusion_before_the_listing_is_refused(crawled):
    before = crawled.fingerprint()
    crawled.fake.serve(states.with_exclusion(load_state(FIRST_DAY), 5, day="01.01.2016"))
    assert_refused(crawled, crawled.crawl(), before,
                   "row 5: excluded_on: excluded on 2016-01-01, before its inclusion on 2016-03-17")

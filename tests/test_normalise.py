"""Normalisation of every real row the public copies hold."""

from __future__ import annotations

import json

import pytest

from pipelines.register.models import EXCLUDED, LISTED
from pipelines.register.normalise import (
    PROSECUTOR_GENERAL,
    normalise_row,
    normalise_rows,
    parse_date,
)
from tests.conftest import FIXTURES, REGISTER_COMBINED

COMBINED_FIELDS = {  # register_combined.json key → canonical row field
    "no": "number", "date_included": "listed_on", "order_included_no": "listing_order",
    "gp_decision_date": "designated_on", "name": "name", "date_excluded": "excluded_on",
    "order_excluded_no": "exclusion_order", "gp_cancel_date": "cancelled_on", "status": "status",
}
API_FIELDS = {"field_1_i": "number", "field_2_s": "listed_on", "field_3_s": "listing_order",
              "field_4_s": "designated_on", "field_5_s": "name", "field_7_s": "excluded_on",
              "field_8_s": "exclusion_order", "field_9_s": "cancelled_on", "field_10_s": "status"}


def combined_rows() -> list[dict[str, str]]:
    data = json.loads(REGISTER_COMBINED.read_text(encoding="utf-8"))
    return [{COMBINED_FIELDS[k]: str(v) for k, v in row.items() if k in COMBINED_FIELDS} for row in data]


def test_every_row_of_the_combined_register_normalises_cleanly():
    rows = combined_rows()
    entries, problems = normalise_rows(rows)
    assert len(rows) == len(entries) == 418
    assert problems == []
    for row, entry in zip(rows, entries):
        assert entry.number == int(row["number"])
        assert entry.name == " ".join(row["name"].split())
        assert entry.status == LISTED
        assert entry.designated_by == PROSECUTOR_GENERAL
        assert entry.listed_on == parse_date(row["listed_on"]) != ""
        assert entry.name_ru or entry.name_original
        if row.get("designated_on"):
            assert entry.designated_on <= entry.listed_on  # the decision precedes the order
    assert sum(1 for e in entries if e.designated_on) == 188
    assert sum(1 for e in entries if e.listing_order) == 188
    assert sum(1 for e in entries if e.country_code) >= 398


@pytest.mark.parametrize("day", ["2026-07-29", "2026-08-14"])
def test_every_fixture_row_normalises_to_the_same_entry_as_the_combined_copy(day):
    api_rows = json.loads((FIXTURES / "api" / day / "rows.json").read_text(encoding="utf-8"))
    rows = [{API_FIELDS[k]: str(v) for k, v in r.items() if k in API_FIELDS} for r in api_rows]
    entries, problems = normalise_rows(rows)
    assert problems == [] and len(entries) == len(api_rows)
    combined = {e.number: e for e in normalise_rows(combined_rows())[0]}
    for entry in entries:
        twin = combined[entry.number]
        assert (entry.listed_on, entry.designated_on, entry.listing_order) == (
            twin.listed_on, twin.designated_on, twin.listing_order)


@pytest.mark.parametrize(("text", "iso"), [
    ("29.07.2015", "2015-07-29"), (" 1.12.2015 ", "2015-12-01"), ("2026-08-14", "2026-08-14"),
    ("2026-08-14T00:00:00", "2026-08-14"), ("", ""),
])
def test_dates(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["31.02.2020", "29.07.15", "июль 2015", "2015/07/29", "00.00.0000"])
def test_bad_dates_raise(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_a_bad_date_is_a_problem_naming_the_row_and_the_field_stays_empty():
    entry, problems = normalise_row({"number": "5", "name": "X (США)", "listed_on": "32.13.2016",
                                     "status": "Включена"})
    assert entry is not None and entry.listed_on == ""
    assert [str(p) for p in problems] == [
        "row 5: listed_on: not a valid date: '32.13.2016' (month must be in 1..12); left empty"]
    assert not problems[0].fatal
    assert ("listed_on", "32.13.2016") in entry.raw


def test_exclusion_status():
    entry, problems = normalise_row({"number": "3", "name": "Y", "listed_on": "01.12.2015",
                                     "excluded_on": "20.08.2026", "exclusion_order": "1-р",
                                     "status": "Исключена"})
    assert (entry.status, entry.excluded_on, entry.exclusion_order, problems) == (
        EXCLUDED, "2026-08-20", "1-р", [])


@pytest.mark.parametrize(("status", "excluded_on", "expected", "message"), [
    ("", "", LISTED, "status is empty; taken as listed from the exclusion date"),
    ("Приостановлена", "20.08.2026", EXCLUDED, "unknown status 'Приостановлена'; taken as excluded"),
    ("Включена", "20.08.2026", LISTED, "has an exclusion date but status «Включена»"),
])
def test_odd_statuses_are_problems_not_guesses(status, excluded_on, expected, message):
    entry, problems = normalise_row({"number": "3", "name": "Y", "listed_on": "01.12.2015",
                                     "excluded_on": excluded_on, "status": status})
    assert entry.status == expected
    assert len(problems) == 1 and problems[0].message.startswith(message)


@pytest.mark.parametrize(("row", "message"), [
    ({"number": "", "name": "Y"}, "row ?: number: not a whole number: ''"),
    ({"number": "12a", "name": "Y"}, "row 12a: number: not a whole number: '12a'"),
    ({"number": "12", "name": " \u00a0"}, "row 12: name: empty name"),
])
def test_unusable_rows_are_fatal_problems(row, message):
    entry, problems = normalise_row(row)
    assert entry is None
    assert [str(p) for p in problems] == [message] and problems[0].fatal


def test_duplicate_numbers_are_fatal():
    rows = [{"number": "1", "name": "A", "listed_on": "01.01.2020"},
            {"number": "1", "name": "B", "listed_on": "01.01.2020"}]
    _, problems = normalise_rows(rows)
    assert [str(p) for p in problems if p.fatal] == ["row 1: number: appears 2 times"]


def _other_public_copies() -> list[tuple[str, dict[str, str]]]:
    """(copy, canonical row) for every row of every other public copy in ../shared/data."""
    folder = REGISTER_COMBINED.parent
    rows = []
    for path in sorted(folder.glob("src_chekazoid_*.json")):
        rows += [(path.name, {"number": str(i), "name": r["name"], "listed_on": r["dateIn"]})
                 for i, r in enumerate(json.loads(path.read_text(encoding="utf-8")), 1)]
    itsalt = json.loads(next(folder.glob("src_itsalt_*.json")).read_text(encoding="utf-8"))
    rows += [("itsalt", {"number": r["id"].removeprefix("row-"), "name": r["name"],
                         "listed_on": r["included_at"]}) for r in itsalt["entries"] if r["name"]]
    for path in sorted((folder / "fz255_snapshots").glob("*.json")):
        rows += [(path.name, {"number": r["id"], "name": r["fullName"], "listed_on": r["dateIn"]})
                 for r in json.loads(path.read_text(encoding="utf-8"))]
    return rows


def test_every_row_of_every_other_public_copy_normalises():
    copies = _other_public_copies()
    assert len(copies) > 2500
    for copy_name, row in copies:
        entry, problems = normalise_row({**row, "status": "Включена"})  # no copy has an exclusion
        assert entry is not None and problems == [], (copy_name, row, problems)
        assert entry.listed_on and (entry.name_ru or entry.name_original), (copy_name, row)

"""Normalisation of every real row the public copies hold, and of the court lists' recorded
states (their decisions read into designated_on, the court, the decision's date and number)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.publish.dictionary import COURT_COLUMNS, column_meaning, export_columns, table_schema
from pipelines.publish.export import entry_record
from pipelines.register.models import EXCLUDED, LISTED, Entry
from pipelines.register.normalise import (
    PROSECUTOR_GENERAL,
    Profile,
    fingerprint,
    normalise_row,
    normalise_rows,
    parse_date,
    raw_cells,
)
from scraper.items import Pull
from scraper.parsers.cells import CELL_SEPARATOR, KEY_SEPARATOR, RowsDigest, cells_line, line_fingerprint
from scraper.parsers.columns import (
    ROW_FIELDS,
    ColumnError,
    canonical_row,
    in_row_order,
    info_columns,
    line_number,
    line_row,
    page_lines,
)
from scraper.parsers.fsb_page import parse_page
from scraper.registers.metadata import load_source
from tests.conftest import DEMO_DATA, FIXTURES, REGISTER_COMBINED, REGISTERS

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


# --- the court lists: designated_on and the decision's parts, from the recorded states --------

COURT_STATES = [("ru_fsb_terrorist", day) for day in ("2024-12-31", "2026-09-16")] + [
    ("ru_minjust_extremist", day) for day in ("2026-06-30", "2026-09-19")]


def court_list_rows(source: str, day: str) -> list[dict[str, str]]:
    """A recorded demo state's rows as its spider hands them on (canonical fields)."""
    if source == "ru_fsb_terrorist":
        return parse_page((DEMO_DATA / "fsb_terrorist" / day / "terror.htm").read_bytes()).rows
    state = REGISTERS[source].state(day)
    columns, _ = info_columns(state.info, load_source(source).columns)
    return [canonical_row(row, columns) for row in state.rows]


def court_entries(source: str, day: str) -> dict[int, Entry]:
    entries, problems = normalise_rows(court_list_rows(source, day), profile=Profile.of(load_source(source)))
    assert problems == []  # every decision text reads fully; no status column is this list's normal
    return {e.number: e for e in entries}


@pytest.mark.parametrize(("source", "day"), COURT_STATES)
def test_every_court_list_row_with_decision_text_gets_its_date_and_court(source, day):
    meta = load_source(source)
    entries = court_entries(source, day)
    dated = [e for e in entries.values() if e.decision]
    assert len(dated) >= len(entries) - 4  # the extremist list's four rows without any decision
    for entry in dated:
        assert entry.designated_on and entry.decision_date <= entry.designated_on, entry.number
        assert "суд" in entry.designated_by.lower() and entry.designated_by != meta.authority, entry.number
    for entry in entries.values():
        assert entry.status == LISTED  # no status or exclusion column: every row is listed
        if not entry.decision:  # nothing to read, nothing guessed
            assert (entry.designated_on, entry.decision_date, entry.designated_by) == ("", "", meta.authority)


def _decision_parts(entry: Entry) -> tuple[str, str, str, str]:
    return entry.designated_on, entry.decision_date, entry.decision_number, entry.designated_by


def test_the_terrorist_list_is_designated_when_the_decision_came_into_force():
    old, new = court_entries("ru_fsb_terrorist", "2024-12-31"), court_entries("ru_fsb_terrorist", "2026-09-16")
    assert _decision_parts(new[1]) == ("2003-03-04", "2003-02-14", "ГКПИ 03-116", "Верховный Суд Российской Федерации")
    assert _decision_parts(new[52]) == ("2024-06-25", "2023-12-14", "б/н", "Южный окружной военный суд")
    assert _decision_parts(new[77]) == ("2025-11-11", "2025-06-26", "1-61/2025",
                                        "1-й Восточный окружной военный суд г. Южно-Сахалинск")
    # The Taliban: a later decision suspended the ban; the listing is still the first one's.
    assert "приостановлен" in new[11].decision and "приостановлен" not in old[11].decision
    assert _decision_parts(new[11]) == _decision_parts(old[11]) == (
        "2003-03-04", "2003-02-14", "ГКПИ 03-116", "Верховный Суд Российской Федерации")


def test_the_extremist_list_is_designated_on_the_day_of_its_first_court_decision():
    entries = court_entries("ru_minjust_extremist", "2026-09-19")
    assert _decision_parts(entries[1]) == ("2007-04-19", "2007-04-19", "", "Московского городского суда")
    # The first act, not the appeal that followed it (the list gives no day in force).
    assert _decision_parts(entries[49]) == ("2015-10-28", "2015-10-28", "", "Московского городского суда")
    assert entries[49].listed_on == "2016-08-26"  # «дата размещения сведений», a date of its own
    assert _decision_parts(entries[153]) == ("2026-07-21", "2026-07-21", "", "Верховного Суда Российской Федерации")


def test_a_court_decision_that_does_not_read_is_a_warning_naming_the_row_never_a_guess():
    profile = Profile.of(load_source("ru_fsb_terrorist"))
    entry, problems = normalise_row({"number": "9", "name": "«Х»", "decision": "решение суда ожидается"},
                                    profile=profile)
    assert entry is not None and (entry.designated_on, entry.designated_by) == ("", profile.authority)
    assert [str(p) for p in problems] == [
        "row 9: decision: court decision not fully read: no court, date and entry into force found"]
    assert not problems[0].fatal


def test_a_register_without_decisions_keeps_its_authority_and_dates_as_published():
    entry, problems = normalise_row({"number": "1", "name": "X", "listed_on": "01.12.2015",
                                     "designated_on": "10.11.2015", "decision": "от 14.02.2003 суд",
                                     "status": "Включена"})
    assert problems == [] and (entry.designated_on, entry.designated_by, entry.decision_date) == (
        "2015-11-10", PROSECUTOR_GENERAL, "")


def test_the_exports_of_the_court_lists_show_the_decisions_parts():
    assert export_columns("ru_fsb_terrorist")[-len(COURT_COLUMNS):] == COURT_COLUMNS
    assert export_columns("ru_minjust_extremist")[-len(COURT_COLUMNS):] == COURT_COLUMNS
    assert not set(COURT_COLUMNS) & set(export_columns("ru_minjust_foreign_agents") + export_columns(
        "ru_minjust_undesirable"))
    record = entry_record(replace(court_entries("ru_fsb_terrorist", "2026-09-16")[52],
                                  entry_id="ru_fsb_terrorist/52"))
    assert {k: record[k] for k in ("designated_on", "designated_by", "decision_date", "decision_number")} == {
        "designated_on": "2024-06-25", "designated_by": "Южный окружной военный суд",
        "decision_date": "2023-12-14", "decision_number": "б/н"}
    schema = {f["name"]: f for f in table_schema(export_columns("ru_fsb_terrorist"))["fields"]}
    assert schema["decision_date"]["type"] == "date"
    assert "came into force" in schema["designated_on"]["description"]
    assert "вступления решения суда" in column_meaning("designated_on", "ru")


def test_a_big_pull_normalised_in_two_processes_gives_what_one_process_gives(monkeypatch):
    """pipelines/register/halves.py: a forked child parses the second half; the entries, kept
    ids and problems come back in order, a number repeated across the halves is still fatal."""
    from pipelines.register import halves, normalise

    rows = combined_rows() * 3  # 1 254 rows: every real name, thrice
    rows = [{**row, "number": str(i + 1)} for i, row in enumerate(rows)]
    rows[1000]["number"] = rows[3]["number"]  # the second half repeats one of the first
    rows[900]["listed_on"] = "31.02.2020"
    stored = {normalise.fingerprint(normalise.raw_cells(rows[5]), "u"): "src/6"}  # one kept, in the first half
    expected = normalise.normalise_changed([dict(r) for r in rows], "u", stored)
    monkeypatch.setattr(halves, "MIN_ROWS", 100)
    forked = []
    monkeypatch.setattr(halves.os, "fork", lambda fork=halves.os.fork: forked.append(1) or fork())
    given = list(rows)
    assert halves.normalise_changed(given, "u", stored) == expected
    assert forked and not given  # it did fork, and the rows were let go as read
    assert [p.field for p in expected[2] if p.fatal] == ["number"] and "src/6" in expected[1]


def test_a_pull_left_as_its_lines_normalises_as_its_rows_do_and_makes_only_the_rows_not_stored(monkeypatch):
    """The spider leaves a pull's rows as their lines (Pull.lines): a changed crawl makes only
    the rows whose fingerprints are not stored (normalise.split_kept; a kept row's number is
    read from its line, for the check of duplicates), a first crawl makes each row as it is
    normalised, in two processes too. The same entries, kept ids and problems as the rows give."""
    from pipelines.register import halves, normalise

    rows = [{**row, "number": str(i + 1)} for i, row in enumerate(combined_rows() * 3)]
    rows[1000]["number"] = rows[3]["number"]  # a changed row repeats a kept row's number
    rows[900]["listed_on"] = "31.02.2020"
    fields = tuple(f for f in ROW_FIELDS if any(f in row for row in rows))
    lines = [cells_line(raw_cells(row)) for row in rows]
    rows = [line_row(line, fields) for line in lines]  # as the spider's canonical rows are
    fingerprints = [line_fingerprint(line, "u") for line in lines]
    stored = {found: f"src/{i + 1}" for i, found in enumerate(fingerprints) if i % 10 and i not in (900, 1000)}
    made: list[str] = []

    def row_of(line: str) -> dict[str, str]:
        made.append(line)
        return line_row(line, fields)

    expected = normalise.normalise_changed([dict(r) for r in rows], "u", stored)
    to_parse, their_fingerprints, kept = normalise.split_kept(lines, fingerprints, stored)
    assert halves.normalise_changed(to_parse, "u", {}, fingerprints=their_fingerprints, kept=kept,
                                    row_of=row_of) == expected
    assert made == [line for line, found in zip(lines, fingerprints, strict=True) if found not in stored]
    assert [p.field for p in expected[2] if p.fatal] == ["number"] and len(expected[1]) == len(stored)

    monkeypatch.setattr(halves, "MIN_ROWS", 100)  # a first crawl: every row made, half by a child
    given = list(lines)
    assert halves.normalise_changed(given, "u", {}, row_of=partial(line_row, fields=fields)) == (
        normalise.normalise_changed([dict(r) for r in rows], "u", {}))
    assert not given


def test_an_error_in_the_second_half_is_raised_in_the_crawl(monkeypatch):
    from pipelines.register import halves

    rows = [{**row, "number": str(i + 1)} for i, row in enumerate(combined_rows())]
    monkeypatch.setattr(halves, "MIN_ROWS", 100)
    rows[-1] = None  # not a row: the child's normalise_part fails on it
    with pytest.raises(AttributeError):
        halves.normalise_changed(rows, "u", {})


def test_a_pull_left_as_its_lines_makes_its_rows_when_asked():
    """Pull.made_rows: the rows the spider left as their lines, made (the lines then go)."""
    columns = in_row_order({"field_1_i": "number", "field_2_s": "listed_on", "field_5_s": "name",
                            "field_10_s": "status"})
    served = [{"field_1_i": 1, "field_2_s": "29.07.2015", "field_5_s": "Фонд 1", "field_10_s": "Включена"},
              {"field_1_i": 2, "field_5_s": "Фонд 2", "field_10_s": None}]
    pull = Pull(source="s", rows=[], size=2, lines=page_lines(served, columns), fields=tuple(columns.values()))
    assert pull.row_count() == 2
    assert pull.made_rows() == [canonical_row(row, columns) for row in served] == [
        {"number": "1", "listed_on": "29.07.2015", "name": "Фонд 1", "status": "Включена"},
        {"number": "2", "listed_on": "", "name": "Фонд 2", "status": ""}]
    assert pull.lines == [] and pull.row_count() == 2


def test_a_line_that_a_cell_would_garble_is_refused_naming_its_row():
    """A page's rows are kept as their lines, and a row made again from its line: a cell
    holding a separator would make another row (or none), so the page is refused instead."""
    columns = in_row_order({"field_1_i": "number", "field_5_s": "name", "field_10_s": "status"})
    for garbling in ("Фонд\x1e", "Фонд\x1estatus\x1fИсключена", "a\x1fb"):
        served = [{"field_1_i": 1, "field_5_s": "Фонд"}, {"field_1_i": 2, "field_5_s": garbling}]
        with pytest.raises(ColumnError, match="row 2 of the page: a cell holds the control character"):
            page_lines(served, columns)


# any cell a register publishes (page_lines refuses a separator: the test above)
TEXT = st.characters(blacklist_categories=["Cs"], blacklist_characters=[CELL_SEPARATOR, KEY_SEPARATOR])
CELL = st.one_of(st.none(), st.integers(-5, 10**12), st.text(TEXT, max_size=8))


@pytest.mark.parametrize("source", ["ru_minjust_undesirable", "ru_minjust_foreign_agents"])
@settings(deadline=None)  # a loaded machine: no timing in a unit test
@given(data=st.data())
def test_a_pages_lines_are_the_lines_of_their_raw_cells_and_make_its_rows_again(source, data):
    """The spider keeps a page's rows as their lines (columns.page_lines), in ROW_FIELDS order
    whatever order /info lists the columns in: the very lines, so the very fingerprints and
    pull hash, that raw_cells and cells_line make of canonical_row's rows (entries.fingerprint
    stores them), row by row or a page at once; and each line makes its canonical row again
    (columns.line_row, its cells in the same order), its number read without it (line_number)."""
    register = REGISTERS[source]
    info = register.state(register.first).info
    columns, _ = info_columns({**info, "columns": info["columns"][::-1]}, load_source(source).columns)
    page = [{key: data.draw(CELL) for key in columns if data.draw(st.booleans())}  # a key left out too
            for _ in range(data.draw(st.integers(0, 4)))]
    rows = [canonical_row(row, in_row_order(columns)) for row in page]
    lines = page_lines(page, in_row_order(columns))
    assert lines == [cells_line(raw_cells(row)) for row in rows]
    fields = tuple(in_row_order(columns).values())
    assert [line_row(line, fields) for line in lines] == rows
    assert [list(line_row(line, fields)) for line in lines] == [list(row) for row in rows] == [list(fields)] * len(page)
    assert [line_number(line) for line in lines] == [row.get("number", "") for row in rows]
    by_page, by_row = RowsDigest("u", []), RowsDigest("u", [])
    by_page.add_lines(lines)
    for row in rows:
        by_row.add(cells_line(raw_cells(row)))
    assert by_page.fingerprints == by_row.fingerprints == [fingerprint(raw_cells(row), "u") for row in rows]
    assert by_page.hexdigest() == by_row.hexdigest()


@settings(deadline=None)  # a loaded machine: no timing in a unit test
@given(lines=st.lists(st.text(max_size=30), max_size=4),
       source_url=st.sampled_from(["", "u", "https://reestrs.minjust.gov.ru/#/registry/c2d"]) | st.text(max_size=20))
def test_a_rows_fingerprint_is_the_blake2b_of_its_source_and_cells_line(lines, source_url):
    """entries.fingerprint keeps these, so what they hash never changes without a migration:
    the source's part is hashed once and each row's hash goes on from a copy, and that must
    give the digest of the whole text, row after row, one at a time or a page at once."""
    expected = [hashlib.blake2b((f"{source_url}\x1e{line}" if line else source_url).encode(),
                                digest_size=16).hexdigest() for line in lines]
    assert [line_fingerprint(line, source_url) for line in lines] == expected
    by_page = RowsDigest(source_url, [])
    by_page.add_lines(lines)
    assert by_page.fingerprints == expected

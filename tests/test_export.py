"""Exports: the exact columns, lists joined, formulas neutralised, files written atomically."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace

import openpyxl
import pytest

from pipelines.publish import combined
from pipelines.publish.dictionary import EXPORT_COLUMNS, PARTY_COLUMNS
from pipelines.publish.export import (
    entries_csv,
    entries_json,
    entries_xlsx,
    neutralise,
    patch_latest,
    register_at,
    snapshot_name,
    write_csv,
    write_exports,
    write_latest,
    write_xlsx,
)
from pipelines.register.models import EXCLUDED, Entry
from pipelines.storage.store import Snapshot

HOSTILE = Entry(entry_id="ru_minjust_undesirable/1", number=1, name='=HYPERLINK("http://x","y")',
                country="#N/A",
                name_ru=("+7 «Фонд»",), name_original=("-Minus", "@At"), acronyms=("A", "B"),
                listed_on="2016-01-01", status="listed")
PLAIN = Entry(entry_id="ru_minjust_undesirable/2", number=2, name="Stichting Bellingcat (Нидерланды)",
              name_original=("Stichting Bellingcat",), country="Нидерланды", country_code="NL",
              listed_on="2022-07-26", listing_order="951-р", designated_on="2022-07-13",
              excluded_on="2026-08-20", exclusion_order="5-р", status=EXCLUDED)


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+7", "'+7"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("Фонд", "Фонд"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(cell, safe):
    assert neutralise(cell) == safe


def test_csv_has_the_columns_in_order_and_no_live_formula():
    rows = list(csv.reader(io.StringIO(entries_csv([HOSTILE, PLAIN]).decode("utf-8"))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    first = dict(zip(rows[0], rows[1]))
    assert first["name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert first["name_ru"] == "'+7 «Фонд»"
    assert first["name_original"] == "'-Minus | @At"
    assert first["acronyms"] == "A | B"
    for line in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in line)


def test_xlsx_cells_are_text_never_formulas():
    sheet = openpyxl.load_workbook(io.BytesIO(entries_xlsx([HOSTILE, PLAIN]))).active
    header = [c.value for c in sheet[1]]
    assert tuple(header) == EXPORT_COLUMNS
    name = sheet.cell(row=2, column=header.index("name") + 1)
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://x","y")'
    country = sheet.cell(row=2, column=header.index("country") + 1)
    assert country.data_type == "s" and country.value == "#N/A"
    assert all(c.data_type == "s" for line in sheet.iter_rows(min_row=2) for c in line if c.value)
    assert sheet.max_row == 3


def test_json_keeps_lists_as_lists():
    document = json.loads(entries_json([PLAIN], "ru_minjust_undesirable", "2026-08-20T00:00:00+00:00"))
    assert document["count"] == 1 and document["columns"] == list(EXPORT_COLUMNS)
    assert document["entries"][0]["name_original"] == ["Stichting Bellingcat"]


def test_register_at_follows_the_order_dates():
    assert [e.number for e in register_at([HOSTILE, PLAIN], "2020-01-01")] == [1]
    on_day = register_at([PLAIN], "2022-07-26")
    assert on_day[0].status == "listed" and on_day[0].excluded_on == ""
    assert register_at([PLAIN], "2026-08-20")[0].status == EXCLUDED


def test_snapshot_names_sort_by_time():
    assert snapshot_name("2026-08-14T10:15:00+00:00") == "20260814T101500Z.csv"


def test_write_exports_leaves_no_temporary_files(tmp_path):
    folder = write_exports(tmp_path, "src", [PLAIN], [], "2026-08-14T10:15:00+00:00", ["ab" * 32],
                           new_snapshot=True)
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    assert json.loads((folder / "latest.json").read_text())["raw_replies_sha256"] == ["ab" * 32]
    assert names == ["changes.csv", "datapackage.json", "latest.csv", "latest.json", "latest.xlsx",
                     "register.schema.json", "snapshots/20260814T101500Z.csv"]
    write_exports(tmp_path, "src", [], [], "2026-08-14T10:15:00+00:00", [], new_snapshot=True)
    assert sorted(p.name for p in (folder / "snapshots").iterdir()) == [
        "20260814T101500Z.csv", "20260814T101500Z_2.csv"]


def test_the_combined_rows_keep_their_register_and_neutralise_formulas():
    """`all`: a register column first, the union of the registers' columns in their order, a
    column a register lacks empty; the CSV and the XLSX as inert as a register's own."""
    agent = Entry(entry_id="ru_minjust_foreign_agents/3", number=3, name="-Агент «Медиа»", entity_type="person",
                  identifiers=(("inn", "7707083893"),), aliases=("Медиа",), source_url="https://example.org/3")
    undesirable, agents = EXPORT_COLUMNS, EXPORT_COLUMNS + PARTY_COLUMNS
    columns = combined.combined_columns([undesirable, agents])
    assert columns == ("register", *agents, "snapshot_taken_at")
    assert combined.combined_columns([agents, undesirable]) == columns  # the same union either way
    taken = "2026-08-14T10:15:00+00:00"
    parts = [combined.Part("ru_minjust_undesirable", Snapshot(1, "ru_minjust_undesirable", "api", taken, 2, "h", ()),
                           undesirable, [HOSTILE, PLAIN]),
             combined.Part("ru_minjust_foreign_agents", Snapshot(2, "ru_minjust_foreign_agents", "api", taken, 1,
                                                                 "h", ()), agents, [agent])]
    buffer = io.BytesIO()
    write_csv(buffer, combined.rows(parts), columns)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert [r["register"] for r in rows] == ["ru_minjust_undesirable"] * 2 + ["ru_minjust_foreign_agents"]
    assert rows[0]["name"] == "'=HYPERLINK(\"http://x\",\"y\")" and rows[0]["entity_type"] == ""
    assert (rows[2]["name"], rows[2]["identifiers"], rows[2]["aliases"]) == (
        "'-Агент «Медиа»", "inn:7707083893", "Медиа")
    assert rows[2]["source_url"] == "https://example.org/3" and rows[2]["snapshot_taken_at"] == taken
    buffer = io.BytesIO()
    write_xlsx(buffer, combined.rows(parts), columns, "register")
    sheet = openpyxl.load_workbook(buffer).active
    assert tuple(c.value for c in sheet[1]) == columns and sheet.max_row == 4
    assert sheet.cell(row=4, column=columns.index("name") + 1).value == "-Агент «Медиа»"


def test_a_patch_copies_the_old_lines_as_a_rewrite_writes_them(tmp_path):
    """patch_latest reads only each old line's id and number: a cell with quotes and a line
    break (one CSV record on two lines) is kept whole, and the result is what writing the new
    state afresh gives."""
    broken = replace(PLAIN, entry_id="ru_minjust_undesirable/3", number=3, name='Two "lines"\nof a name')
    renamed = replace(PLAIN, name="Stichting Bellingcat, renamed")
    added = replace(PLAIN, entry_id="ru_minjust_undesirable/4", number=4, name="+Added")
    taken, replies = "2026-08-14T10:15:00+00:00", ["ab" * 32]
    patched, fresh = tmp_path / "patched" / "ru_minjust_undesirable", tmp_path / "fresh" / "ru_minjust_undesirable"
    write_latest(patched, "ru_minjust_undesirable", [HOSTILE, PLAIN, broken], [], taken, replies)
    patch_latest(patched, "ru_minjust_undesirable", 3, [renamed, added], {HOSTILE.entry_id}, [], 0, taken, replies)
    write_latest(fresh, "ru_minjust_undesirable", [renamed, broken, added], [], taken, replies)
    for name in ("latest.csv", "latest.json"):
        assert (patched / name).read_bytes() == (fresh / name).read_bytes(), name

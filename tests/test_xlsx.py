"""The minimal XLSX writer, read back by openpyxl and pandas."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile

import openpyxl
import pandas as pd
import pytest

from pipelines.publish.xlsx import write_xlsx

TRICKY = ["=1+1", "#N/A", "a & b <c> «d»", "  leading and trailing  ", "007", "2026-08-14",
          "Zeugen Jehovas\x07", "Ҫeҫen Kafkas Muhacirlerı", ""]


def workbook_bytes(header, lines, sheet="register") -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, lines, sheet_name=sheet)
    return buffer.getvalue()


def test_every_cell_reads_back_as_the_same_text():
    data = workbook_bytes(["value", "index"], [[text, str(i)] for i, text in enumerate(TRICKY)])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.title == "register"
    assert [c.value for c in sheet[1]] == ["value", "index"]
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    expected = [t.replace("\x07", "") or None for t in TRICKY]  # an XML-illegal byte is dropped
    assert values == expected
    for row in sheet.iter_rows(min_row=2):
        if row[0].value is not None:
            assert row[0].data_type == "s"  # never a formula, number, date or error


def test_pandas_reads_a_large_sheet_as_text():
    lines = [[f"row {i}", str(i), "=SUM(A1:A2)"] for i in range(5000)]
    frame = pd.read_excel(io.BytesIO(workbook_bytes(["a", "b", "c"], lines)), dtype=str)
    assert frame.shape == (5000, 3)
    assert frame.iloc[4999].tolist() == ["row 4999", "4999", "=SUM(A1:A2)"]


def test_the_package_is_a_valid_zip_with_the_required_parts():
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(["a"], [["x"]]))) as package:
        assert package.testzip() is None
        assert set(package.namelist()) == {
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_the_register_as_our_csv(crawled, tmp_path):
    """LibreOffice converts latest.xlsx to a CSV identical to latest.csv."""
    converted = subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(tmp_path), str(crawled.exports / "latest.xlsx")],
        capture_output=True, text=True, timeout=120, env={**os.environ, "HOME": str(tmp_path)})
    assert converted.returncode == 0, converted.stderr
    ours = list(csv.reader(io.StringIO((crawled.exports / "latest.csv").read_text(encoding="utf-8"))))
    theirs = list(csv.reader(io.StringIO((tmp_path / "latest.csv").read_text(encoding="utf-8"))))
    # Our CSV neutralises formula-like cells with a leading apostrophe; the XLSX needs not.
    assert theirs == [[cell.removeprefix("'") for cell in line] for line in ours]
    assert len(theirs) == 368

"""The minimal XLSX writer, read back by openpyxl and pandas."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd

from pipelines.xlsx import write_xlsx

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

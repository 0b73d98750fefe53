"""`make bench` writes the README's performance table from what the benchmark scripts
printed (benchmarks/_common.py), on saved outputs: no benchmark runs here."""

from __future__ import annotations

import ast
import contextlib
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import _common  # noqa: E402

TABLE = [("real register (390): check p95", 0.82, 1.0, " ms", "111 queries × 20 rounds, 80 listed"),
         ("synthetic 100000: index build", 7.5, 5.0, " s", "100000 entries | a pipe"),
         ("real register (390): index memory", 1.4, None, " MB", "")]


def printed(table: list, before: str = "regwatch check benchmarks\n") -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        _common.print_table(table)
    return before + out.getvalue() + "\nQueries: the 111 of the labelled set.\n"


def test_the_rows_a_script_printed_are_read_back_with_their_goal_and_load():
    rows = _common.read_tables("check.py", printed(TABLE))
    assert [(r.figure, r.measured, r.goal, r.verdict) for r in rows] == [
        ("real register (390): check p95", "0.8 ms", "1.0 ms", "ok"),
        ("synthetic 100000: index build", "7.500 s", "5.000 s", "OVER"),
        ("real register (390): index memory", "1.4 MB", "-", "")]
    assert rows[1].how == "100000 entries | a pipe" and rows[0].script == "check.py"
    assert "CPUs, load average" in rows[0].load and rows[0].load == rows[2].load


def test_a_table_with_no_goal_at_all_keeps_its_how_in_its_own_column():
    # its verdict column is empty in every row: printed zero wide, it used to swallow the next one
    rows = _common.read_tables("everywhere.py", printed(TABLE[2:]))
    assert [(r.figure, r.measured, r.goal, r.verdict, r.how) for r in rows] == [
        ("real register (390): index memory", "1.4 MB", "-", "", "")]
    rows = _common.read_tables("everywhere.py", printed([("state built", 0.5, None, " s", "4 registers")]))
    assert [(r.verdict, r.how) for r in rows] == [("", "4 registers")]


def test_the_readme_section_between_the_markers_is_replaced_and_nothing_else(tmp_path):
    (tmp_path / "check.txt").write_text(printed(TABLE) + printed(TABLE[:1], "second table\n"), encoding="utf-8")
    (tmp_path / "web.txt").write_text("Traceback (most recent call last): …\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n## Performance\n\nintro\n\n{_common.START}\nold table\n{_common.END}\n\n## Tests\n",
                      encoding="utf-8")
    when = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    rows = _common.write_readme([tmp_path / "check.txt", tmp_path / "web.txt"], readme, when, "abc1234")
    text = readme.read_text(encoding="utf-8")
    assert len(rows) == 4 and "old table" not in text
    assert text.startswith("# x\n\n## Performance\n\nintro\n\n" + _common.START + "\n")
    assert text.endswith(_common.END + "\n\n## Tests\n")
    assert "on 2026-12-03 10:00 UTC, commit abc1234" in text
    assert "| synthetic 100000: index build | 7.500 s | 5.000 s | OVER | check.py |" in text
    assert "100000 entries \\| a pipe" in text  # a pipe in a cell does not break the table
    assert "Printed no table this time: web.py." in text
    with pytest.raises(ValueError, match="bench:start"):
        _common.write_readme([tmp_path / "check.txt"], tmp_path / "check.txt")


def test_no_benchmark_imports_from_tests():
    """They run after `make install` (no test extras, no tests/ on the path)."""
    for script in BENCHMARKS.glob("*.py"):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
        assert not [name for name in imported if name == "tests" or name.startswith("tests.")], script.name


def test_the_readme_has_the_section_make_bench_writes():
    text = _common.README.read_text(encoding="utf-8")
    assert text.count(_common.START) == 1 and text.count(_common.END) == 1
    assert text.index(_common.START) < text.index(_common.END)

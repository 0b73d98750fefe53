"""The command line as a user meets it: exports, changes, help, the Scrapy commands, the demo."""

from __future__ import annotations

import csv
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest

from pipelines.publish.dictionary import CHANGE_COLUMNS, EXPORT_COLUMNS
from regwatch.cli.app import _COMMAND_MODULES, COMMANDS
from regwatch.fakes.minjust import FakeMinjust
from tests.conftest import ROOT, SECOND_DAY, Workspace, load_state, make_env, run_regwatch


@pytest.fixture(scope="module")
def two_crawls(baseline_dir, tmp_path_factory):
    """The baseline, then the 2026-08-14 crawl: made once, only read by the tests that take it."""
    data_dir = tmp_path_factory.mktemp("two_crawls") / "out"
    shutil.copytree(baseline_dir, data_dir)
    with FakeMinjust(load_state(SECOND_DAY)) as fake:
        workspace = Workspace(fake, data_dir)
        assert workspace.crawl().code == 0
        yield workspace


def test_export_formats_to_stdout_and_files(two_crawls, tmp_path):
    text = two_crawls.regwatch("export", "--format", "csv")
    assert text.code == 0
    rows = list(csv.DictReader(io.StringIO(text.stdout)))
    assert len(rows) == 390 and tuple(rows[0]) == EXPORT_COLUMNS

    target = tmp_path / "register.xlsx"
    assert two_crawls.regwatch("export", "--format", "xlsx", "-o", str(target)).code == 0
    sheet = openpyxl.load_workbook(target).active
    assert sheet.max_row == 391 and sheet.cell(row=391, column=2).value == "390"

    document = json.loads(two_crawls.regwatch("export", "--format", "json").stdout)
    assert document["count"] == 390


def test_export_at_a_date_uses_the_order_dates(two_crawls):
    def count_at(day: str) -> int:
        result = two_crawls.regwatch("export", "--format", "json", "--at", day)
        assert result.code == 0, result.output
        return json.loads(result.stdout)["count"]

    assert count_at("2015-07-28") == 0
    assert count_at("2015-07-29") == 1  # the first order, 1076-р of 29.07.2015
    assert count_at("2016-12-31") == 7
    # The 2026-07-29 pull showed 367 rows, but 15 orders dated 13-24 July reached the
    # register later: officially 382 organisations stood listed that day.
    assert count_at("2026-07-29") == 382
    assert count_at("2026-08-14") == 390


def test_export_rejects_a_bad_date_and_an_empty_store(workspace):
    bad = workspace.regwatch("export", "--at", "29.07.2015")
    assert bad.code == 2 and "is not a date in the form YYYY-MM-DD" in bad.stderr
    empty = workspace.regwatch("export")
    assert empty.code == 1 and "nothing crawled yet" in empty.stderr


def test_changes_in_every_format_and_since(two_crawls):
    as_csv = list(csv.reader(io.StringIO(two_crawls.regwatch("changes", "--format", "csv").stdout)))
    assert tuple(as_csv[0]) == CHANGE_COLUMNS and len(as_csv) == 24
    text = two_crawls.regwatch("changes")
    assert text.stdout.count("added") == 23 and "23 changes" in text.stderr
    assert json.loads(two_crawls.regwatch("changes", "--format", "json", "--since", "2999-01-01").stdout) == []


def test_the_command_speaks_russian_under_a_russian_locale(two_crawls):
    english = two_crawls.regwatch("changes", LANG="C.UTF-8")
    russian = two_crawls.regwatch("changes", LANG="ru_RU.UTF-8")
    assert "23 changes" in english.stderr and "23 изменения" in russian.stderr
    assert russian.stdout == english.stdout  # the data itself is not translated
    both = two_crawls.regwatch("export", "--at", "2020-01-01", "--as-seen", "2020-01-01", LANG="ru_RU.UTF-8")
    assert both.code == 2 and "укажите --at или --as-seen, но не оба" in both.stderr
    bad = two_crawls.regwatch("export", "--at", "29.07.2015", LC_ALL="ru_RU.UTF-8")
    assert bad.code == 2 and "'29.07.2015' — не дата в виде ГГГГ-ММ-ДД" in bad.stderr
    # LC_ALL wins over LANG, as in gettext: English here, exactly as before.
    english_bad = two_crawls.regwatch("export", "--at", "29.07.2015", LC_ALL="C.UTF-8", LANG="ru_RU.UTF-8")
    assert "'29.07.2015' is not a date in the form YYYY-MM-DD" in english_bad.stderr
    missing = two_crawls.regwatch("show", "nowhere/1", LANG="ru_RU.UTF-8")
    assert missing.code == 1 and "записи 'nowhere/1' нет" in missing.stderr


@pytest.mark.parametrize("command", ["crawl", "export", "changes", "demo"])
def test_every_command_has_help(command, tmp_path):
    result = run_regwatch([command, "--help"], make_env("http://127.0.0.1:9", tmp_path))
    assert result.code == 0 and "Usage: regwatch " + command in result.stdout


def test_an_unknown_source_is_a_usage_error(workspace):
    result = workspace.regwatch("crawl", "nowhere")
    assert result.code == 2 and "unknown source 'nowhere'" in result.stderr


def test_scrapy_list_and_crawl_work_from_the_repository_root(fake, tmp_path):
    env = make_env(fake.url, tmp_path / "out")
    scrapy = [sys.executable, "-m", "scrapy.cmdline"]
    listed = subprocess.run([*scrapy, "list"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert listed.stdout.split() == ["announcements_genproc", "announcements_hrd_blog", "announcements_hrw",
                                     "announcements_mediazona", "announcements_meduza", "announcements_ovdinfo",
                                     "announcements_tass", "announcements_tass_en", "fsb_terrorist",
                                     "minjust_extremist", "minjust_foreign_agents",
                                     "minjust_undesirable", "minjust_undesirable_html"], listed.stderr
    crawled = subprocess.run([*scrapy, "crawl", "minjust_undesirable"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    assert crawled.returncode == 0, crawled.stderr
    assert "'regwatch/outcome': 'baseline'" in crawled.stderr
    assert (tmp_path / "out" / "ru_minjust_undesirable" / "latest.csv").exists()


def test_the_demo_crawls_two_states_and_finds_the_23_additions(tmp_path):
    out = tmp_path / "demo"
    env = {k: v for k, v in make_env("http://127.0.0.1:9", tmp_path).items()
           if k != "REGWATCH_MINJUST_URL"}
    result = run_regwatch(["demo", "--out", str(out)], env)
    assert result.code == 0, result.output
    assert "baseline: 367 entries" in result.stdout
    assert "390 entries, 23 added" in result.stdout
    assert (out / "ru_minjust_undesirable" / "latest.xlsx").exists()
    assert len(list((out / "ru_minjust_undesirable" / "snapshots").glob("*.csv"))) == 2
    # …and a second register, people and organisations, with additions and exclusions
    assert "ru_minjust_foreign_agents: baseline: 1191 entries" in result.stdout
    assert "ru_minjust_foreign_agents: changed: 1239 entries, 10 excluded, 48 added" in result.stdout
    assert len(list((out / "ru_minjust_foreign_agents" / "snapshots").glob("*.csv"))) == 2
    # …and both in one file, a register column first (pipelines/publish/combined.py)
    combined = (out / "all" / "latest.csv").read_text(encoding="utf-8").splitlines()
    assert combined[0].startswith("register,entry_id,") and len(combined) == 1 + 390 + 1239


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("REGWATCH_TIMEOUT", "abc", "REGWATCH_TIMEOUT must be a number, not 'abc'"),
    ("REGWATCH_RETRIES", "1.5", "REGWATCH_RETRIES must be a whole number, not '1.5'"),
    ("REGWATCH_BACKOFF", "-1", "REGWATCH_BACKOFF must not be negative, not '-1'"),
    ("REGWATCH_DATABASE_URL", "nonsense", "REGWATCH_DATABASE_URL: 'nonsense' is not a database URL"),
])
def test_a_bad_setting_is_named_before_anything_is_fetched(workspace, variable, value, message):
    result = workspace.crawl(**{variable: value})
    assert result.code == 2 and message in result.stderr
    assert workspace.fake.requests == []


def test_a_database_that_cannot_be_opened_is_named_without_its_password(workspace):
    result = workspace.crawl(REGWATCH_DATABASE_URL="postgresql://u:s3cretpw@127.0.0.1:1/db")
    assert result.code == 1
    # named as opened: postgresql:// means psycopg 3 (pipelines/storage/data_config.py)
    assert "cannot open the database postgresql+psycopg://***@127.0.0.1:1/db" in result.stderr
    assert "s3cretpw" not in result.output and workspace.fake.requests == []


DATA_DIR_COMMANDS = [["crawl"], ["changes"], ["export"], ["show", "ru_minjust_undesirable/1"],
                     ["check", "Open Society"], ["deliver"], ["alerts"], ["schedule", "--once"],
                     ["serve", "--port", "9"], ["reparse"], ["announcements"]]


def _unwritable_folder(tmp_path):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder if not os.access(folder, os.W_OK) else Path("/proc/1")  # root writes anywhere


@pytest.mark.parametrize("case", ["a file", "under a file", "not writable"])
def test_a_data_dir_that_cannot_be_used_is_named_in_one_line(fake, tmp_path, case):
    a_file = tmp_path / "data.txt"
    a_file.write_text("not a folder\n", encoding="utf-8")
    data_dir = {"a file": a_file, "under a file": a_file / "out",
                "not writable": _unwritable_folder(tmp_path)}[case]
    problem = {"a file": "is a file, not a folder", "under a file": "cannot be created",
               "not writable": "is not writable"}[case]
    commands = {"a file": DATA_DIR_COMMANDS, "under a file": DATA_DIR_COMMANDS[:2],
                # a command that only reads (changes, check…) may read a folder it cannot write
                "not writable": [["crawl"], ["deliver"]]}[case]
    for command in commands:
        result = run_regwatch(command, make_env(fake.url, data_dir))
        assert result.code == 2, (command, result.output)
        assert "Traceback" not in result.output, (command, result.output)
        (line,) = [line for line in result.stderr.splitlines() if "REGWATCH_DATA_DIR" in line]
        assert f"REGWATCH_DATA_DIR: {str(data_dir)!r} {problem}" in line, command
    assert fake.requests == []


@pytest.mark.sqlite_only  # the SQLite file itself
def test_an_empty_database_beside_old_exports_is_refused_never_a_new_baseline(crawled):
    database = crawled.data_dir / "regwatch.db"
    for leftover in crawled.data_dir.glob("regwatch.db-*"):
        leftover.unlink()
    database.write_bytes(b"")
    before = crawled.fingerprint()
    result = crawled.crawl()
    assert result.code == 1, result.output
    assert "Traceback" not in result.output and "baseline" not in result.output
    assert f"{database} is empty (0 bytes), but {crawled.exports / 'latest.json'} holds" in result.stderr
    assert crawled.fake.requests == [] and crawled.fingerprint() == before
    assert database.stat().st_size == 0
    for command, code in ((["changes"], 1), (["export"], 1), (["check", "Open Society"], 2)):
        result = crawled.regwatch(*command)
        assert result.code == code and f"{database} is empty" in result.stderr, (command, result.output)
    russian = crawled.crawl(LANG="ru_RU.UTF-8")
    assert russian.code == 1 and f"файл {database} пуст (0 байт)" in russian.stderr


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_deleted_database_beside_old_exports_is_refused_never_a_new_baseline(crawled):
    database = crawled.data_dir / "regwatch.db"
    for leftover in crawled.data_dir.glob("regwatch.db*"):
        leftover.unlink()
    before = crawled.fingerprint()
    result = crawled.crawl()
    assert result.code == 1, result.output
    assert "Traceback" not in result.output and "baseline" not in result.output
    assert (f"{database} does not exist, but {crawled.exports / 'latest.json'} holds the exports "
            "of earlier crawls") in result.stderr
    # the way forward
    assert f"move the old exports ({crawled.exports}) out of {crawled.data_dir} first" in result.stderr
    assert crawled.fake.requests == [] and crawled.fingerprint() == before
    assert not database.exists()
    for command, code in ((["changes"], 1), (["export"], 1), (["check", "Open Society"], 2)):
        result = crawled.regwatch(*command)
        assert result.code == code and f"{database} does not exist" in result.stderr, (command, result.output)
        assert not database.exists(), command
    russian = crawled.crawl(LANG="ru_RU.UTF-8")
    assert russian.code == 1 and f"файла {database} нет" in russian.stderr
    # The way forward it names: with the old exports moved away, a new history starts.
    crawled.exports.rename(crawled.data_dir.parent / "old-exports")
    fresh = crawled.crawl()
    assert fresh.code == 0 and "baseline" in fresh.stdout, fresh.output


@pytest.mark.sqlite_only  # the SQLite file itself
def test_a_file_that_is_not_a_database_is_named(crawled):
    database = crawled.data_dir / "regwatch.db"
    database.write_bytes(b"<html>backup restored from the wrong place</html>\n")
    result = crawled.crawl()
    assert result.code == 1, result.output
    assert f"{database} is not an SQLite database (it starts with b'<html>backup res')" in result.stderr
    assert crawled.fake.requests == [] and "Traceback" not in result.output


def test_an_empty_database_in_an_empty_data_dir_starts_the_baseline(workspace):
    workspace.data_dir.mkdir()
    (workspace.data_dir / "regwatch.db").write_bytes(b"")
    result = workspace.crawl()
    assert result.code == 0, result.output
    assert len(workspace.latest_rows()) == 367


def test_a_quiet_crawl_prints_only_the_result(workspace):
    result = workspace.regwatch("crawl", "-q")
    assert result.code == 0, result.output
    assert "crawling" not in result.output
    assert result.stdout.splitlines()[0].startswith("ru_minjust_undesirable: baseline: ")


@pytest.mark.parametrize(("args", "code", "said"), [
    (["check", "Bellingcat"], 2, "nothing crawled yet"),
    (["changes"], 0, "0 changes"),
    (["export"], 1, "nothing crawled yet"),
    (["show", "ru_minjust_undesirable/57"], 1, "no entry"),
    (["alerts"], 0, "0 alerts"),
])
def test_a_command_that_only_reads_creates_no_database(args, code, said, tmp_path):
    empty = tmp_path / "out"
    empty.mkdir()
    result = run_regwatch(args, make_env("http://127.0.0.1:9", empty))
    assert result.code == code and said in result.stderr, result.output
    assert list(empty.iterdir()) == []  # the directory is left as it was
    missing = tmp_path / "none"
    assert run_regwatch(args, make_env("http://127.0.0.1:9", missing)).code == code
    assert not missing.exists()


def test_version(tmp_path):
    from importlib.metadata import version

    result = run_regwatch(["--version"], make_env("http://127.0.0.1:9", tmp_path / "out"))
    assert result.code == 0 and result.stdout == f"regwatch {version('regwatch')}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("command", ["crawl", "verify", "export", "reparse", "changes"])
def test_every_command_names_the_register_with_a_described_source_option(command):
    from click.testing import CliRunner

    from regwatch.cli.main import cli
    from scraper.registers.metadata import source_names

    shown = CliRunner().invoke(cli, [command, "--help"], terminal_width=200)
    assert shown.exit_code == 0
    line = next(line for line in shown.output.splitlines() if line.strip().startswith("--source"))
    assert "The register: one of " in line and all(name in line for name in source_names())


@pytest.mark.parametrize("command", ["crawl", "verify"])
def test_crawl_and_verify_take_the_register_as_an_argument_or_as_source(workspace, command):
    for args in (["nowhere"], ["--source", "nowhere"]):
        refused = workspace.regwatch(command, *args)
        assert refused.code == 2 and "unknown source 'nowhere'" in refused.stderr
    both = workspace.regwatch(command, "ru_minjust_undesirable", "--source", "nowhere")
    assert both.code == 2 and "two registers given" in both.stderr


def test_crawl_with_source(workspace):
    result = workspace.regwatch("crawl", "--source", "ru_minjust_undesirable", "-q")
    assert result.code == 0 and result.stdout.startswith("ru_minjust_undesirable: baseline: "), result.output


def test_help_imports_no_heavy_library_and_lists_every_command():
    """`regwatch --help` starts in well under a second: the commands' modules (and with them
    SQLAlchemy, Scrapy, FastAPI, pandas, Babel) are imported only by the command that runs."""
    probe = ("import sys\nfrom regwatch.cli.main import cli\n"
             "try:\n    cli(['--help'], prog_name='regwatch')\nexcept SystemExit:\n    pass\n"
             "heavy = {'sqlalchemy', 'scrapy', 'twisted', 'fastapi', 'pandas', 'babel', 'rapidfuzz', 'lxml'}\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    *shown, loaded = done.stdout.splitlines()
    assert loaded == "[]", loaded
    listed = [line.split()[0] for line in shown[shown.index("Commands:") + 1:] if line.strip()]
    assert listed == sorted(COMMANDS)


def test_the_lazy_command_table_matches_the_commands():
    from regwatch.cli.main import cli

    for name, (module, start) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.callback.__module__ == f"regwatch.cli.{module}", name
        assert command.get_short_help_str(limit=1000).startswith(start), name
    for module in _COMMAND_MODULES:  # nothing registered that the table lacks
        importlib.import_module(f"regwatch.cli.{module}")
    assert set(cli.commands) == set(COMMANDS)
    assert {path.stem for path in (ROOT / "regwatch" / "cli").glob("*.py")
            if "@cli.command" in path.read_text(encoding="utf-8")} == set(_COMMAND_MODULES)

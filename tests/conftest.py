"""Shared test set-up: the real fixtures, the local fake of the official service, a
runner for the real `regwatch` command in a child process (Twisted's reactor runs once
per process, exactly as in production; forked from a zygote that imported the libraries
once, regwatch/fakes/zygote.py), and the database backends.

Backends: a test that takes the `backend` fixture (the `workspace` and `crawled` ones do)
runs on SQLite; marked `both_backends` (a file by `pytestmark`, or one test: the one that
covers a path through the store) it runs on PostgreSQL too, each test in a database of its
own (regwatch/fakes/postgres.py: the server REGWATCH_TEST_DATABASE_URL or --pg-url names, else a
throwaway one). `--backends all`
(or REGWATCH_TEST_BACKENDS=all; `make test` passes it: the whole suite on both) runs every
such test on both, `--backends sqlite` none on PostgreSQL. Without PostgreSQL those tests
are skipped, except under CI=true: they fail.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from regwatch.fakes import harness
from regwatch.fakes.harness import (  # noqa: F401  (the tests import them from here)
    SECRET,
    Result,
    make_env,
    run_regwatch,
    webhook_sub,
    write_config,
)
from regwatch.fakes.minjust import FakeMinjust, State
from regwatch.fakes.postgres import Databases, NoServer, throwaway_server
from regwatch.fakes.receivers import SmtpReceiver, WebhookReceiver

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures" / "minjust_undesirable"
REGISTER_COMBINED = SHARED / "data" / "minjust_undesirable" / "register_combined.json"
FIRST_DAY, SECOND_DAY = "2026-07-29", "2026-08-14"


SQLITE, POSTGRESQL = "sqlite", "postgresql"


def pytest_addoption(parser) -> None:
    group = parser.getgroup("regwatch")
    group.addoption("--pg-url", default=os.environ.get("REGWATCH_TEST_DATABASE_URL", ""),
                    help="a PostgreSQL server for the PostgreSQL pass (default: a throwaway "
                         "server started from /usr/lib/postgresql/*/bin)")
    group.addoption("--backends", choices=("marked", "all", SQLITE),
                    default=os.environ.get("REGWATCH_TEST_BACKENDS") or "marked",
                    help="which database tests also run on PostgreSQL: those of files marked "
                         "both_backends (default), all of them, or none")


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "both_backends: the test (or the file's tests) run on SQLite and PostgreSQL")
    config.addinivalue_line("markers", "sqlite_only: the test is about SQLite itself (its file, the single "
                                       "daemon): never run on PostgreSQL, even with --backends all")
    if hasattr(config.option, "loadscopereorder"):  # xdist: keep our order (below), not its "most tests first"
        config.option.loadscopereorder = False


# Seconds each slow file took in `make test`'s run (--backends all, 2 workers; its tests' times,
# junit, 2026-12-03, with the zygote; on the shared 2-core machine at a load average of 5 to 9,
# so inflated: what counts is their order), so that xdist (--dist loadfile hands out whole
# files in collection order) starts the longest first and the run ends on short files, not
# on one long file while the other worker idles. A file not listed comes after these.
FILE_COSTS = {
    "test_announcements.py": 137, "test_cli.py": 133, "test_schedule.py": 120, "test_scale_postgres.py": 97,
    "test_crawl.py": 94, "test_alerts.py": 88, "test_crash.py": 82, "test_crawl_failures.py": 79,
    "test_announcement_spiders.py": 67, "test_check.py": 44, "test_web_browser.py": 40, "test_deadlines.py": 36,
    "test_import_html.py": 36, "test_early_warning.py": 32, "test_migrations.py": 27, "test_delivery_retry.py": 25,
    "test_xlsx_channel.py": 24, "test_notebook.py": 22, "test_fsb_spider.py": 21, "test_implausible.py": 19,
    "test_postgres_concurrency.py": 19, "test_zygote.py": 19, "test_serve_workers.py": 18, "test_queue.py": 17,
    "test_minjust_json_registers.py": 17, "test_feeds.py": 15, "test_show.py": 15,
}


def pytest_collection_modifyitems(config, items) -> None:
    items.sort(key=lambda item: -FILE_COSTS.get(item.path.name, 0))  # stable: a file's tests keep their order


def pytest_generate_tests(metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    mode = metafunc.config.getoption("--backends")
    if metafunc.definition.get_closest_marker("sqlite_only"):
        return
    if mode == "all" or (mode == "marked" and metafunc.definition.get_closest_marker("both_backends")):
        metafunc.parametrize("backend", [SQLITE, POSTGRESQL], indirect=True)


@pytest.fixture(scope="session", autouse=True)
def zygote(tmp_path_factory) -> Iterator[None]:
    """`run_regwatch`'s commands forked from a parent that imported the libraries once
    (regwatch/fakes/zygote.py): a crawl's own process costs a third of the CPU.
    REGWATCH_TEST_ZYGOTE=0: a fresh interpreter each, as the benchmarks start them."""
    if os.environ.get("REGWATCH_TEST_ZYGOTE") != "0":
        harness.use_zygote(tmp_path_factory.mktemp("zygote"))
    yield
    harness.stop_zygote()


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", SQLITE)


@pytest.fixture(scope="session")
def pg_databases(request) -> Iterator[Databases]:
    """The PostgreSQL server of this run (started on first use), to make databases on."""
    with ExitStack() as stack:
        url = request.config.getoption("--pg-url")
        try:
            url = url or stack.enter_context(throwaway_server())
        except NoServer as exc:
            if os.environ.get("CI") == "true":
                pytest.fail(f"CI=true and no PostgreSQL to test against: {exc}")
            pytest.skip(f"no PostgreSQL to test against: {exc}")
        databases = Databases(url)
        stack.callback(databases.close)
        yield databases


def _pg_database(request, template: str = "") -> str:
    databases: Databases = request.getfixturevalue("pg_databases")
    name = databases.create(template)
    request.addfinalizer(lambda: databases.drop(name))
    return databases.url(name)


@pytest.fixture
def db_url(backend, request, tmp_path) -> str:
    """An empty database of the test's backend: its URL."""
    if backend == POSTGRESQL:
        return _pg_database(request)
    return f"sqlite:///{tmp_path / 'regwatch.db'}"


@pytest.fixture
def pg_url(request) -> str:
    """An empty PostgreSQL database, for a test of what only PostgreSQL does: its URL."""
    return _pg_database(request)


def load_state(day: str) -> State:
    return State.load(FIXTURES / "api" / day)


@dataclass(frozen=True)
class Register:
    """A register on the ministry's JSON service and its two recorded states."""

    source: str
    registry_id: str
    folder: Path  # <folder>/<day>/{info,rows}.json
    first: str
    second: str
    name_key: str  # the service's field that holds the name

    def state(self, day: str) -> State:
        return State.load(self.folder / day)


DEMO_DATA = ROOT / "regwatch" / "demo_data"
REGISTERS = {r.source: r for r in (
    Register("ru_minjust_undesirable", "c2d1692e-a9f6-5a79-13ee-5da5b42980df", FIXTURES / "api",
             FIRST_DAY, SECOND_DAY, "field_5_s"),
    Register("ru_minjust_foreign_agents", "39b95df9-9a68-6b6d-e1e3-e6388507067e",
             DEMO_DATA / "minjust_foreign_agents", "2026-04-30", "2026-07-31", "field_2_s"),
    Register("ru_minjust_extremist", "59961ebb-9f0e-d885-7ebc-b90399923b03",
             DEMO_DATA / "minjust_extremist", "2026-06-30", "2026-09-19", "field_2_s"),
)}


class Workspace:
    """A data directory, the fake service, and the command line pointed at both (and at
    `database_url`, when the database is not the data directory's SQLite file)."""

    def __init__(self, fake: FakeMinjust, data_dir: Path, database_url: str = "",
                 source: str = "ru_minjust_undesirable") -> None:
        self.fake = fake
        self.data_dir = data_dir
        self.env = make_env(fake.url, data_dir)
        self.source = source
        if database_url:
            self.env["REGWATCH_DATABASE_URL"] = database_url
        self.database_url = database_url or f"sqlite:///{data_dir / 'regwatch.db'}"

    def query(self, sql: str, **params: object) -> list[tuple]:
        """Rows of one SQL statement (`:name` parameters) on the workspace's database,
        whichever it is; a statement that writes is committed."""
        engine = create_engine(self.database_url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            engine.dispose()

    def tables(self) -> dict[str, list[tuple]]:
        """Every row of every regwatch table, in a stable order: "the database did not change"."""
        from pipelines.storage.schema import metadata

        return {name: sorted(self.query(f"SELECT * FROM {name}"), key=repr) for name in metadata.tables}

    def regwatch(self, *args: str, **extra_env: str) -> Result:
        return run_regwatch(list(args), {**self.env, **extra_env})

    def crawl(self, **extra_env: str) -> Result:
        if self.source == "ru_minjust_undesirable":  # the default register: as a user types it
            return self.regwatch("crawl", **extra_env)
        return self.regwatch("crawl", self.source, **extra_env)

    @property
    def exports(self) -> Path:
        return self.data_dir / self.source

    def latest_rows(self) -> list[dict]:
        return json.loads((self.exports / "latest.json").read_text(encoding="utf-8"))["entries"]

    def changes(self) -> list[dict]:
        return json.loads(self.regwatch("changes", "--format", "json", "--source", self.source).stdout)

    def fingerprint(self) -> dict[str, bytes]:
        """Every export file's bytes: a refused crawl must leave them all as they were
        (status.json alone says when the register was last checked, and how it went)."""
        return {str(p.relative_to(self.exports)): p.read_bytes()
                for p in sorted(self.exports.rglob("*")) if p.is_file() and p.name != "status.json"}


@pytest.fixture
def fake():
    with FakeMinjust(load_state(FIRST_DAY)) as server:
        yield server


@pytest.fixture(scope="session")
def baseline_dir(tmp_path_factory) -> Path:
    """A data directory after one good crawl of 2026-07-29, made once and copied per test."""
    data_dir = tmp_path_factory.mktemp("baseline") / "out"
    with FakeMinjust(load_state(FIRST_DAY)) as server:
        result = run_regwatch(["crawl"], make_env(server.url, data_dir))
    assert result.code == 0, result.output
    return data_dir


@pytest.fixture(scope="session")
def pg_baseline(tmp_path_factory, pg_databases) -> tuple[Path, str]:
    """The same on PostgreSQL: the data directory, and the database each test copies."""
    data_dir = tmp_path_factory.mktemp("pg_baseline") / "out"
    name = pg_databases.create()
    with FakeMinjust(load_state(FIRST_DAY)) as server:
        result = run_regwatch(["crawl"], make_env(server.url, data_dir,
                                                  REGWATCH_DATABASE_URL=pg_databases.url(name)))
    assert result.code == 0, result.output
    return data_dir, name


@pytest.fixture(scope="session")
def register_baselines(tmp_path_factory) -> dict[str, Path]:
    """Per register (REGISTERS), a data directory after one good crawl of its first state,
    made once when a test first asks for it (copy it before use)."""
    made: dict[str, Path] = {}

    class Baselines(dict):
        def __missing__(self, source: str) -> Path:
            register = REGISTERS[source]
            data_dir = tmp_path_factory.mktemp(f"baseline-{source}") / "out"
            with FakeMinjust(register.state(register.first), registry_id=register.registry_id) as server:
                workspace = Workspace(server, data_dir, source=source)
                result = workspace.crawl()
            assert result.code == 0, result.output
            self[source] = data_dir
            return data_dir

    return Baselines(made)



@pytest.fixture
def workspace(fake, tmp_path, backend, request) -> Workspace:
    return Workspace(fake, tmp_path / "out", _pg_database(request) if backend == POSTGRESQL else "")


@pytest.fixture
def crawled(fake, tmp_path, backend, request) -> Workspace:
    """A workspace whose first crawl (2026-07-29) is already stored."""
    data_dir = tmp_path / "out"
    if backend == POSTGRESQL:
        baseline, template = request.getfixturevalue("pg_baseline")
        shutil.copytree(baseline, data_dir)
        return Workspace(fake, data_dir, _pg_database(request, template))
    shutil.copytree(request.getfixturevalue("baseline_dir"), data_dir)
    return Workspace(fake, data_dir)


# --- alert receivers and the configuration that subscribes them -----------------------

@pytest.fixture
def webhook():
    with WebhookReceiver(SECRET) as receiver:
        yield receiver


@pytest.fixture
def smtp():
    with SmtpReceiver() as server:
        yield server


def mail_sub(server: SmtpReceiver, name: str = "mailbox", extra: str = "") -> str:
    return f'[[subscription]]\nname = "{name}"\nurl = "{server.apprise_url()}"\n{extra}\n'

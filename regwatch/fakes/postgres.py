"""A throwaway local PostgreSQL for the tests and the benchmarks: pytest-postgresql's
executor starts one from the installed binaries (Debian's postgresql-15:
/usr/lib/postgresql/15/bin), stopped and deleted at the end (tests/conftest.py uses it
unless REGWATCH_TEST_DATABASE_URL or `--pg-url` names a server); `Databases` gives each
test a database of its own on it.

PostgreSQL refuses to run as root (as tests do in many CI containers): then pg_ctl runs
as the `postgres` user (or `nobody`) through a two-line wrapper, in a folder it owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import stat
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from pipelines.storage.data_config import database_url

# The newest installed first; REGWATCH_TEST_PG_BINDIR names another folder of PostgreSQL binaries.
BINARIES = ([Path(os.environ["REGWATCH_TEST_PG_BINDIR"]) / "pg_ctl"] if os.environ.get("REGWATCH_TEST_PG_BINDIR")
            else sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True))
# A throwaway server for tests need not survive a crash: no fsync makes its databases cheap.
# Benchmarks keep PostgreSQL's durable defaults (`durable=True`).
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
# pytest-postgresql's executor always passes -F (no fsync): a later -c wins over it.
DURABLE = "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
CONNECTIONS = "-c max_connections=200"


class NoServer(Exception):
    """No PostgreSQL to test against: neither a URL nor the binaries (or they failed)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unprivileged() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise NoServer("running as root, and neither a postgres nor a nobody user to run PostgreSQL as")


@contextmanager
def throwaway_server(pg_ctl: Path | None = None, durable: bool = False) -> Iterator[str]:
    """Start a server on 127.0.0.1 (trust authentication, user `regwatch`); yield its URL
    (no database named). Raises NoServer when PostgreSQL is not installed or will not start."""
    pg_ctl = pg_ctl or (BINARIES[0] if BINARIES else None)
    if pg_ctl is None or not pg_ctl.exists():
        raise NoServer(f"PostgreSQL is not installed (no {pg_ctl or '/usr/lib/postgresql/*/bin/pg_ctl'})")
    try:
        from pytest_postgresql.executors.proc import PostgreSQLExecutor
    except ImportError as exc:
        raise NoServer(f"pytest-postgresql is not installed ({exc})") from None
    base = Path(tempfile.mkdtemp(prefix="regwatch-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:  # "initdb: cannot be run as root"
        user = _unprivileged()
        os.chown(base, user.pw_uid, user.pw_gid)
        executable = base / "pg_ctl"
        executable.write_text(f"#!/bin/sh\nexec setpriv --reuid={user.pw_uid} --regid={user.pw_gid} "
                              f"--clear-groups {pg_ctl} \"$@\"\n")
        executable.chmod(stat.S_IRWXU)
    port = _free_port()
    server = PostgreSQLExecutor(
        executable=str(executable), host="127.0.0.1", port=port, datadir=str(base / "data"),
        unixsocketdir=str(base), logfile=str(base / "server.log"), startparams="-w",
        dbname="postgres", user="regwatch",
        postgres_options=f"{DURABLE if durable else FAST} {CONNECTIONS}")
    try:
        server.start()
    except Exception as exc:
        log = base / "server.log"
        detail = log.read_text(errors="replace")[-600:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        raise NoServer(f"{pg_ctl} would not start: {exc} {detail}") from None
    try:
        yield f"postgresql+psycopg://regwatch@127.0.0.1:{port}/postgres"
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


class Databases:
    """Fresh databases on one server, each dropped after its test (connections and all)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = database_url(server_url)
        self._admin = create_engine(self.server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def create(self, template: str = "") -> str:
        """A new database (a copy of `template`, when named); its name. Tried again for a
        few seconds: a server just started, or a template another session still holds for
        a moment, refuses at first."""
        name = f"regwatch_test_{uuid.uuid4().hex[:12]}"
        statement = text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        for attempt in range(10):
            try:
                with self._admin.connect() as conn:
                    conn.execute(statement)
                return name
            except OperationalError:
                if attempt == 9:
                    raise
                time.sleep(0.5)
        raise AssertionError("unreachable")

    def drop(self, name: str) -> None:
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        self._admin.dispose()

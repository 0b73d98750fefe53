"""A parent for the tests' `regwatch` commands that has imported the libraries once: each
command is still a process of its own (forked, so Twisted's reactor runs once in it, as in
production) with its own arguments, environment, folder and standard streams, and it
imports regwatch's own modules itself, under that environment (scraper/settings.py reads
it on import). A fresh interpreter spends most of a crawl's CPU importing Scrapy, Twisted,
SQLAlchemy and psycopg; a fork of this one does not.

Only libraries are imported here, never regwatch's code nor Twisted's reactor (Scrapy
installs its own in the child). `python -m regwatch.fakes.zygote SOCKET` serves the
socket until its standard input closes (its parent, the test process, is gone or done).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import json
import os
import random
import runpy
import selectors
import socket
import struct
import sys
import traceback

# The libraries a crawl, a delivery or a check imports, and whose import is the cost
# (each pulls in its own dependencies). A missing one is only imported by the child itself.
LIBRARIES = (
    "scrapy.crawler", "scrapy.core.engine", "scrapy.core.scheduler", "scrapy.core.scraper",
    "scrapy.core.downloader.handlers._httpx", "scrapy.core.downloader.handlers.http11",
    "scrapy.downloadermiddlewares.retry", "scrapy.downloadermiddlewares.httpcompression",
    "scrapy.downloadermiddlewares.redirect", "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.httpcache", "scrapy.downloadermiddlewares.httpproxy",
    "scrapy.downloadermiddlewares.useragent", "scrapy.downloadermiddlewares.stats",
    "scrapy.downloadermiddlewares.offsite", "scrapy.downloadermiddlewares.defaultheaders",
    "scrapy.downloadermiddlewares.downloadtimeout", "scrapy.downloadermiddlewares.httpauth",
    "scrapy.spidermiddlewares.referer", "scrapy.spidermiddlewares.depth", "scrapy.spidermiddlewares.httperror",
    "scrapy.spidermiddlewares.urllength", "scrapy.spidermiddlewares.start",
    "scrapy.extensions.feedexport", "scrapy.extensions.memusage", "scrapy.extensions.throttle",
    "scrapy.extensions.closespider", "scrapy.extensions.logstats", "scrapy.extensions.corestats",
    "scrapy.extensions.memdebug", "scrapy.extensions.spiderstate", "scrapy.extensions.postprocessing",
    "scrapy.pqueues", "scrapy.squeues", "scrapy.dupefilters", "scrapy.spiderloader", "scrapy.linkextractors",
    "scrapy.spiders", "scrapy.http", "scrapy.selector", "scrapy.logformatter", "scrapy.statscollectors",
    "twisted.internet.asyncioreactor", "twisted.web.http", "twisted.internet.ssl", "twisted.internet.endpoints",
    "sqlalchemy", "sqlalchemy.orm", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
    "sqlalchemy.dialects.postgresql.psycopg", "sqlalchemy.ext.compiler", "psycopg", "psycopg.pq",
    "alembic.runtime.migration", "alembic.operations", "alembic.command",
    "httpx2", "httpcore2", "rapidfuzz", "rapidfuzz.distance", "lxml.html", "lxml.etree", "openpyxl",
    "click", "apprise", "apscheduler.schedulers.blocking", "procrastinate",
    "cryptography.x509", "OpenSSL.SSL", "service_identity", "h2.connection", "truststore", "certifi",
    "numpy", "pandas", "jinja2", "babel.dates", "bs4", "fastapi", "starlette.applications", "uvicorn",
)
REACTOR = "twisted.internet.reactor"
OWN = ("regwatch.cli", "regwatch.web", "scraper", "pipelines", "schedules")
_STATUS = struct.Struct("!i")


def preload() -> None:
    for name in LIBRARIES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    own = sorted(m for m in sys.modules if m.startswith(OWN))
    if REACTOR in sys.modules or own:  # the child would install no reactor of its own, or read a stale env
        raise RuntimeError(f"the zygote imported {REACTOR if REACTOR in sys.modules else own}")


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become `python -m MODULE ARGS` in the request's env and folder."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the zygote's sockets and other requests' pipes
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = [request["module"], *request["args"]]
        random.seed()  # a fresh process's own random state, not the zygote's
        sys.modules.pop(request["module"], None)  # a fresh interpreter has not imported it either
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)  # python -m MODULE
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if not isinstance(exc.code, int | None):
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            # What the interpreter does on exit, and os._exit would skip: the atexit handlers
            # (logging's flush), and a last collection (Twisted reports a failed Deferred no
            # one waited for, such as a crawl refused by a bad setting, when it is collected).
            atexit._run_exitfuncs()
            gc.collect()
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(path: str) -> None:
    preload()
    gc.freeze()  # the children's collections leave the libraries' objects alone (and unwritten)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, "accept")
    selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
    print("ready", flush=True)
    while True:
        for key, _ in selector.select():
            if key.data == "stdin":
                return
            if key.data == "accept":
                conn, _ = listener.accept()
                message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 3)
                request = json.loads(message)
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    _child(request, fds)
                for fd in fds:
                    os.close(fd)
                conn.sendall(_STATUS.pack(pid))
                selector.register(os.pidfd_open(pid), selectors.EVENT_READ, (pid, conn))
            else:
                pid, conn = key.data
                selector.unregister(key.fileobj)
                os.close(key.fd)
                _, status = os.waitpid(pid, 0)
                with contextlib.suppress(OSError):  # the test gave up on it (a timeout) and left
                    conn.sendall(_STATUS.pack(os.waitstatus_to_exitcode(status)))
                conn.close()


if __name__ == "__main__":
    serve(sys.argv[1])

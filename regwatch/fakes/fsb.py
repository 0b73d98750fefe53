"""A local fake of the FSB's page of the terrorist list (www.fsb.ru/fsb/npd/terror.htm),
for tests and trying regwatch offline.

It serves one recorded state of the page (regwatch/demo_data/fsb_terrorist/<date>/) at
`/fsb/npd/terror.htm`, as the FSB does: windows-1251, with the charset in the header.
The state can be switched while it runs, and it misbehaves on purpose: a fault says
what goes wrong and for how many requests.

Run by hand: python -m regwatch.fakes.fsb [STATE_DIR] [--port 8080]
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from regwatch.fakes.server import LocalServer, QuietHandler

PAGE_PATH = "/fsb/npd/terror.htm"
STATES = Path(__file__).resolve().parents[1] / "demo_data" / "fsb_terrorist"
EARLIER, LATER = STATES / "2024-12-31", STATES / "2026-09-16"
CONTENT_TYPE = "text/html; charset=windows-1251"

FAULT_KINDS = ("truncated", "reset", "status_500", "error_page", "captcha", "slow", "timeout",
               "trickle", "wrong_charset")
# An HTML error page served with status 200, as a proxy or CMS in front of the site does.
ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>"
              b"<body><h1>Service Temporarily Unavailable</h1></body></html>")
# An anti-bot check instead of the page (status 200, a form).
CAPTCHA_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Проверка браузера</title>"
                "</head><body><p>Подтвердите, что запросы отправляли вы, а не робот.</p>"
                "<form method=\"post\"><input name=\"captcha\"></form></body></html>").encode()


def load_page(folder: Path) -> bytes:
    return (Path(folder) / "terror.htm").read_bytes()


@dataclass
class Fault:
    kind: str  # one of FAULT_KINDS
    times: int | None = None  # how many requests it hits; None: all of them
    delay: float = 5.0  # "slow", "timeout": the stall (then the page, or a close); "trickle": between bytes

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(FAULT_KINDS)}")


@dataclass
class Seen:
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.time)


class FakeFsb(LocalServer):
    """The fake site on 127.0.0.1 (port 0 picks a free one). Use as a context manager."""

    def __init__(self, page: bytes, port: int = 0) -> None:
        self.page = page
        self.requests: list[Seen] = []
        self._listen(port, self._handler_class())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def serve(self, page: bytes) -> None:
        with self._lock:
            self.page = page

    def fail(self, kind: str, times: int | None = None, delay: float = 5.0) -> None:
        with self._lock:
            self.faults.append(Fault(kind, times, delay))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                with fake._lock:
                    fake.requests.append(Seen(self.path, dict(self.headers)))
                    page = fake.page
                if urlsplit(self.path).path != PAGE_PATH:
                    return self._send(404, b"<html><body>Not found</body></html>", "text/html")
                fault = fake._take_fault()
                if fault is None:
                    return self._send(200, page, CONTENT_TYPE)
                return self._misbehave(fault, page)

            def _misbehave(self, fault: Fault, page: bytes) -> None:
                kind = fault.kind
                if kind == "reset":  # SO_LINGER 0 makes close() send RST
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                elif kind in ("timeout", "slow"):
                    time.sleep(fault.delay)
                    self.close_connection = True
                    if kind == "slow":
                        self._send(200, page, CONTENT_TYPE)
                elif kind == "truncated":  # the first half, sent as if whole
                    self._send(200, page[:len(page) // 2], CONTENT_TYPE)
                elif kind == "status_500":
                    self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
                elif kind == "error_page":
                    self._send(200, ERROR_PAGE, "text/html; charset=utf-8")
                elif kind == "captcha":
                    self._send(200, CAPTCHA_PAGE, "text/html; charset=utf-8")
                elif kind == "wrong_charset":  # windows-1251 bytes that say UTF-8 everywhere
                    self._send(200, page.replace(b"charset=windows-1251", b"charset=utf-8"),
                               "text/html; charset=utf-8")
                elif kind == "trickle":
                    self._trickle(page, fault.delay, CONTENT_TYPE)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", type=Path, nargs="?", default=LATER, help="a folder with terror.htm")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    with FakeFsb(load_page(args.state), port=args.port) as fake:
        print(f"fake FSB page at {fake.url}{PAGE_PATH} (REGWATCH_FSB_URL={fake.url}); Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()

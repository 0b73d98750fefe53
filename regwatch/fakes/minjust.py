"""A local fake of the Ministry of Justice registry service, for tests and `regwatch demo`.

It speaks the same protocol as reestrs.minjust.gov.ru (see the fixtures README):
GET  /rest/registry/<id>/info, POST /rest/registry/<id>/values (offset/limit, limit
silently capped at 1000, `size` the total), GET /rest/registry/<id>/export (XLSX).
It serves one state of each of several registers at once, routed by registry id (by
default one: the register of "undesirable" organisations; `registry_id` for another,
`registers` for more), and can misbehave on purpose: a fault names the route it hits,
what goes wrong, for how many requests, and optionally the one register it hits.

Run by hand: python -m regwatch.fakes.minjust STATE_DIR [--port 8080] [--registry-id ID]
             [--register ID=STATE_DIR …]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from regwatch.fakes.server import LocalServer, QuietHandler

REGISTRY_ID = "c2d1692e-a9f6-5a79-13ee-5da5b42980df"  # the register of "undesirable" organisations
SERVER_CAP = 1000
JSON_TYPE = "application/json;charset=UTF-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

FAULT_KINDS = ("truncated", "broken_json", "html_200", "reset", "timeout", "status_500",
               "status_403", "size_mismatch", "slow", "trickle", "stalled")


@dataclass
class State:
    """One state of the register: the /info reply, the rows, the XLSX export."""

    info: dict
    rows: list[dict]
    export: bytes = b""
    _ordered: tuple[int, int, list[dict]] | None = field(default=None, init=False, repr=False, compare=False)
    _encoded: dict[tuple[int, int], bytes] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _in_order(self) -> list[dict]:
        """The rows by number, sorted once (not once per page: a 100 000-row state would cost
        the benchmarks' crawls a second and a half of waiting); again if `rows` was replaced or grew."""
        made = self._ordered
        if made is None or made[0] != id(self.rows) or made[1] != len(self.rows):
            by_number = sorted(self.rows, key=lambda r: r.get("field_1_i", 0))
            made = self._ordered = (id(self.rows), len(self.rows), by_number)
            self._encoded.clear()
        return made[2]

    @classmethod
    def load(cls, folder: Path) -> State:
        folder = Path(folder)
        export = folder / "export.xlsx"
        return cls(
            info=json.loads((folder / "info.json").read_text(encoding="utf-8")),
            rows=json.loads((folder / "rows.json").read_text(encoding="utf-8")),
            export=export.read_bytes() if export.exists() else b"",
        )

    def page(self, offset: int, limit: int) -> dict:
        """The /values reply for `limit` rows from `offset`, by number; `size` is the whole register's."""
        rows = self._in_order()
        return {"offset": offset, "limit": limit, "size": len(rows), "values": rows[offset:offset + limit],
                "facets": []}

    def encoded_page(self, offset: int, limit: int) -> bytes:
        """page() as the reply's bytes: made by encode_pages before, or now."""
        self._in_order()  # first: a replaced or grown `rows` forgets the pages encoded before
        return self._encoded.get((offset, limit)) or encoded(self.page(offset, limit))

    def encode_pages(self, limit: int) -> None:
        """Encode every page of `limit` rows now, for a state whose rows are not edited
        afterwards. The benchmarks do this before a timed crawl: the real service encodes
        its replies on its own machines, so the fake's encoding (about 0.8 s of CPU for
        100 000 rows) should not share the crawl's two cores."""
        self._in_order()
        self._encoded.update({(offset, limit): encoded(self.page(offset, limit))
                              for offset in range(0, len(self.rows), limit)})


def encoded(data: object) -> bytes:
    """A JSON reply's body, as the service sends it."""
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


@dataclass
class Fault:
    kind: str  # one of FAULT_KINDS
    route: str = "values"  # "info", "values", "export" or "any"
    times: int | None = None  # how many requests it hits; None: all of them
    delay: float = 5.0  # for "timeout" and "slow": how long to stall (then close, or answer);
    # for "trickle": the pause between bytes of the reply, sent one at a time
    registry_id: str | None = None  # the one register it hits; None: every register

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {', '.join(FAULT_KINDS)}")


@dataclass
class Seen:
    method: str
    path: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.time)  # when it arrived (for time-to-alert figures)


class FakeMinjust(LocalServer):
    """The fake service on 127.0.0.1 (port 0 picks a free one). Use as a context manager."""

    def __init__(self, state: State | None = None, port: int = 0, cap: int = SERVER_CAP,
                 tls: ssl.SSLContext | None = None, registry_id: str = REGISTRY_ID,
                 registers: Mapping[str, State] | None = None) -> None:
        """`state` of the register `registry_id`, and `registers` (registry id → state) beside it."""
        self.registry_id = registry_id  # the register `serve` and `state` mean when they name none
        self.states: dict[str, State] = {} if state is None else {registry_id: state}
        self.states.update(registers or {})
        if not self.states:
            raise ValueError("the fake needs at least one register's state")
        self.cap = cap
        self.requests: list[Seen] = []
        self.released = threading.Event()  # what a "stalled" reply waits for (release())
        self._listen(port, self._handler_class())
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        host = "localhost" if self.scheme == "https" else "127.0.0.1"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def state(self) -> State:
        return self.states[self.registry_id]

    def serve(self, state: State, registry_id: str | None = None) -> None:
        """From now on, this state of the register (by default `registry_id`'s)."""
        with self._lock:
            self.states[registry_id or self.registry_id] = state

    def fail(self, kind: str, route: str = "values", times: int | None = None,
             delay: float = 5.0, registry_id: str | None = None) -> None:
        with self._lock:
            self.faults.append(Fault(kind, route, times, delay, registry_id))

    def release(self) -> None:
        """Let every "stalled" reply go, now and from now on."""
        self.released.set()

    def _fault_for(self, route: str, registry_id: str) -> Fault | None:
        return self._take_fault(lambda f: f.registry_id in (None, registry_id) and f.route in (route, "any"))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def _dispatch(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
                path = urlsplit(self.path).path  # servers accept absolute-form targets too (RFC 9112 3.2.2)
                registry_id, _, route = path.removeprefix("/rest/registry/").partition("/")
                with fake._lock:
                    fake.requests.append(Seen(method, self.path, body, dict(self.headers)))
                    state = fake.states.get(registry_id)
                if (not path.startswith("/rest/registry/") or state is None
                        or route not in ("info", "values", "export")):
                    return self._send(404, b"<html><body>Not found</body></html>", "text/html")
                fault = fake._fault_for(route, registry_id)
                if fault and self._misbehave(fault):
                    return
                if route == "info":
                    return self._json(state.info)
                if route == "export":
                    return self._send(200, state.export, XLSX_TYPE)
                if method != "POST":
                    return self._json({"error": "use POST"}, status=405)
                return self._values(state, body, fault)

            def _values(self, state: State, body: str, fault: Fault | None) -> None:
                try:
                    query = json.loads(body or "{}")
                    offset = int(query.get("offset", 0))
                    limit = min(int(query.get("limit", 10)), fake.cap)
                except (ValueError, TypeError, AttributeError):
                    return self._json({"error": "bad request"}, status=400)
                if fault and fault.kind in ("truncated", "size_mismatch"):
                    reply = state.page(offset, limit)
                    if fault.kind == "truncated":
                        reply["values"] = reply["values"][: len(reply["values"]) // 2] if offset == 0 else []
                    else:
                        reply["size"] += 7
                    data = encoded(reply)
                else:
                    data = state.encoded_page(offset, limit)
                if fault and fault.kind == "broken_json":
                    data = data[: len(data) // 2]
                if fault and fault.kind == "trickle":
                    return self._trickle(data, fault.delay, JSON_TYPE)
                self._send(200, data, JSON_TYPE)

            def _misbehave(self, fault: Fault) -> bool:
                """Act out a fault that replaces the whole reply; False for faults in the data."""
                if fault.kind == "reset":
                    # SO_LINGER 0 makes close() send RST: a reset, as the real host does abroad.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return True
                if fault.kind == "stalled":  # answers once the test says so (release()), or after `delay`
                    fake.released.wait(fault.delay)
                    return False
                if fault.kind in ("timeout", "slow"):
                    time.sleep(fault.delay)
                    self.close_connection = True
                    return fault.kind == "timeout"  # a slow reply then comes as usual
                if fault.kind == "html_200":
                    self._send(200, "<!DOCTYPE html><html><body><h1>Сервис временно недоступен</h1>"
                                    "</body></html>".encode(), "text/html; charset=utf-8")
                    return True
                if fault.kind in ("status_500", "status_403"):
                    status = int(fault.kind.split("_")[1])
                    self._send(status, b"<html><body>error</body></html>", "text/html")
                    return True
                return False

            def _json(self, data: object, status: int = 200) -> None:
                self._send(status, encoded(data), JSON_TYPE)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("state", type=Path, help="folder with info.json, rows.json, export.xlsx")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--registry-id", default=REGISTRY_ID, help="the register's id in the URLs")
    parser.add_argument("--register", action="append", default=[], metavar="ID=STATE_DIR",
                        help="one more register to serve beside it (repeatable)")
    args = parser.parse_args()
    more = {}
    for item in args.register:
        registry_id, sep, folder = item.partition("=")
        if not sep:
            parser.error(f"--register {item!r}: expected ID=STATE_DIR")
        more[registry_id] = State.load(Path(folder))
    with FakeMinjust(State.load(args.state), port=args.port, registry_id=args.registry_id,
                     registers=more) as fake:
        print(f"fake registry service at {fake.url} (REGWATCH_MINJUST_URL={fake.url}); Ctrl-C stops")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()

"""A local fake of a news site or feed, for the announcement spiders: pages recorded from
the real site (tests/fixtures/announcements/<source>/), served on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ERROR_PAGE = (b"<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>"
              b"<body><h1>Service Temporarily Unavailable</h1><p>Try again later.</p></body></html>")


class FakeSite:
    """A site's pages as `<folder>/routes.json` maps them (path → file), on 127.0.0.1;
    `broken` answers every listing (`listings`: their paths) with an HTML error page (HTTP
    200, as some portals do)."""

    def __init__(self, folder: Path, listings: Iterable[str] = ()) -> None:
        self.folder = folder
        self.routes = json.loads((self.folder / "routes.json").read_text(encoding="utf-8"))
        self.listings = set(listings)
        self.requests: list[str] = []  # every path asked for but /robots.txt
        self.broken = False
        self.robots: str | None = None  # the robots.txt served; None: 404, everything allowed
        self.robots_asked = 0

    def page(self, route: str) -> bytes:
        return (self.folder / self.routes[route]).read_bytes()

    def __enter__(self) -> FakeSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/robots.txt":
                    site.robots_asked += 1
                    if site.robots is None:
                        self.send_error(404)
                    else:
                        self.reply(site.robots.encode(), "text/plain")
                    return
                site.requests.append(self.path)
                if site.broken and self.path in site.listings:
                    body, kind = ERROR_PAGE, "text/html"
                elif self.path in site.routes:
                    body = site.page(self.path)
                    kind = "application/rss+xml" if self.routes_to_xml() else "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
                self.reply(body, kind)

            def reply(self, body: bytes, kind: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def routes_to_xml(self) -> bool:
                return site.routes[self.path].endswith(".xml")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

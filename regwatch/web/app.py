"""`regwatch serve`: the register, its history and the name check on the web.

Server-rendered HTML (no JavaScript at all) and a JSON API under /api/. Read-only for
the public: only `POST /api/crawl` does work, and it needs the operator's token.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pipelines.storage.data_config import DataConfig
from pipelines.storage.store import Store
from regwatch.web import api, pages
from regwatch.web.context import NothingYet, WebContext
from regwatch.web.crawling import CrawlRunner, crawl_command
from regwatch.web.downloads import made_if_lagging
from regwatch.web.i18n import translator
from regwatch.web.params import BadRequest
from regwatch.web.render import View
from regwatch.web.state import LiveRegister
from scraper.registers.metadata import SourceMeta, all_sources, load_source

STATIC = Path(__file__).parent / "static"
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
     b"base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (plain ASGI: no per-request overhead of its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(data_config: DataConfig, token: str | None = None,
               source: str = "ru_minjust_undesirable", recheck_seconds: float = 1.0,
               crawl: Sequence[str] | None = None,
               false_positives: Sequence[tuple[str, str]] = (), store: Store | None = None) -> FastAPI:
    """The web app of every register: `source`, the default, at `/…`; each register (the
    default too) at `/r/<register>/…`. `token`: the bearer token `POST /api/crawl` needs
    (None disables it); `crawl`: the command it runs (default `regwatch crawl REGISTER`);
    `false_positives`: (query, entry_id) pairs the check rules out, as `regwatch check` does;
    `store`: the database opened already (the app closes it when it stops)."""
    store = store or Store(data_config.database_url)
    default = load_source(source)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(title="regwatch", version=version("regwatch"), lifespan=lifespan,
                  description="Official Russian registers of “undesirable”, extremist and terrorist "
                              "organisations and of foreign agents, and their history, as JSON. "
                              "Every call under /api/ is about the default register "
                              f"({default.source}); under /r/REGISTER/api/ about that register.",
                  docs_url=None, redoc_url=None)  # /docs is our own page (see pages.api_docs)

    def context(meta: SourceMeta) -> WebContext:
        command = crawl or crawl_command(meta.source)
        def make_workbooks() -> None:  # the XLSX of a new snapshot, made before anyone asks for it
            try:
                for name in (f"{meta.source}/latest.xlsx", "all/latest.xlsx"):
                    made_if_lagging(data_config.data_dir, name, {meta.source}, data_config.database_url)
            except OSError:  # a full disk, say: the first download tries again
                logging.getLogger("regwatch.web").exception("the workbooks of %s", meta.source)

        return WebContext(data_config, meta, store, LiveRegister(store, meta, recheck_seconds, make_workbooks),
                          CrawlRunner(command, data_config.data_dir / f"web-crawl-{meta.source}.log"),
                          token or None, tuple(false_positives))

    metas = [default, *(m for m in all_sources() if m.source != default.source)]
    app.state.registers = {meta.source: context(meta) for meta in metas}
    app.state.web = app.state.registers[default.source]
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(pages.site)
    # The same routes for each register by name; the API's schema lists them once.
    app.include_router(api.router, prefix="/r/{register}", include_in_schema=False)
    app.include_router(pages.router, prefix="/r/{register}")
    app.add_exception_handler(BadRequest, _bad_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(NothingYet, _nothing_yet)
    app.add_exception_handler(Exception, _server_error)
    app.add_middleware(SecurityHeaders)
    return app


_API_PATH = re.compile(r"(/r/[^/]+)?/api/")


def _is_api(request: Request) -> bool:
    return _API_PATH.match(request.url.path) is not None


def _error(request: Request, status_code: int, key: str, headers: dict[str, str] | None = None,
           **values: object) -> Response:
    """The error as JSON (in English) under /api/, else as a page in the visitor's language."""
    if _is_api(request):
        reply: Response = JSONResponse({"error": translator("en")(key, **values)},
                                       status_code=status_code)
    else:
        view = View(request)
        title = view.t("web.not_found_title") if status_code == 404 else view.t("web.error.title")
        reply = view.render("error.html", status_code=status_code, title=title,
                            message=view.t(key, **values))
    reply.headers.update(headers or {})
    return reply


async def _bad_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadRequest)
    return _error(request, exc.status_code, exc.key, **exc.values)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return _error(request, 404, "web.not_found_text")
    return _error(request, exc.status_code, "web.error.http_error", headers=exc.headers,
                  status=exc.status_code, detail=exc.detail)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg', '')}"
                         for e in exc.errors())
    return _error(request, 400, "web.error.bad_parameters", problems=problems[:300])


async def _nothing_yet(request: Request, _exc: Exception) -> Response:
    """Before the first crawl a page is not an error: it says there is nothing yet."""
    if _is_api(request):
        return _error(request, 503, "web.nothing.text")
    view = View(request)
    return view.render("empty.html", title=view.t("web.nothing.title"))


async def _server_error(request: Request, _exc: Exception) -> Response:
    """Still a 500, but a page that says so in words; the server logs the traceback."""
    return _error(request, 500, "web.error.server_error")

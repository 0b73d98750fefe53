"""HTML pages: one Jinja2 environment (autoescape always on) and the per-request view
that knows the visitor's language and builds links that keep it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import HTMLResponse

from pipelines.register.diff import format_value
from pipelines.register.models import Entry
from regwatch.web import i18n
from regwatch.web.context import WebContext, web_context
from regwatch.web.downloads import human_size
from regwatch.web.params import BadRequest

TEMPLATES = Path(__file__).parent / "templates"

# autoescape=True for every template, whatever its file name: names contain quotes and «»
environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
environment.filters["size"] = human_size
environment.filters["stamp"] = lambda iso: (iso or "")[:16].replace("T", " ") + (" UTC" if iso else "")


class View:
    """The visitor's language, and links and pages in it."""

    def __init__(self, request: Request) -> None:
        self.request = request
        register = request.path_params.get("register")
        # Links stay inside the register the page shows (/r/<register>/…, or the default's /…).
        self.prefix = f"/r/{register}" if register else ""
        self.path = request.url.path.removeprefix(self.prefix) or "/"  # the page, without it
        self.lang = i18n.pick_language(request.query_params.get("lang"),
                                       request.headers.get("accept-language"))
        self.t = i18n.translator(self.lang)

    def url(self, path: str, params: dict[str, str] | None = None, **more: str) -> str:
        """A link inside the site, in this language; empty values left out."""
        values = {k: v for k, v in {**(params or {}), **more}.items() if v not in ("", None)}
        values["lang"] = self.lang
        return quote(self.link(path), safe="/") + "?" + urlencode(values)

    def link(self, path: str) -> str:
        """A path inside the register shown (a form's action, a file); `url` adds the language."""
        return self.prefix + path if path.startswith("/") else path

    def switch_url(self) -> str:
        """This page in the other language."""
        other = next(lang for lang in i18n.LANGUAGES if lang != self.lang)
        values = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return quote(self.request.url.path, safe="/") + "?" + urlencode([*values, ("lang", other)])

    def column(self, name: str) -> str:
        return i18n.column_label(name, self.lang)

    def country(self, code: str, published: str = "") -> str:
        return i18n.country_label(code, self.lang, published)

    @staticmethod
    def cell(entry: Entry, column: str) -> str:
        """An entry's value as the CSV has it (lists joined by " | ")."""
        return format_value(getattr(entry, column))

    def outcome(self, outcome: str) -> str:
        """A crawl's outcome (status.json) in words."""
        return i18n.outcome_label(outcome, self.t)

    def registers(self, shown: str) -> list[tuple[str, str, bool]]:
        """(short name, link, whether it is `shown`) of every register, for the switcher."""
        return [(web.meta.short(self.lang), f"/r/{source}/?" + urlencode({"lang": self.lang}), source == shown)
                for source, web in self.request.app.state.registers.items()]

    def render(self, template: str, status_code: int = 200, web: WebContext | None = None,
               **context: object) -> HTMLResponse:
        """`web`: the register the page is about, when not the one its address names."""
        try:
            web = web or web_context(self.request)
        except BadRequest:  # an unknown register's error page: the default register's frame
            web = self.request.app.state.web
        html = environment.get_template(template).render(
            view=self, t=self.t, lang=self.lang, url=self.url, link=self.link, meta=web.meta,
            status=web.status(), path=self.path, **context)
        return HTMLResponse(html, status_code=status_code)

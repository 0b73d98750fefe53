"""The HTML pages. Each route reads its parameters, asks a pure function, renders a template."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response
from markupsafe import Markup

from pipelines.announcements import articles
from pipelines.publish.dictionary import CHANGE_COLUMNS, column_meaning, export_columns
from pipelines.publish.feeds import ATOM_FILE, ATOM_LIMIT, announcements_atom
from pipelines.register.stats import monthly_designations, yearly_designations
from regwatch.web import chart, params
from regwatch.web.context import WebContext, today, web_context
from regwatch.web.downloads import (
    UTF8_BOM,
    PublishedFile,
    combined_files,
    data_file,
    latest_files,
    made_if_lagging,
    published,
    snapshot_files,
)
from regwatch.web.everywhere import check_everywhere
from regwatch.web.i18n import how_text
from regwatch.web.register import (
    CHANGE_KINDS,
    NO_COUNTRY,
    ORDERS,
    SORTS,
    STATUSES,
    ChangesQuery,
    RegisterQuery,
    select,
    select_changes,
)
from regwatch.web.render import View
from regwatch.web.state import RegisterState
from scraper.items import utc_now

router = APIRouter(include_in_schema=False)
# Pages of the whole site, once (not under each register's /r/<register>/).
site = APIRouter(include_in_schema=False)

# What the API page links to as an example of each call.
API_EXAMPLES = {
    "/api/entries": "/api/entries?country=DE&sort=listed_on&order=desc",
    "/api/entries/{entry_id}": "/api/entries/ru_minjust_undesirable/57",
    "/api/check": "/api/check?q=Bellingcat",
    "/api/changes": "/api/changes?kind=added",
    "/api/announcements": "/api/announcements?status=pending",
}


def _web(request: Request) -> WebContext:
    return web_context(request)


@router.get("/")
def register_page(request: Request) -> Response:
    view, web = View(request), _web(request)
    state, day = web.crawled_state(), today()

    def render() -> Response:
        query = RegisterQuery.parse(request.query_params, day)
        return view.render("register.html", title=view.t("web.register.title"), state=state, query=query,
                           result=select(state.entries, state.folded_names, query),
                           options=_filter_options(view, state))

    shown = state.snapshot and (state.snapshot.id, state.snapshot.taken_at)
    key = (request.url.path, str(request.query_params), view.lang, shown, web.status_stamp(), day)
    return web.pages.page(key, render)


def _filter_options(view: View, state: RegisterState) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of each filter's choices, in the page's language."""
    return {
        "status": [(s, view.t(f"status.{s}")) for s in STATUSES],
        "country": [(c.code, f"{view.country(c.code, c.published)} · {c.count}")
                    for c in state.countries] + [(NO_COUNTRY, view.t("web.no_country"))],
        "year": [(str(y), str(y)) for y in state.years],
        "sort": [(column, view.t(f"web.sort.{column}")) for column in SORTS],
        "order": [(order, view.t(f"web.order.{order}")) for order in ORDERS],
    }


@router.get("/check")
def check_page(request: Request) -> Response:
    view, web = View(request), _web(request)
    state = web.crawled_state()
    query = params.text(request.query_params.get("q"))
    found = check_everywhere(request.app.state.registers, web.meta.source, query, view.lang) if query else None
    decided = found.deciding if found else None
    answer = decided.answer if decided else None
    return view.render("check.html", title=view.t("web.check.title"), state=state, query=query,
                       asked="q" in request.query_params, found=found, decided=decided, answer=answer,
                       verdict=answer.verdict if answer else None, kind=decided.kind if decided else "",
                       how=how_text)


@router.get("/entry/{entry_id:path}")
def entry_page(request: Request, entry_id: str) -> Response:
    view, web = View(request), _web(request)
    history = web.history(entry_id)
    # An entry's page shows its own register's frame, whichever address it was reached by.
    owner = request.app.state.registers.get(entry_id.split("/", 1)[0], web)
    return view.render("entry.html", web=owner, title=history.entry.name, history=history,
                       entry=history.entry, columns=export_columns(owner.meta.source),
                       read_from={v.snapshot_id: web.replies(v.snapshot_id) for v in history.versions})


@router.get("/changes")
def changes_page(request: Request) -> Response:
    view, state = View(request), _web(request).crawled_state()
    query = ChangesQuery.parse(request.query_params, today())
    return view.render("changes.html", title=view.t("web.changes.title"), query=query,
                       result=select_changes(state.changes, query), today=today().isoformat(),
                       kind_options=[(k, view.t(f"web.kind.{k}")) for k in CHANGE_KINDS])


@router.get("/announcements")
def announcements_page(request: Request) -> Response:
    view, web = View(request), _web(request)
    status = params.choice(request.query_params.get("status"), "status", articles.STATUSES) or None
    numbers = {e.entry_id: e.number for e in web.state().entries}  # the entries' current numbers
    return view.render("announcements.html", title=view.t("web.announcements.title"), chosen=status,
                       events=web.announcements(status), numbers=numbers,
                       status_options=[(s, view.t(f"web.announced.{s}")) for s in articles.STATUSES])


@router.get("/announcements.atom")
def announcements_feed(request: Request) -> Response:
    """The announced designations (not prosecutions), newest 200, for a feed reader."""
    events = [e for e in _web(request).announcements() if e["status"] != articles.NOT_DESIGNATION]
    return Response(announcements_atom(events[:ATOM_LIMIT], utc_now()), media_type="application/atom+xml")


@router.get("/changes.atom")
def atom_feed(request: Request) -> Response:
    feed = published(_web(request).folder, ATOM_FILE)
    if feed is None:
        raise params.NotFound("web.not_found_text")
    return FileResponse(feed.path, media_type=feed.media_type)


@router.get("/downloads")
def downloads_page(request: Request) -> Response:
    view, web = View(request), _web(request)
    for name in (f"{web.meta.source}/latest.xlsx", "all/latest.xlsx"):  # their sizes are shown
        _made_if_lagging(request, name)
    combined = combined_files(web.config.data_dir)
    return view.render("downloads.html", title=view.t("web.downloads.title"),
                       latest=latest_files(web.folder), snapshots=snapshot_files(web.folder),
                       combined=combined if combined["latest.csv"] else None,
                       export_columns=export_columns(web.meta.source), change_columns=CHANGE_COLUMNS,
                       meaning=column_meaning, source=web.meta.source)


@router.get("/downloads/{name:path}")
def download(request: Request, name: str) -> Response:
    """A published file as an attachment; `?bom=1` puts a byte-order mark before a CSV so
    that Excel reads it as UTF-8 (the file on disk stays as published)."""
    web = _web(request)
    _made_if_lagging(request, f"{web.meta.source}/{name}")
    return _attachment(request, published(web.folder, name), web.meta.source)


@site.get("/data/{name:path}")
def data_download(request: Request, name: str) -> Response:
    """The data package of every register (/data/datapackage.json), the combined export
    (/data/all/latest.csv …) and each register's files (/data/<register>/latest.csv …),
    laid out as in the data directory so the package's paths resolve."""
    web = _web(request)
    _made_if_lagging(request, name)
    return _attachment(request, data_file(web.config.data_dir, name, request.app.state.registers), "regwatch")


def _made_if_lagging(request: Request, name: str) -> None:
    web = _web(request)
    made_if_lagging(web.config.data_dir, name, request.app.state.registers, web.config.database_url)


@site.get("/raw/{sha256}")
def raw_reply(request: Request, sha256: str) -> Response:
    """A raw reply as the official service served it (by its SHA-256), whichever process
    archived it. Shown, never run: the site's Content-Security-Policy (app.py) lets a
    served HTML page load no script."""
    row, body = _web(request).raw_reply(sha256)
    return Response(body, media_type=row["content_type"] or "application/octet-stream")


def _attachment(request: Request, found: PublishedFile | None, prefix: str) -> Response:
    if found is None:
        raise params.NotFound("web.not_found_text")
    bom = params.choice(request.query_params.get("bom"), "bom", ("1",)) and found.name.endswith(".csv")
    filename = found.download_name(prefix)
    if bom:
        return Response(UTF8_BOM + found.path.read_bytes(), media_type=found.media_type,
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return FileResponse(found.path, media_type=found.media_type, filename=filename)


@router.get("/chart")
def chart_page(request: Request) -> Response:
    view, state = View(request), _web(request).crawled_state()
    months = monthly_designations(state.entries, state.read_on)
    text = chart.ChartText(
        view.t("web.chart.title"),
        view.t("web.chart.desc", first=months[0].period, last=months[-1].period,
               total=months[-1].cumulative) if months else "",
        view.t("web.chart.axis_month"), view.t("web.chart.axis_total"))
    return view.render("chart.html", title=view.t("web.chart.title"), months=months,
                       years=yearly_designations(months),
                       wide=Markup(chart.render_chart(months, text, chart.WIDE)),  # escaped there
                       narrow=Markup(chart.render_chart(months, text, chart.NARROW)))


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The API described from the OpenAPI document, self-contained: FastAPI's own /docs
    loads Swagger UI from a CDN, which offline readers and our CSP would both block."""
    view = View(request)
    spec = request.app.openapi()
    operations = [(path, method.upper(), op) for path, methods in spec["paths"].items()
                  for method, op in methods.items()]
    return view.render("docs.html", title=view.t("web.api.title"), operations=operations,
                       examples=API_EXAMPLES)

"""The JSON API: the same data as the pages, described at /openapi.json.

Read-only, except `POST /api/crawl`, which needs the operator's token.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from pipelines.announcements import articles
from pipelines.matching.index import verdict_record
from pipelines.publish.export import change_record, entry_record
from pipelines.register.stats import by_field, monthly_designations, yearly_designations
from regwatch.web import params
from regwatch.web.context import WebContext, today, web_context
from regwatch.web.crawling import refusal
from regwatch.web.everywhere import check_everywhere
from regwatch.web.register import (
    CHANGE_KINDS,
    NO_COUNTRY,
    SORTS,
    STATUSES,
    ChangesQuery,
    RegisterQuery,
    ResultPage,
    select,
    select_changes,
)
from regwatch.web.state import RegisterState

router = APIRouter(prefix="/api", tags=["register"])

_ERRORS = {
    401: "Authorization: Bearer <token> is required",
    403: "the token is not the one configured",
    503: "no REGWATCH_API_TOKEN is configured: crawling from the web is disabled",
}


def _state(request: Request) -> RegisterState:
    web: WebContext = web_context(request)
    return web.crawled_state()


def _taken(state: RegisterState) -> str:
    return state.snapshot.taken_at if state.snapshot else ""


def _page(result: ResultPage) -> dict[str, int]:
    return {"total": result.total, "page": result.page, "pages": result.pages}


@router.get("/entries", summary="The register: filter, sort, page (100 entries a page)")
def entries(
    request: Request,
    q: str | None = Query(None, description="Text the name contains (case, accents, quotes ignored)"),
    status: str | None = Query(None, description=" or ".join(STATUSES)),
    country: str | None = Query(None, description=f"ISO 3166-1 alpha-2 code, or {NO_COUNTRY}"),
    year: str | None = Query(None, description="Year designated (inclusion order, else decision)"),
    sort: str | None = Query(None, description=", ".join(SORTS)),
    order: str | None = Query(None, description="asc or desc"),
    page: str | None = Query(None, description="Page number, from 1"),
) -> dict[str, Any]:
    state = _state(request)
    given = {"q": q, "status": status, "country": country, "year": year, "sort": sort,
             "order": order, "page": page}
    query = RegisterQuery.parse({k: v for k, v in given.items() if v is not None}, today())
    result = select(state.entries, state.folded_names, query)
    return {"source": state.meta.source, "snapshot_taken_at": _taken(state), **_page(result),
            "entries": [entry_record(e) for e in result.items]}


@router.get("/entries/{entry_id:path}", summary="One entry with its full history")
def entry(request: Request, entry_id: str) -> dict[str, Any]:
    web: WebContext = web_context(request)
    history = web.history(entry_id)
    return {
        "entry": entry_record(history.entry),
        "in_published_register": history.present,
        "versions": [{"valid_from": v.valid_from, "snapshot_id": v.snapshot_id,
                      "published_cells": dict(v.entry.raw), "entry": entry_record(v.entry)}
                     for v in history.versions],
        "changes": [change_record(c) for c in history.changes],
    }


@router.get("/check", summary="Is this organisation or person listed, in this register and in each? "
                            "(“listed” only for a confident match)")
def check(request: Request,
          q: str = Query("", description="An organisation's or a person's name, in any language or "
                                         "spelling, or an INN or OGRN")
          ) -> dict[str, Any]:
    state, web = _state(request), web_context(request)
    query = params.text(q)
    found = check_everywhere(request.app.state.registers, web.meta.source, query)
    verdict = found.own_verdict(state) if found else None
    if verdict is None or found is None:
        raise params.BadRequest("web.check.empty")
    # The keys before `registers` are this register's name check, as they always were.
    return {**verdict_record(verdict), "register_as_of": _taken(state),
            "listed_anywhere": found.listed, "registers": found.record()}


@router.get("/changes", summary="Changes detected, newest first (100 a page)")
def changes(
    request: Request,
    since: str | None = Query(None, description="Only changes detected on or after this day (YYYY-MM-DD)"),
    kind: str | None = Query(None, description=", ".join(CHANGE_KINDS)),
    page: str | None = Query(None, description="Page number, from 1"),
) -> dict[str, Any]:
    state = _state(request)
    given = {"since": since, "kind": kind, "page": page}
    query = ChangesQuery.parse({k: v for k, v in given.items() if v is not None}, today())
    result = select_changes(state.changes, query)
    return {"source": state.meta.source, **_page(result),
            "changes": [change_record(c) for c in result.items]}


@router.get("/announcements", summary="Designations announced by the Prosecutor General's Office, "
                                      "the media and NGOs, linked to their entries or pending")
def announcements(
    request: Request,
    status: str | None = Query(None, description="pending (not in the register yet), confirmed, "
                                                 "not_designation (a prosecution of people)"),
) -> dict[str, Any]:
    web: WebContext = web_context(request)
    chosen = params.choice(status, "status", articles.STATUSES) or None
    return {"announcements": [articles.event_json(e) for e in web.announcements(chosen)]}


@router.get("/stats", summary="Counts: by status, country, year and month (cumulative since 2015)")
def stats(request: Request) -> dict[str, Any]:
    state = _state(request)
    months = monthly_designations(state.entries, state.read_on)
    return {
        "source": state.meta.source, "snapshot_taken_at": _taken(state), "counts": state.counts,
        "by_country_code": by_field(state.entries, "country_code"),
        "by_year": [{"year": y.period, "count": y.count, "cumulative": y.cumulative}
                    for y in yearly_designations(months)],
        "by_month": [{"month": m.period, "count": m.count, "cumulative": m.cumulative}
                     for m in months],
    }


@router.get("/status", summary="When the register was last checked, and how it went")
def status(request: Request) -> dict[str, Any]:
    web: WebContext = web_context(request)
    return {"status": web.status(), "crawl_running": web.crawler.running()}


@router.post("/crawl", status_code=202,
             summary="Start a crawl now (needs the header Authorization: Bearer, then the REGWATCH_API_TOKEN)")
def crawl(request: Request) -> JSONResponse:
    web: WebContext = web_context(request)
    refused = refusal(request.headers.get("authorization"), web.token)
    if refused is not None:
        headers = {"WWW-Authenticate": "Bearer"} if refused == 401 else None
        return JSONResponse({"error": _ERRORS[refused]}, status_code=refused, headers=headers)
    started, pid = web.crawler.start()
    if not started:
        return JSONResponse({"started": False, "pid": pid,
                             "note": "a crawl started from the web is still running; "
                                     "GET /api/status tells when it is done"}, status_code=409)
    return JSONResponse({"started": True, "pid": pid,
                         "note": "crawl started in the background; GET /api/status shows its "
                                 "outcome when it is done"}, status_code=202)

"""The register table and its changes: what a query selects, in which order, on which page. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, TypeVar

from pipelines.matching.keys import fold
from pipelines.register.models import (
    ADDED,
    EXCLUDED,
    EXCLUDED_KIND,
    LISTED,
    MODIFIED,
    REINSTATED,
    REMOVED,
    RENUMBERED,
    Change,
    Entry,
)
from pipelines.register.stats import designation_day, designation_year
from regwatch.web import params

T = TypeVar("T")
PAGE_SIZE = 100
NO_COUNTRY = "none"  # the country filter's value for entries whose country is not stated
STATUSES = (LISTED, EXCLUDED)
SORTS = ("number", "name", "country", "listed_on", "status")
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class RegisterQuery:
    q: str = ""
    status: str = ""  # "" for all
    country: str = ""  # "" for all, an ISO code, or NO_COUNTRY
    year: int | None = None
    sort: str = "number"
    order: str = "asc"
    page: int = 1

    @classmethod
    def parse(cls, given: Mapping[str, str], today: date) -> RegisterQuery:
        country = (given.get("country") or "").strip()
        if country and country != NO_COUNTRY and not (len(country) == 2 and country.isalpha()
                                                      and country.isascii()):
            raise params.BadRequest("web.error.bad_choice", value=country[:40], name="country",
                                    choices="an ISO 3166 code such as DE, or " + NO_COUNTRY)
        return cls(
            q=params.text(given.get("q")),
            status=params.choice(given.get("status"), "status", STATUSES),
            country=country if country == NO_COUNTRY else country.upper(),
            year=params.year(given.get("year"), today),
            sort=params.choice(given.get("sort"), "sort", SORTS) or "number",
            order=params.choice(given.get("order"), "order", ORDERS) or "asc",
            page=params.page_number(given.get("page")),
        )

    def link(self, **changes: object) -> dict[str, str]:
        """The query string of this query with some values changed, defaults left out
        (a new filter or sort goes back to page 1 unless a page is given)."""
        changed = replace(self, **({"page": 1} | changes))  # type: ignore[arg-type]
        values = {"q": changed.q, "status": changed.status, "country": changed.country,
                  "year": "" if changed.year is None else str(changed.year),
                  "sort": "" if changed.sort == "number" else changed.sort,
                  "order": "" if changed.order == "asc" else changed.order,
                  "page": "" if changed.page == 1 else str(changed.page)}
        return {k: v for k, v in values.items() if v}

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.status or self.country or self.year)


@dataclass(frozen=True)
class ResultPage(Generic[T]):
    items: list[T]
    total: int  # items the filters select, on all pages
    page: int
    pages: int
    page_size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.total else 0


def _sort_key(sort: str):
    if sort == "name":
        return lambda e: (fold(e.name), e.number)
    if sort == "country":  # "~" sorts after every code: entries without a country go last
        return lambda e: (e.country_code or "~", e.number)
    if sort == "listed_on":
        return lambda e: (designation_day(e), e.number)
    if sort == "status":
        return lambda e: (e.status, e.number)
    return lambda e: e.number


def select(entries: Sequence[Entry], folded_names: Sequence[str], query: RegisterQuery,
           page_size: int = PAGE_SIZE) -> ResultPage[Entry]:
    """The entries the query selects, sorted, cut to its page. `folded_names[i]` is
    fold(entries[i].name): search is a substring of the folded name, so case, accents,
    quotes and look-alike letters do not matter."""
    needle = fold(query.q) if query.q else ""
    chosen = [
        e for e, name in zip(entries, folded_names)
        if (not needle or needle in name)
        and (not query.status or e.status == query.status)
        and (not query.country or e.country_code == ("" if query.country == NO_COUNTRY
                                                      else query.country))
        and (query.year is None or designation_year(e) == query.year)
    ]
    chosen.sort(key=_sort_key(query.sort), reverse=query.order == "desc")
    return paginate(chosen, query.page, page_size)


def paginate(items: Sequence[T], page: int, page_size: int = PAGE_SIZE) -> ResultPage[T]:
    """One page of `items`; a page past the last is a bad request (page 1 always exists)."""
    pages = max(1, -(-len(items) // page_size))
    if page > pages:
        raise params.BadRequest("web.error.bad_page", page=page, pages=pages)
    start = (page - 1) * page_size
    return ResultPage(list(items[start:start + page_size]), len(items), page, pages, page_size)


CHANGE_KINDS = (ADDED, EXCLUDED_KIND, REINSTATED, REMOVED, MODIFIED, RENUMBERED)


@dataclass(frozen=True)
class ChangesQuery:
    since: str = ""  # an ISO day: changes detected on or after it
    kind: str = ""
    page: int = 1

    @classmethod
    def parse(cls, given: Mapping[str, str], today: date) -> ChangesQuery:
        return cls(since=params.day(given.get("since"), today) or "",
                   kind=params.choice(given.get("kind"), "kind", CHANGE_KINDS),
                   page=params.page_number(given.get("page")))

    def link(self, **changes: object) -> dict[str, str]:
        changed = replace(self, **({"page": 1} | changes))  # type: ignore[arg-type]
        values = {"since": changed.since, "kind": changed.kind,
                  "page": "" if changed.page == 1 else str(changed.page)}
        return {k: v for k, v in values.items() if v}


def select_changes(changes: Sequence[Change], query: ChangesQuery,
                   page_size: int = PAGE_SIZE) -> ResultPage[Change]:
    """The changes the query selects, newest first, cut to its page."""
    chosen = [c for c in reversed(changes)
              if c.detected_at[:10] >= query.since and (not query.kind or c.kind == query.kind)]
    return paginate(chosen, query.page, page_size)

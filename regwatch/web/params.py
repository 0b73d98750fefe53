"""Reading query parameters: each one checked, and a bad one named in words, never a 500.

A `BadRequest` carries a message id of the phrase catalog (`web.error.*`) and its values, so the same
mistake reads in the page's language on a page and in English in the API.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from pipelines.matching.index import MAX_QUERY_LENGTH
from pipelines.register.stats import FIRST_MONTH

MAX_TEXT = MAX_QUERY_LENGTH  # characters of any query: longer is not a name
FIRST_YEAR = int(FIRST_MONTH[:4])
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class BadRequest(Exception):
    """A request we cannot answer as asked; `key` is its message id in the phrase catalog."""

    status_code = 400

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class NotFound(BadRequest):
    status_code = 404


def text(value: str | None) -> str:
    """A free-text query, trimmed; at most MAX_TEXT characters."""
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise BadRequest("web.error.query_too_long", length=len(value), limit=MAX_TEXT)
    return value


def choice(value: str | None, name: str, choices: Iterable[str]) -> str:
    """One of `choices`, or "" when not given."""
    value = (value or "").strip()
    allowed = tuple(choices)
    if value and value not in allowed:
        raise BadRequest("web.error.bad_choice", value=value[:40], name=name, choices=", ".join(allowed))
    return value


def whole_number(value: str | None, name: str, minimum: int = 1) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < minimum:
        raise BadRequest("web.error.bad_number", value=value[:40], name=name)
    return int(value)


def page_number(value: str | None) -> int:
    """A page of results: 1 when not given; pages start at 1."""
    try:
        return whole_number(value, "page") or 1
    except BadRequest:
        raise BadRequest("web.error.bad_page_number", value=(value or "").strip()[:40]) from None


def day(value: str | None, today: date) -> str | None:
    """An ISO day not after today."""
    value = (value or "").strip()
    if not value:
        return None
    try:  # the pattern first: fromisoformat also takes 20260814 and 2026-W33-1
        parsed = date.fromisoformat(value) if _ISO_DAY.fullmatch(value) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadRequest("web.error.bad_date", value=value[:40])
    if parsed > today:
        raise BadRequest("web.error.future_date", value=parsed.isoformat())
    return parsed.isoformat()


def year(value: str | None, today: date) -> int | None:
    """A year of the register: 2015 to this year."""
    number = whole_number(value, "year")
    if number is not None and not FIRST_YEAR <= number <= today.year:
        key = "web.error.future_date" if number > today.year else "web.error.bad_year"
        raise BadRequest(key, value=number, this_year=today.year)
    return number

"""The rows of a stored snapshot, read again from its archived raw replies (for
`regwatch reparse`): the same parsers the spiders use, on the bytes the source served."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scraper.parsers.columns import ColumnRules, canonical_row, info_columns
from scraper.parsers.fsb_page import parse_page as parse_fsb_page
from scraper.parsers.html_page import parse_page
from scraper.parsers.xlsx_export import read_export


class ReplyParseError(ValueError):
    """Stored replies that no longer parse; the message names the snapshot's problem."""


Reply = tuple[dict[str, Any], bytes]  # (the raw_replies row: url, method, request_body…, body)


def rows_from_replies(channel: str, replies: list[Reply], rules: ColumnRules) -> list[dict[str, str]]:
    """`rules`: the register's columns (its metadata), for the API and XLSX channels."""
    reader: Callable[[list[Reply], ColumnRules], list[dict[str, str]]] = {
        "api": _api_rows, "xlsx": _xlsx_rows, "html": _html_rows, "fsb_page": _fsb_rows}.get(channel, _unknown)
    return reader(replies, rules)


def _api_rows(replies: list[Reply], rules: ColumnRules) -> list[dict[str, str]]:
    info = next((json.loads(body) for meta, body in replies if meta["url"].endswith("/info")), None)
    if info is None:
        raise ReplyParseError("no /info reply among the snapshot's replies")
    columns, _ = info_columns(info, rules)
    pages = sorted(((json.loads(meta["request_body"] or "{}").get("offset", 0), json.loads(body))
                    for meta, body in replies if meta["url"].endswith("/values")),
                   key=lambda page: page[0])
    return [canonical_row(row, columns) for _, page in pages for row in page.get("values", [])]


def _xlsx_rows(replies: list[Reply], rules: ColumnRules) -> list[dict[str, str]]:
    return read_export(replies[0][1], rules).rows


def _html_rows(replies: list[Reply], _rules: ColumnRules) -> list[dict[str, str]]:
    return parse_page(replies[0][1]).rows  # the old page's six cells are fixed


def _fsb_rows(replies: list[Reply], _rules: ColumnRules) -> list[dict[str, str]]:
    meta, body = replies[0]  # the FSB's list is one page; its charset may be in the header only
    return parse_fsb_page(body, meta.get("content_type") or "").rows


def _unknown(replies: list[Reply], _rules: ColumnRules) -> list[dict[str, str]]:
    raise ReplyParseError("a snapshot of an unknown channel")

"""Inputs for the benchmarks: the real recorded states, a synthetic register of any size,
a second state of it with ~1 % of rows changed, and the raw /values replies a crawl of
them would bring back (bytes as the local fake of the official service serves them).

Everything here is "the network": building it is never timed. Parsing those bytes into a
Pull is, exactly as the spider does it (`parse_replies`).
"""

from __future__ import annotations

import copy
import json
import random
import uuid
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

from scraper.items import Pull, RawReply
from scraper.parsers.cells import RowsDigest
from scraper.parsers.columns import in_row_order, info_columns
from scraper.registers.metadata import load_source
from scraper.spiders.minjust_json import MinjustJsonSpider as Spider

DEMO = Path(__file__).resolve().parents[1] / "regwatch" / "demo_data" / "minjust_undesirable"
FIRST_DAY, SECOND_DAY = "2026-07-29", "2026-08-14"
META = load_source("ru_minjust_undesirable")
API = META.api_url()
PAGE = 1000  # the server's cap on rows per /values page


def load_json(day: str, name: str):
    return json.loads((DEMO / day / name).read_text(encoding="utf-8"))


def real_rows(day: str) -> list[dict]:
    return load_json(day, "rows.json")


def info() -> dict:
    return load_json(SECOND_DAY, "info.json")


def _ddmmyyyy(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def synthetic_rows(n: int, seed: int = 1) -> list[dict]:
    """n rows in the service's shape. Names cycle through the real ones with a number
    inserted after the first word (so they stay unique and keep their brackets, quotes and
    trailing country); dates advance from 2015, order numbers count up; ~2 % excluded."""
    rng = random.Random(seed)
    real = real_rows(SECOND_DAY)
    start = date(2015, 7, 29)
    rows = []
    for i in range(n):
        base = real[i % len(real)]
        first, _, rest = base["field_5_s"].partition(" ")
        listed = start + timedelta(days=i * 4000 // max(n, 1))
        row = dict(base)
        row.update(
            id=str(uuid.UUID(int=rng.getrandbits(128))),
            field_1_i=i + 1,
            field_2_s=_ddmmyyyy(listed),
            field_3_s=f"{1000 + i}-р",
            field_4_s=_ddmmyyyy(listed - timedelta(days=rng.randint(1, 30))),
            field_5_s=f"{first} {i // len(real) + 1} {rest}".strip(),
            field_10_s="Включена",
        )
        if rng.random() < 0.02:
            # never after the benchmark's crawls (2026-08-14): a future date is refused
            gone = min(listed + timedelta(days=rng.randint(30, 900)), date(2026, 7, 29))
            row.update(field_7_s=_ddmmyyyy(gone), field_8_s=f"{5000 + i}-р", field_10_s="Исключена")
        rows.append(row)
    return rows


def changed_state(rows: list[dict], share: float = 0.01, seed: int = 2) -> tuple[list[dict], dict]:
    """A later state with `share` of the rows changed: half added (new numbers at the end),
    40 % renamed, 10 % newly excluded. Nothing removed, so the diff is not held."""
    rng = random.Random(seed)
    n = len(rows)
    touched = max(10, round(n * share))
    added, renamed, excluded = touched // 2, touched * 4 // 10, touched - touched // 2 - touched * 4 // 10
    new = [dict(r) for r in rows]
    listed = [r for r in new if r["field_10_s"] == "Включена"]
    picks = rng.sample(listed, renamed + excluded)
    for row in picks[:renamed]:
        row["field_5_s"] += " (новое наименование)"
    for row in picks[renamed:]:
        row.update(field_7_s="14.08.2026", field_8_s=f"9{row['field_1_i']}-р", field_10_s="Исключена")
    extra = synthetic_rows(added, seed=seed + 1)
    for k, row in enumerate(extra):
        row = copy.copy(row)
        row.update(field_1_i=n + k + 1, field_2_s="14.08.2026", field_3_s=f"{20000 + k}-р",
                   field_5_s=row["field_5_s"] + " (2026)", field_7_s="", field_8_s="",
                   field_10_s="Включена")
        new.append(row)
    return new, {"added": added, "renamed": renamed, "excluded": excluded}


def replies(rows: list[dict], fetched_at: str = "2026-08-14T10:00:00+00:00") -> list[RawReply]:
    """The raw replies of one crawl: GET /info, then POST /values page by page."""
    def reply(url: str, method: str, request: str, data: dict) -> RawReply:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return RawReply(url, method, request, 200, "application/json;charset=UTF-8", body, fetched_at)

    out = [reply(f"{API}/info", "GET", "", info())]
    rows = sorted(rows, key=lambda r: r["field_1_i"])
    for offset in range(0, max(len(rows), 1), PAGE):
        request = json.dumps({"offset": offset, "limit": PAGE, "search": "",
                              "sort": [{"property": "field_1_i", "direction": "asc"}]})
        page = {"offset": offset, "limit": PAGE, "size": len(rows),
                "values": rows[offset:offset + PAGE], "facets": []}
        out.append(reply(f"{API}/values", "POST", request, page))
    return out


def parse_replies(raw: list[RawReply], started_at: str = "") -> Pull:
    """What the spider does with the replies: json.loads, columns mapped by title from
    /info, each row mapped to canonical names by the spider's own `_read_rows` (which makes
    the pull's hash and its rows' fingerprints too)."""
    info_reply = json.loads(raw[0].body)
    columns, _warnings = info_columns(info_reply, META.columns)
    pull = Pull(source=META.source, rows=[], size=0, replies=list(raw), started_at=started_at,
                last_modified=info_reply.get("lastModified"), source_url=META.view_url())
    pull.fields = tuple(in_row_order(columns).values())
    spider = SimpleNamespace(columns=in_row_order(columns), pull=pull,
                             digest=RowsDigest(pull.source_url, pull.fingerprints))
    for reply in raw[1:]:
        values, size = Spider._parse_page(json.loads(reply.body))
        pull.size = size
        Spider._read_rows(spider, values)
    pull.content_hash = spider.digest.hexdigest()
    return pull

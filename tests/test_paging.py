"""How the JSON service's spider pages through /values: one request at a time, in order
(lower offset first), each asked for one page ahead; the rows kept in offset order whatever
order the replies come in (a retried page comes after the one ahead of it), a guess past a
short page dropped, nothing read after the pull went out. Replies are built in memory and
handed to the spider's callbacks, as Scrapy would."""

from __future__ import annotations

import json

from scrapy.crawler import Crawler
from scrapy.http import Request, TextResponse

from pipelines.crawl import rows_hash
from pipelines.register.normalise import raw_cells
from scraper.items import PullItem
from scraper.project import scrapy_settings
from scraper.registers.metadata import load_source
from scraper.spiders.minjust_json import spider_class
from tests.conftest import FIRST_DAY, load_state

SIZE = 250


def spider():
    cls = spider_class(load_source("ru_minjust_undesirable"))
    made = cls.from_crawler(Crawler(cls, scrapy_settings()))
    info = load_state(FIRST_DAY).info
    requests = list(made.parse_info(reply(made.info_url, info, Request(made.info_url))))
    assert [r.meta["offset"] for r in requests] == [0]
    return made


def reply(url: str, document: dict, request=None) -> TextResponse:
    body = json.dumps(document, ensure_ascii=False).encode()
    return TextResponse(url, body=body, encoding="utf-8", request=request)


def page(made, offset: int, count: int) -> TextResponse:
    """The reply to the request for `offset`: `count` rows numbered from offset + 1."""
    row = load_state(FIRST_DAY).rows[0]
    values = [{**row, "field_1_i": offset + i + 1, "field_5_s": f"Row {offset + i + 1}"} for i in range(count)]
    request = made._values_request(offset)
    response = reply(made.values_url, {"offset": offset, "limit": 1000, "size": SIZE, "values": values}, request)
    response.meta["offset"] = offset  # a reply's meta is its request's (set by Scrapy's engine)
    return response


def fed(made, response) -> list:
    return list(made.parse_values(response))


def offsets(requests) -> list[tuple[int, int]]:
    return [(r.meta["offset"], r.priority) for r in requests]


def test_each_page_is_asked_for_one_page_ahead_in_order_and_the_rows_come_in_offset_order():
    made = spider()
    assert offsets(fed(made, page(made, 0, 100))) == [(100, -100), (200, -200)]  # the next, and one ahead
    # the page ahead answers first (the one before it was retried): held, nothing asked twice
    assert fed(made, page(made, 200, 50)) == []
    done = fed(made, page(made, 100, 100))
    assert len(done) == 1 and isinstance(done[0], PullItem) and done[0].problem == ""
    pull = done[0].pull
    assert [int(r["number"]) for r in pull.made_rows()] == list(range(1, SIZE + 1))
    assert [json.loads(r.request_body)["offset"] for r in pull.replies if r.url.endswith("/values")] == [0, 100, 200]
    # the pull's hash and its rows' fingerprints, made page by page as read: what the crawl makes of the rows
    fingerprints: list[str] = []
    assert pull.content_hash == rows_hash(map(raw_cells, pull.made_rows()), fingerprints, pull.source_url)
    assert pull.fingerprints == fingerprints and len(fingerprints) == SIZE
    # handed over: the spider keeps no fingerprints, so the crawl alone decides how long they
    # live (a first crawl drops them at once)
    assert made.digest.fingerprints is None
    assert fed(made, page(made, 200, 50)) == []  # a reply after the pull went out is not read


def test_a_short_page_is_followed_where_it_ends_and_the_guess_past_it_is_dropped():
    made = spider()
    fed(made, page(made, 0, 100))
    assert offsets(fed(made, page(made, 100, 40))) == [(140, -140), (180, -180)]  # 200 was asked already
    assert fed(made, page(made, 200, 50)) == []  # the guess: held, read only if the rows read get there
    assert offsets(fed(made, page(made, 140, 40))) == [(220, -220)]
    assert fed(made, page(made, 180, 40)) == []
    done = fed(made, page(made, 220, 30))
    assert len(done) == 1 and isinstance(done[0], PullItem)
    pull = done[0].pull
    assert [int(r["number"]) for r in pull.made_rows()] == list(range(1, SIZE + 1))
    kept = [json.loads(r.request_body)["offset"] for r in pull.replies if r.url.endswith("/values")]
    assert kept == [0, 100, 140, 180, 220]  # the guess at 200 is no reply of this pull

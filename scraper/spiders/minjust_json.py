"""Every register on the Ministry of Justice's JSON service (metadata `service =
"minjust_json"`), through its JSON API or (spider argument `via=xlsx`) its XLSX export.

One spider class per register is made here from its metadata file
(scraper/registers/<id>.toml): `scrapy crawl minjust_undesirable` is the register of
"undesirable" organisations; a register added as metadata alone gets its own spider.

GET /info gives the column titles (and a lastModified stamp), mapped to fields by the
metadata's column rules; POST /values pages through the rows (offset/limit, the server
caps limit at 1000, `size` is the total). Politely: one request at a time, in order, the
download delay between them; but the next page is asked for one page ahead (at the offset
the last page's length predicts), so the server prepares it while the last one is read. A
page that comes short (the server's cap) is followed where it ends; a guess past it is
dropped. With via=xlsx, GET /export is the whole
register in one workbook (scraper/parsers/xlsx_export.py), for when /values is down.
Every reply is kept raw. Whatever goes wrong, the spider ends by yielding one PullItem:
the whole register, or what it got plus the problem, so the pipeline can refuse it and
say why.
"""

from __future__ import annotations

import json

import orjson
import scrapy
from scrapy.exceptions import DownloadCancelledError
from scrapy.http import JsonRequest, Response
from scrapy.spidermiddlewares.httperror import HttpError

from scraper.fetching import CrawlDeadlineError
from scraper.items import Pull, PullItem, RawReply, utc_now
from scraper.parsers.cells import RowsDigest
from scraper.parsers.columns import ColumnError, in_row_order, info_columns, page_lines
from scraper.parsers.xlsx_export import ExportError, read_export
from scraper.redact import redact
from scraper.registers.metadata import SourceMeta, all_sources

SERVICE = "minjust_json"
CHANNELS = ("api", "xlsx")
PROXY_HINT = ("the service answers only Russian IP addresses: set REGWATCH_PROXY to an "
              "http://, https:// or socks5:// proxy in Russia")


class ReplyError(ValueError):
    """A reply that is not what the protocol promises."""


class MinjustJsonSpider(scrapy.Spider):
    """The spider of one register on the JSON service; `spider_class` makes one per register
    (this base has no name, so Scrapy lists only those)."""

    meta: SourceMeta
    source: str
    # set in from_crawler, from the settings and the register's metadata
    base_url: str
    page_size: int
    proxy: str
    info_url: str
    values_url: str
    export_url: str
    pull: Pull
    columns: dict[str, str]  # service field name → canonical field, from /info
    pages: dict[int, tuple[list[dict], Response]]
    asked: set[int]
    ahead: int
    done: bool
    digest: RowsDigest

    def __init__(self, *args, via: str = "api", **kwargs):
        super().__init__(*args, **kwargs)
        if via not in CHANNELS:
            raise ValueError(f"via must be one of {', '.join(CHANNELS)}, not {via!r}")
        self.via = via
        self.outcome = None  # set by the item pipeline

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.base_url = (settings.get("REGWATCH_MINJUST_URL") or cls.meta.base_url).rstrip("/")
        spider.page_size = settings.getint("REGWATCH_PAGE_SIZE")
        spider.proxy = settings.get("REGWATCH_PROXY") or ""
        api = cls.meta.api_url(spider.base_url)
        spider.info_url, spider.values_url = f"{api}/info", f"{api}/values"
        spider.export_url = f"{api}/export"
        spider.pull = Pull(source=cls.source, rows=[], size=0, started_at=utc_now(),
                           source_url=cls.meta.view_url(),  # cite the official view, not a mirror or proxy
                           channel=spider.via)
        spider.columns = {}  # service field name → canonical field, from /info
        spider.pages = {}  # offset → rows of a page that came before the pages ahead of it
        spider.asked = set()  # the offsets asked for
        spider.ahead = 0  # rows in the last page read
        spider.done = False  # the PullItem went out: later replies (a guess ahead) are not read
        # the pull's hash and its rows' fingerprints, made page by page as the rows are read
        spider.digest = RowsDigest(spider.pull.source_url, spider.pull.fingerprints)
        return spider

    async def start(self):
        if self.via == "xlsx":
            yield scrapy.Request(self.export_url, callback=self.parse_export, errback=self.on_error,
                                 dont_filter=True, meta=self._size_limit())
            return
        yield scrapy.Request(self.info_url, callback=self.parse_info, errback=self.on_error,
                             dont_filter=True, meta=self._size_limit())

    # --- replies ------------------------------------------------------------------------

    def parse_info(self, response: Response):
        """/info → the column mapping, then the first page of rows."""
        try:
            info = self._json(response, "/info")
            columns, warnings = info_columns(info, self.meta.columns)
            self.columns = in_row_order(columns)
            self.pull.fields = tuple(self.columns.values())
        except (ReplyError, ColumnError) as exc:
            yield self._give_up(str(exc))
            return
        for warning in warnings:
            self.logger.warning("%s: %s", self.source, warning)
        self.pull.last_modified = info.get("lastModified")
        yield self._values_request(offset=0)

    def parse_values(self, response: Response):
        """One page of /values: keep its rows in order, ask for the pages ahead or finish."""
        offset = response.meta["offset"]
        if self.done:
            return
        try:
            page = self._json(response, f"/values at offset {offset}", keep=False)
            rows, size = self._parse_page(page)
        except ReplyError as exc:
            self._keep(response, response.request)
            yield self._give_up(str(exc))
            return
        if self.pull.size and size != self.pull.size:
            self._keep(response, response.request)
            yield self._give_up(f"the register changed during the crawl ({self.pull.size} rows, then {size})")
            return
        self.pull.size = size
        self.pages[offset] = (rows, response)
        while (at := len(self.pull.lines)) in self.pages:  # the pages that follow on, in order
            rows, read = self.pages.pop(at)
            self.ahead = len(rows)  # the next page, as long as this one, predicts the one after
            self._keep(read, read.request)  # kept as read: a guess past a short page is not the register's
            try:
                self._read_rows(rows)
            except ColumnError as exc:
                yield self._give_up(f"/values at offset {at}: {exc}")
                return
            self.logger.info("%s: %d of %d rows", self.source, len(self.pull.lines), size)
            if not rows or len(self.pull.lines) >= size:
                self.done = True
                self.pull.content_hash = self.digest.hexdigest()
                self._let_go()
                yield PullItem(self.pull)
                return
        # the page the rows read so far end at, then one more: asked for once each, in order
        for want in (at, at + self.ahead):
            if want < size and want not in self.asked:
                yield self._values_request(want)

    def parse_export(self, response: Response):
        """/export → the whole register; A2's data date becomes the snapshot's "as of"."""
        self._keep(response, response.request)
        try:
            if response.body.lstrip()[:1] == b"<":
                raise ExportError(f"/export returned an HTML page instead of XLSX (HTTP {response.status})")
            export = read_export(response.body, self.meta.columns)
        except ExportError as exc:
            yield self._give_up(str(exc))
            return
        for warning in export.warnings:
            self.logger.warning("%s: /export: %s", self.source, warning)
        self.pull.rows, self.pull.size, self.pull.as_of = export.rows, len(export.rows), export.as_of
        self.logger.info("%s: %d rows from /export, data date %s", self.source, len(export.rows),
                         export.as_of or "not stated")
        yield PullItem(self.pull)

    def on_error(self, failure):
        """A request that failed for good (after retries): say why in one line."""
        request = failure.request
        if self.done:  # a page asked for ahead, after the pull ended
            return
        if failure.check(HttpError):
            response = failure.value.response
            self._keep(response, request)
            problem = f"{request.url} answered HTTP {response.status}"
        elif failure.check(CrawlDeadlineError):
            problem = str(failure.value)
        elif failure.check(DownloadCancelledError) and "max size" in str(failure.value):
            problem = (f"{redact(request.url)}: the reply is larger than the "
                       f"{self.meta.thresholds.max_reply_bytes} bytes the register's metadata allows "
                       "(assertions.max_reply_bytes): not the register")
        else:
            detail = redact(str(failure.value) or type(failure.value).__name__)
            if "certificate verify failed" in detail.lower():
                problem = f"TLS certificate of {self.base_url} could not be verified ({detail})"
            elif self.proxy:
                problem = (f"cannot reach {self.base_url} through the proxy {redact(self.proxy)} "
                           f"({type(failure.value).__name__}: {detail}); check REGWATCH_PROXY")
            else:
                problem = f"cannot reach {self.base_url} ({type(failure.value).__name__}: {detail}); {PROXY_HINT}"
        yield self._give_up(problem)

    # --- helpers ------------------------------------------------------------------------

    def _values_request(self, offset: int) -> JsonRequest:
        self.asked.add(offset)
        fallback = next((c.key for c in self.meta.columns.columns if c.field == "number"), "")
        number_field = next((k for k, v in self.columns.items() if v == "number"), fallback)
        body = {"offset": offset, "limit": self.page_size, "search": "",
                "sort": [{"property": number_field, "direction": "asc"}]}
        # priority: the lower offset first (Scrapy's queue is last in, first out otherwise)
        return JsonRequest(self.values_url, data=body, callback=self.parse_values,
                           errback=self.on_error, meta={"offset": offset, **self._size_limit()},
                           dont_filter=True, priority=-offset)

    def _size_limit(self) -> dict[str, int]:
        """Scrapy stops reading a reply past the register's limit: a reply that big is not
        the register, and reading it whole would cost gigabytes before any check."""
        return {"download_maxsize": self.meta.thresholds.max_reply_bytes}

    def _json(self, response: Response, what: str, keep: bool = True) -> dict:
        if keep:
            self._keep(response, response.request)
        try:  # the usual reply, valid UTF-8 JSON: read straight from its bytes
            data = orjson.loads(response.body)
        except orjson.JSONDecodeError:  # anything else: read as before, to say what is wrong
            data = self._json_text(response, what)
        if not isinstance(data, dict):
            raise ReplyError(f"{what} reply is a JSON {type(data).__name__}, not an object")
        return data

    @staticmethod
    def _json_text(response: Response, what: str) -> object:
        text = response.body.decode("utf-8", errors="replace").lstrip()
        if text.startswith("<"):
            raise ReplyError(f"{what} returned an HTML page instead of JSON (HTTP {response.status})")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ReplyError(f"{what} reply is not valid JSON ({exc.msg} at byte {exc.pos} of {len(text)})") from exc
        return data

    @staticmethod
    def _parse_page(page: dict) -> tuple[list[dict], int]:
        rows, size = page.get("values"), page.get("size")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ReplyError("/values reply has no list of rows under 'values'")
        if not isinstance(size, int) or size < 0:
            raise ReplyError(f"/values reply has no valid 'size' (got {size!r})")
        return rows, size

    def _read_rows(self, rows: list[dict]) -> None:
        """A page's rows, in order, kept as their lines (the crawl makes the rows it needs
        from them: Pull.lines); the lines go into the digest too."""
        lines = page_lines(rows, self.columns)
        self.pull.lines.extend(lines)
        self.digest.add_lines(lines)

    def _keep(self, response: Response, request) -> None:
        body = request.body.decode("utf-8", errors="replace") if request.body else ""
        self.pull.replies.append(RawReply.of(response, request.method, body))

    def _let_go(self) -> None:
        """The pull is handed over: the spider lets go of the rows' fingerprints, so the crawl
        alone decides how long they live (a first crawl drops them)."""
        self.digest.fingerprints = None

    def _give_up(self, problem: str) -> PullItem:
        self.done = True
        self._let_go()
        message = f"{self.source}: {problem}"
        self.logger.error(message)
        return PullItem(self.pull, problem=message)


def spider_class(meta: SourceMeta) -> type[MinjustJsonSpider]:
    """The spider of one register: "minjust_undesirable" → MinjustUndesirableSpider."""
    class_name = "".join(word.capitalize() for word in meta.spider.split("_")) + "Spider"
    return type(class_name, (MinjustJsonSpider,),
                {"name": meta.spider, "source": meta.source, "meta": meta, "__module__": __name__})


# Scrapy's spider loader finds these module-level classes, one per register (each bound
# to one name only: a second name would list it twice).
globals().update({cls.__name__: cls for cls in (spider_class(meta) for meta in all_sources()
                                                  if meta.service == SERVICE)})

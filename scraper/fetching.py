"""How regwatch talks to official services: verified TLS with the intermediates that
servers forget to send, an optional proxy (http, https or socks5), and retries that
back off instead of hammering a struggling server."""

from __future__ import annotations

import asyncio
import logging
import ssl
import sys
import time
from pathlib import Path
from weakref import WeakKeyDictionary

import certifi
from scrapy.core.downloader.handlers._httpx import HttpxDownloadHandler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from scraper.redact import redact

log = logging.getLogger(__name__)


def _httpcore_without_trio() -> None:
    """httpcore imports trio whenever it is installed (selenium, a test dependency, brings it
    in) to offer locks to trio's event loops; Scrapy runs it on asyncio's. Imported with
    trio hidden it skips that: 60-80 ms of CPU off every crawl's start-up. trio itself stays
    importable: hidden only while httpcore's locks are imported, and only if nothing imported
    either before."""
    if "httpcore2._synchronization" in sys.modules or "trio" in sys.modules:
        return
    sys.modules["trio"] = None  # type: ignore[assignment]  # `import trio` raises ImportError
    try:
        import httpcore2._synchronization  # noqa: F401
    finally:
        del sys.modules["trio"]


_httpcore_without_trio()

CERTS_DIR = Path(__file__).parent / "certs"
# reestrs.minjust.gov.ru sends only its leaf certificate; this intermediate (issued by
# GlobalSign Root CA - R3, which every trust store has) completes its chain. It adds no
# trust of its own: verification stays on, the chain must still end at a trusted root.
SHIPPED_INTERMEDIATES = sorted(CERTS_DIR.glob("*.pem"))


def add_trust(context: ssl.SSLContext, extra_ca_files: list[str]) -> None:
    """Extend a verifying context with certifi's roots, the shipped intermediates and any
    extra CA files (REGWATCH_CA_FILES, e.g. a corporate root)."""
    context.load_verify_locations(cafile=certifi.where())
    for path in [*map(str, SHIPPED_INTERMEDIATES), *extra_ca_files]:
        context.load_verify_locations(cafile=path)


class CrawlDeadlineError(Exception):
    """The crawl ran past REGWATCH_CRAWL_DEADLINE: what was still fetching is cancelled and
    nothing more is asked (never retried: the retry middleware does not know it)."""


_crawl_ends: WeakKeyDictionary[object, float] = WeakKeyDictionary()


def crawl_time_left(crawler) -> float:
    """Seconds left before the crawl's deadline: REGWATCH_CRAWL_DEADLINE counted from the
    first time it is asked (the download handler asks as it starts, on the crawl's first request)."""
    ends = _crawl_ends.setdefault(
        crawler, time.monotonic() + crawler.settings.getfloat("REGWATCH_CRAWL_DEADLINE"))
    return ends - time.monotonic()


def _past_deadline(crawler, url: str) -> CrawlDeadlineError:
    seconds = crawler.settings.getfloat("REGWATCH_CRAWL_DEADLINE")
    return CrawlDeadlineError(f"the crawl ran past REGWATCH_CRAWL_DEADLINE ({seconds:g} s) "
                              f"and was stopped while fetching {redact(url)}")


class _NotExperimentalNoise(logging.Filter):
    """Drops Scrapy's "VerifiedDownloadHandler is experimental and is not recommended for
    production use", logged on every crawl. We chose the httpx handler on purpose (it
    speaks SOCKS5 and takes our TLS context), our tests cover what we rely on of it, and
    pyproject.toml pins the Scrapy releases it was tested with; repeated on every crawl,
    the warning only teaches an operator to skim past warnings that matter."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING
                    and record.getMessage().endswith("is experimental and is not recommended for production use.")
                    and record.getMessage().startswith("VerifiedDownloadHandler "))


logging.getLogger("scrapy.core.downloader.handlers._base_streaming").addFilter(_NotExperimentalNoise())


class VerifiedDownloadHandler(HttpxDownloadHandler):
    """Scrapy's httpx handler (it speaks SOCKS5 too), with our trust store."""

    # Made on the first request of its scheme: a crawl of one scheme builds one TLS
    # context and loads the trust store once, not twice (a tenth of a second of CPU).
    lazy = True

    def __init__(self, crawler):
        if not crawler.settings.getbool("DOWNLOAD_VERIFY_CERTIFICATES"):
            raise NotConfigured("regwatch never fetches without verifying TLS certificates")
        super().__init__(crawler)
        self._ca_files = crawler.settings.getlist("REGWATCH_CA_FILES")
        self._trusted = False  # add_trust is done (on the first https request: below)
        self._timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        crawl_time_left(crawler)  # the crawl's deadline starts counting now

    async def download_request(self, request):
        """The whole request, connection to last byte, within its timeout (httpx applies it
        to each read: a reply trickling a byte at a time would never end), and within
        what is left of the crawl's deadline."""
        if not self._trusted and urlparse_cached(request).scheme == "https":
            # Only now, before the first TLS handshake: a crawl of a plain http:// source (a
            # local fake, a mirror) never reads certifi's roots and the intermediates (20 ms
            # of CPU). Verification is on from the start, against the system's roots: these
            # only add to them. The httpx client holds this very context object, so extending
            # it extends the client's.
            add_trust(self._ssl_context, self._ca_files)
            self._trusted = True
        timeout = float(request.meta.get("download_timeout") or self._timeout)
        left = crawl_time_left(self.crawler)
        if left <= 0:
            raise _past_deadline(self.crawler, request.url)
        try:
            async with asyncio.timeout(min(timeout, left)) as limit:
                return await super().download_request(request)
        except TimeoutError:
            if not limit.expired():
                raise
            if left < timeout:
                raise _past_deadline(self.crawler, request.url) from None
            raise DownloadTimeoutError(
                f"Getting {redact(request.url)} took longer than {timeout:g} seconds in all") from None


class ProxyMiddleware:
    """Send every request through REGWATCH_PROXY (the register answers only Russian addresses)."""

    def __init__(self, proxy: str):
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler):
        proxy = crawler.settings.get("REGWATCH_PROXY")
        if not proxy:
            raise NotConfigured
        if proxy.split("://")[0].lower() not in ("http", "https", "socks5", "socks5h"):
            raise ValueError(f"REGWATCH_PROXY must be an http://, https:// or socks5:// URL, not {redact(proxy)!r}")
        log.info("fetching through proxy %s", redact(proxy))
        return cls(proxy)

    def process_request(self, request):
        request.meta.setdefault("proxy", self.proxy)
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, but each retry waits RETRY_BACKOFF_BASE × 2^(attempt−1) seconds first."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def _retry(self, request, reason):
        retry = super()._retry(request, reason)
        if retry is not None:
            attempt = retry.meta.get("retry_times", 1)
            retry.meta["regwatch_backoff"] = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return retry

    async def process_request(self, request):
        delay = request.meta.pop("regwatch_backoff", 0)
        if delay and delay >= crawl_time_left(self.crawler):
            seconds = self.crawler.settings.getfloat("REGWATCH_CRAWL_DEADLINE")
            raise CrawlDeadlineError(f"the crawl would run past REGWATCH_CRAWL_DEADLINE ({seconds:g} s) "
                                     f"waiting {delay:.1f} s to retry {redact(request.url)}")
        if delay:
            log.info("waiting %.1f s before retry %s of %s", delay,
                     request.meta.get("retry_times"), redact(request.url))
            await asyncio.sleep(delay)
        return None

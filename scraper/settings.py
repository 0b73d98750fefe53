"""Scrapy settings for regwatch. Retry, timeout, rate and TLS are settings, not code; each
REGWATCH_* environment variable below overrides its default."""

import os
from importlib.metadata import PackageNotFoundError, version

from scrapy.settings import default_settings

try:
    __version__ = version("regwatch")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0+unknown"

BOT_NAME = "regwatch"
SPIDER_MODULES = ["scraper.spiders"]
NEWSPIDER_MODULE = "scraper.spiders"

_env = os.environ.get


def _number(name: str, default: float, kind: type = float) -> float:
    """A numeric REGWATCH_* variable; a clear error naming it when it is not a number."""
    text = _env(name) or ""
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be a {'whole ' if kind is int else ''}number, not {text!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {text!r}")
    return value


# --- where the data goes ------------------------------------------------------------
REGWATCH_DATA_DIR = _env("REGWATCH_DATA_DIR") or "output"
REGWATCH_DATABASE_URL = _env("REGWATCH_DATABASE_URL") or ""

# --- the official service -------------------------------------------------------------
# Stands in for the host of every register on the JSON service (a local fake, a mirror);
# empty: each register's own `base_url` (scraper/registers/<id>.toml).
REGWATCH_MINJUST_URL = _env("REGWATCH_MINJUST_URL") or ""
# Stands in for https://www.fsb.ru, the host of the FSB's terrorist list (a local fake).
REGWATCH_FSB_URL = _env("REGWATCH_FSB_URL") or ""
REGWATCH_PAGE_SIZE = _number("REGWATCH_PAGE_SIZE", 1000, int) or 1000  # the server caps at 1000
REGWATCH_PROXY = _env("REGWATCH_PROXY") or ""  # http://, https:// or socks5:// URL
REGWATCH_CA_FILES = [p for p in (_env("REGWATCH_CA_FILES") or "").split(os.pathsep) if p]

# --- politeness -----------------------------------------------------------------------
# Who is asking, and (REGWATCH_CONTACT, e.g. an e-mail or URL) how to reach the operator.
USER_AGENT = f"regwatch/{__version__} (open-source monitor of official registers" + (
    f"; {_env('REGWATCH_CONTACT')})" if _env("REGWATCH_CONTACT") else ")")
ROBOTSTXT_OBEY = False  # a public-data JSON API, asked a handful of requests per crawl
CONCURRENT_REQUESTS = 4
# What one callback yields is handed on by this many asyncio tasks, started anew for every
# reply: Scrapy's 100 made 10 000 tasks for a 100 000-row crawl's 100 pages (0.3-0.6 s of
# CPU before its alerts are queued). Every item pipeline here is synchronous: they never ran
# side by side anyway, and one task hands on a callback's outputs in the order yielded.
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = _number("REGWATCH_DOWNLOAD_DELAY", 1.0)
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control runs code sent to a local HTTP port and leaves a token file in
# the user's home for each crawl (a killed crawl leaves it behind): nothing here uses it.
REMOTE_CONTROL_ENABLED = False
# Scrapy reads each callback's source (inspect + ast) to warn of a generator returning a
# value; its cache keys on the bound method, new on every call: a quarter of a second of
# CPU per 100 pages. Our callbacks return nothing (ruff's B901 would flag one that did).
WARN_ON_GENERATOR_RETURN_VALUE = False
# Both off, so left out of Scrapy's base list: built only to say "not configured", their
# modules (aiohttp, twisted.conch) cost every crawl a fifth of a second of start-up. (Set
# to None in EXTENSIONS, Scrapy would import them all the same, to compare the names.)
EXTENSIONS_BASE = {name: order for name, order in default_settings.EXTENSIONS_BASE.items()
                   if name not in ("scrapy.extensions.remote_control.RemoteControl",
                                   "scrapy.extensions.telnet.TelnetConsole")}

# --- timeouts and retries -------------------------------------------------------------
# Seconds for a whole request, connection to last byte (scraper.fetching enforces it: httpx
# alone applies it to each read), and for a whole crawl, retries and waits included.
DOWNLOAD_TIMEOUT = _number("REGWATCH_TIMEOUT", 30.0) or 30.0
REGWATCH_CRAWL_DEADLINE = _number("REGWATCH_CRAWL_DEADLINE", 20 * 60.0) or 20 * 60.0
RETRY_ENABLED = True
RETRY_TIMES = _number("REGWATCH_RETRIES", 3, int)
RETRY_BACKOFF_BASE = _number("REGWATCH_BACKOFF", 2.0)
RETRY_BACKOFF_MAX = 60.0
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Scrapy's list, less CannotResolveHostError: a name that does not resolve is not
# transient, and retrying it only delays the same message by half a minute. Less the
# HTTP/1.1 handler's TunnelError too: that handler is never used (httpx fetches, below),
# and naming its error imports it, a third of a second of every crawl's start-up.
RETRY_EXCEPTIONS = [e for e in default_settings.RETRY_EXCEPTIONS
                    if e not in ("scrapy.exceptions.CannotResolveHostError",
                                 "scrapy.core.downloader.handlers.http11.TunnelError")]

# --- TLS: always verified, through the httpx handler (which also speaks SOCKS5) -------
DOWNLOAD_VERIFY_CERTIFICATES = True
DOWNLOAD_HANDLERS = {
    "http": "scraper.fetching.VerifiedDownloadHandler",
    "https": "scraper.fetching.VerifiedDownloadHandler",
}

DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scraper.fetching.BackoffRetryMiddleware": 550,
    "scraper.fetching.ProxyMiddleware": 740,  # before HttpProxyMiddleware (750) moves credentials to a header
}
# COOKIES_ENABLED is off: left out of the base list, so its module (tldextract, requests:
# a tenth of a second) is not imported either.
DOWNLOADER_MIDDLEWARES_BASE = {name: order for name, order in default_settings.DOWNLOADER_MIDDLEWARES_BASE.items()
                               if name != "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"}
ITEM_PIPELINES = {"pipelines.item_pipelines.StorePullPipeline": 300}

LOG_LEVEL = _env("REGWATCH_LOG_LEVEL") or "INFO"
FEED_EXPORT_ENCODING = "utf-8"

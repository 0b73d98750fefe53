"""The cheap probe: GET /info (a few kilobytes) and read its `lastModified` stamp, to
decide whether a full crawl is worth it. The URL is the register's metadata (its
`api_url`, REGWATCH_MINJUST_URL standing in for the host), as the spider's is. Same proxy, trust store, timeout and
User-Agent as the spider, through the same HTTP client library."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass

import httpx2 as httpx  # the httpx API (the fork Scrapy's download handler uses)

from scraper.fetching import add_trust
from scraper.project import scrapy_settings
from scraper.redact import redact
from scraper.registers.metadata import SourceMeta


@dataclass(frozen=True)
class ProbeResult:
    last_modified: int | None = None
    bytes_fetched: int = 0  # the body, for the cost benchmark
    error: str = ""  # names the source and the problem; empty when the probe worked

    @property
    def ok(self) -> bool:
        return not self.error


def probe(meta: SourceMeta) -> ProbeResult:
    settings = scrapy_settings()
    context = ssl.create_default_context()
    add_trust(context, settings.getlist("REGWATCH_CA_FILES"))
    url = meta.api_url(settings.get("REGWATCH_MINJUST_URL") or "") + "/info"
    try:
        with httpx.Client(verify=context, proxy=settings.get("REGWATCH_PROXY") or None,
                          timeout=settings.getfloat("DOWNLOAD_TIMEOUT"), trust_env=False,
                          headers={"User-Agent": settings.get("USER_AGENT")}) as client:
            reply = client.get(url)
    except (httpx.HTTPError, OSError, ValueError) as exc:
        return ProbeResult(error=f"{meta.source}: probe of /info failed: "
                                 f"{type(exc).__name__}: {redact(str(exc))}")
    size = len(reply.content)
    if reply.status_code != 200:
        return ProbeResult(bytes_fetched=size,
                           error=f"{meta.source}: probe of /info: HTTP {reply.status_code}")
    try:
        stamp = json.loads(reply.content).get("lastModified")
    except (ValueError, AttributeError):
        return ProbeResult(bytes_fetched=size, error=f"{meta.source}: probe of /info: not JSON")
    if not isinstance(stamp, int):
        return ProbeResult(bytes_fetched=size,
                           error=f"{meta.source}: probe of /info: no lastModified stamp")
    return ProbeResult(stamp, size)

"""`regwatch verify`: pull the register through both official channels, the JSON service
(/values) and the XLSX export (/export), in one process, and report every row where
they disagree. Nothing is stored as current; the raw replies of both are archived (and
listed in the database) so a report can be traced to the bytes the ministry served."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipelines.register.channels import Disagreement, compare_channels
from pipelines.register.models import Entry
from pipelines.register.normalise import Profile, normalise_rows
from pipelines.storage.data_config import DataConfig
from pipelines.storage.raw_archive import archive_replies
from pipelines.storage.store import Store
from regwatch.runner import crawler_process
from scraper.registers.metadata import load_source
from scraper.spiders.minjust_json import CHANNELS


@dataclass
class ChannelPull:
    channel: str
    entries: list[Entry] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # SHA-256 of the raw replies
    as_of: str = ""
    problem: str = ""


@dataclass
class VerifyReport:
    source: str
    pulls: list[ChannelPull]
    disagreements: list[Disagreement]

    @property
    def ok(self) -> bool:
        return not self.disagreements and not any(p.problem for p in self.pulls)


def run_verify(source: str, data: DataConfig) -> VerifyReport:
    """Both channels at once (one reactor, two crawlers), then the comparison."""
    meta = load_source(source)
    process = crawler_process(data.data_dir / "regwatch.log",
                              {"ITEM_PIPELINES": {"pipelines.item_pipelines.KeepPullPipeline": 300}})
    crawlers = {via: process.create_crawler(meta.spider) for via in CHANNELS}
    for via, crawler in crawlers.items():
        process.crawl(crawler, via=via)
    process.start()
    store = Store(data.database_url)
    try:
        pulls = [_channel_pull(via, crawler, data, store, Profile.of(meta)) for via, crawler in crawlers.items()]
    finally:
        store.close()
    if any(p.problem for p in pulls):
        return VerifyReport(meta.source, pulls, [])
    return VerifyReport(meta.source, pulls, compare_channels(pulls[0].entries, pulls[1].entries))


def _channel_pull(via: str, crawler, data: DataConfig, store: Store, profile: Profile) -> ChannelPull:
    item = getattr(crawler.spider, "pulled", None)
    if item is None:
        return ChannelPull(via, problem=f"{via}: the crawl ended without a result")
    hashes = archive_replies(store, data.data_dir, item.pull.source, item.pull.replies)
    pull = ChannelPull(via, replies=hashes, as_of=item.pull.as_of,
                       problem=item.problem)
    if not item.problem:
        pull.entries, problems = normalise_rows(item.pull.made_rows(), item.pull.source_url, profile=profile)
        fatal = [str(p) for p in problems if p.fatal]
        if fatal:
            pull.problem = f"{via}: {fatal[0]}"
    return pull

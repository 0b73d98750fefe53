""""Not listed" is only as good as the data under it: how old each register's data is, and
which registers are too old (or were never read) for such an answer to stand alone.

`regwatch check` and the web's check share it: a register's last good crawl, its metadata's
`stale_after_days`, the warning, and the per-register records of a check's JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pipelines.i18n.catalog import translator
from pipelines.matching.registers import RegisterAnswer, answer_record
from scraper.registers.metadata import SourceMeta

NOT_CHECKED = "not checked"  # a register asked but never read here


@dataclass(frozen=True)
class DataAge:
    """How old one register's data is: the end of its last good crawl (baseline, changed
    or unchanged; an imported copy counts at its capture time)."""

    source: str
    last_good_crawl: str  # ISO 8601; "" when it never had one
    stale_after_days: int  # from the register's metadata


@dataclass(frozen=True)
class Stale:
    """A register whose data is too old (or missing) for a "not listed" answer to stand alone."""

    age: DataAge
    warning: str  # says the date of the last good crawl, and what to do

    def record(self) -> dict[str, object]:
        return {"source": self.age.source, "last_good_crawl": self.age.last_good_crawl or None,
                "stale_after_days": self.age.stale_after_days, "warning": self.warning}


def data_ages(last_good_crawl: Mapping[str, str], registers: Iterable[SourceMeta]) -> list[DataAge]:
    """How old each register's data is, in the order given; `last_good_crawl` is the
    database's answer (source → ISO time), as `name_index.Facts` reads it for both faces."""
    return [DataAge(meta.source, last_good_crawl.get(meta.source) or "", meta.stale_after_days)
            for meta in registers]


def stale_data(ages: Iterable[DataAge], now: datetime, language: str = "en") -> list[Stale]:
    """The registers among `ages` whose last good crawl is older than their
    `stale_after_days` at `now` (timezone-aware), or that never had one; warned in `language`."""
    t = translator(language)
    stale = []
    for age in ages:
        if not age.last_good_crawl:
            stale.append(Stale(age, t("cli.check.stale.never", source=age.source)))
            continue
        crawled = datetime.fromisoformat(age.last_good_crawl)
        days = (now - (crawled if crawled.tzinfo else crawled.replace(tzinfo=UTC))) / timedelta(days=1)
        if days > age.stale_after_days:
            stale.append(Stale(age, t("cli.check.stale.old", source=age.source, day=age.last_good_crawl[:10],
                                      days=int(days), limit=age.stale_after_days)))
    return stale


def age_record(ages: Sequence[DataAge], source: str, stale: Sequence[Stale]) -> dict[str, object]:
    age = next(a for a in ages if a.source == source)
    warned = next((s for s in stale if s.age.source == source), None)
    return {"last_good_crawl": age.last_good_crawl or None, "stale_after_days": age.stale_after_days,
            "stale": warned is not None, "warning": warned.warning if warned else None}


def registers_record(answers: Sequence[RegisterAnswer], sources: Sequence[str], query: str,
                     ages: Sequence[DataAge], stale: Sequence[Stale]) -> list[dict[str, object]]:
    """One record per register asked, in `sources` order: its verdict and matches (as
    `answer_record`) and how fresh its data is; a register never read here is "not checked"."""
    answered = {a.source: a for a in answers}
    return [{"register": source, "verdict": a.word, **answer_record(a, query),
             "data": age_record(ages, source, stale)} if (a := answered.get(source)) else
            {"register": source, "verdict": NOT_CHECKED, "data": age_record(ages, source, stale)}
            for source in sources]

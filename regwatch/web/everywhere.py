""""Am I listed anywhere?" on the web: one answer per register, as `regwatch check` gives
them (pipelines/matching/registers.check_registers), with how fresh each register's data is.

The register a page shows comes first: its answer decides the headline when nothing is
listed anywhere. A register never read here is "not checked", never "not listed".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pipelines.matching.freshness import NOT_CHECKED, DataAge, Stale, data_ages, registers_record, stale_data
from pipelines.matching.index import QueryError, Verdict
from pipelines.matching.registers import (
    EXCLUDED_WORD,
    LISTED,
    NOT_LISTED,
    POSSIBLE,
    RegisterAnswer,
    answer_entry,
    check_registers,
    deciding,
)
from pipelines.publish import name_index
from pipelines.register.models import Entry
from regwatch.web.context import WebContext
from regwatch.web.state import RegisterState

# How a page states an answer (its CSS class and phrase): an excluded entry is on the
# register but no longer in force; a possible match is never shown as listed.
_KINDS = {LISTED: "listed", EXCLUDED_WORD: "excluded", POSSIBLE: "possible", NOT_LISTED: "none",
          NOT_CHECKED: "unchecked"}


def answer_kind(answer: RegisterAnswer | None) -> str:
    return _KINDS[answer.word if answer is not None else NOT_CHECKED]


@dataclass(frozen=True)
class RegisterBlock:
    """One register's part of the answer, as a page shows it."""

    web: WebContext
    answer: RegisterAnswer | None  # None: never read here
    age: DataAge
    stale: Stale | None

    @property
    def kind(self) -> str:
        return answer_kind(self.answer)

    @property
    def entry(self) -> Entry | None:
        """The entry the answer stands on (none for "not listed")."""
        if self.answer is None or self.answer.word == NOT_LISTED:
            return None
        return answer_entry(self.answer)


@dataclass(frozen=True)
class Everywhere:
    query: str
    blocks: tuple[RegisterBlock, ...]  # the register shown first

    @property
    def answers(self) -> list[RegisterAnswer]:
        return [b.answer for b in self.blocks if b.answer is not None]

    @property
    def deciding(self) -> RegisterBlock:
        """The register whose answer the headline states (the first listed, else excluded,
        else possible, else the register shown)."""
        answer = deciding(self.answers)
        return next(b for b in self.blocks if b.answer is answer)

    @property
    def listed(self) -> bool:
        return any(a.listed for a in self.answers)

    def own_verdict(self, state: RegisterState) -> Verdict | None:
        """The name check of the register shown, over its whole index (as /api/check always
        answered): its answer's, when that came from the same index, else checked again."""
        shown = self.blocks[0]
        if (shown.answer is not None and shown.answer.verdict is not None and state.checker is not None
                and state.checker.names is state.index):
            return shown.answer.verdict
        return shown.web.check(state, self.query)

    def record(self) -> list[dict[str, object]]:
        """Per register, as `regwatch check --json` gives it (warnings in the language asked)."""
        return registers_record(self.answers, [b.web.meta.source for b in self.blocks], self.query,
                                [b.age for b in self.blocks], [b.stale for b in self.blocks if b.stale])


def check_everywhere(registers: Mapping[str, WebContext], shown: str, query: str,
                     language: str = "en") -> Everywhere | None:
    """Every register's answer to `query`; None when nothing is left to check in it (only
    markup or spaces) or no register was read yet. The caller has capped its length."""
    order: Sequence[WebContext] = [registers[shown], *(w for s, w in registers.items() if s != shown)]
    states = {web.meta.source: web.state() for web in order}
    checkers = {s: state.checker for s, state in states.items() if state.checker is not None}
    if not checkers:
        return None
    false_positives = order[0].false_positives
    try:
        answers = {a.source: a for a in check_registers(checkers, query, false_positives=false_positives)}
    except QueryError:
        return None
    ages = _ages(order)
    stale = {s.age.source: s for s in stale_data(ages, datetime.now(UTC), language)}
    return Everywhere(query, tuple(RegisterBlock(web, answers.get(web.meta.source), age, stale.get(age.source))
                                   for web, age in zip(order, ages, strict=True)))


# (database URL, registers) → (when read, their data ages). Ages count in days; the
# crawl log is read again after the register's own recheck_seconds, not on every request.
_read_ages: dict[tuple[str, tuple[str, ...]], tuple[float, list[DataAge]]] = {}


def _ages(order: Sequence[WebContext]) -> list[DataAge]:
    key = (order[0].store.url, tuple(web.meta.source for web in order))
    now = time.monotonic()
    read = _read_ages.get(key)
    if read is None or now - read[0] >= order[0].register.recheck_seconds:
        found = name_index.store_facts(order[0].store, key[1])
        read = _read_ages[key] = (now, data_ages(found.last_good_crawl, (web.meta for web in order)))
    return read[1]

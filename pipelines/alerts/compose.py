"""What an alert says, and to whom. Pure: no I/O, no clock.

A subscriber gets ONE message per crawl of a register, however many rows changed: the
changes it asked for (registers, kinds), and before them every change of an entry on its
watchlist, from any register, whatever its registers and kinds say. The message is in the
subscriber's language, names the register by its short title and each entry as published
with its number, dates and order numbers (a court list's: its court decision), and ends
with a link to the official register.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipelines.announcements.linking import FirstWord
from pipelines.i18n.catalog import translator
from pipelines.matching.watchlist import WatchHit, watchlist_hits
from pipelines.register.models import (
    ADDED,
    EXCLUDED_KIND,
    MODIFIED,
    REINSTATED,
    REMOVED,
    RENUMBERED,
    Change,
    Entry,
)
from pipelines.register.names import split_name
from pipelines.register.normalise import PROSECUTOR_GENERAL

KINDS_IN_READING_ORDER = (ADDED, EXCLUDED_KIND, REINSTATED, REMOVED, MODIFIED, RENUMBERED)
# A watched organisation is news whatever happened to it, except a row vanishing from the
# published list, which is as often the service's fault as a real change.
WATCHED_KINDS = frozenset({ADDED, REINSTATED, MODIFIED, EXCLUDED_KIND, RENUMBERED})


@dataclass(frozen=True, repr=False)
class Subscription:
    name: str
    channel: str  # "webhook" or "apprise"
    url: str
    secret: str = ""
    language: str = "en"  # "en" or "ru"
    registers: tuple[str, ...] = ()  # source ids; empty: all
    kinds: tuple[str, ...] = ()  # change kinds; empty: all
    watchlist: tuple[str, ...] = ()
    max_items: int = 30

    def __repr__(self) -> str:
        # url and secret hold tokens, and a repr ends up in logs and tracebacks.
        return f"Subscription(name={self.name!r}, channel={self.channel!r})"


@dataclass
class Selection:
    changes: list[Change]  # flagged ones first, each group in the order of the crawl
    flagged: dict[str, list[WatchHit]] = field(default_factory=dict)  # entry_id → hits

    def is_flagged(self, change: Change) -> bool:
        return change.kind in WATCHED_KINDS and change.entry_id in self.flagged


@dataclass(frozen=True)
class Message:
    title: str
    text: str


class SourceInfo(Protocol):
    """What a message needs of a source's metadata (scraper.registers.SourceMeta)."""

    @property
    def source(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def title_en(self) -> str: ...
    def short(self, language: str) -> str: ...
    def view_url(self, base_url: str | None = None) -> str: ...


# --- to whom ---------------------------------------------------------------------------

def _entry_of(change: Change, entries: Mapping[str, Entry]) -> Entry:
    """The change's entry; one rebuilt from the change's name when the caller has none."""
    entry = entries.get(change.entry_id)
    if entry is not None:
        return entry
    parts = split_name(change.name)
    return Entry(change.entry_id, change.number, change.name, parts.name_ru,
                 parts.name_original, parts.acronyms)


def _watched(watchlist: Sequence[str], changes: Iterable[Change],
             entries: Mapping[str, Entry]) -> dict[str, list[WatchHit]]:
    flagged: dict[str, list[WatchHit]] = {}
    for change in changes:
        if (watchlist and change.kind in WATCHED_KINDS and change.entry_id not in flagged
                and (hits := watchlist_hits(watchlist, _entry_of(change, entries)))):
            flagged[change.entry_id] = hits
    return flagged


def select(sub: Subscription, source: str, changes: Sequence[Change],
           entries: Mapping[str, Entry]) -> Selection:
    """The changes of one crawl of `source` that `sub` receives: its watchlist is matched
    in every register, the rest only in the registers it names."""
    chosen = Selection([], _watched(sub.watchlist, changes, entries))
    flagged = [c for c in changes if chosen.is_flagged(c)]
    asked = not sub.registers or source in sub.registers
    wanted = [c for c in changes if asked
              and not chosen.is_flagged(c) and (not sub.kinds or c.kind in sub.kinds)]
    chosen.changes = flagged + wanted
    return chosen


# --- in words --------------------------------------------------------------------------

# Every fixed string is in the phrase catalog (pipelines/i18n): alert.*, status.*.
# «организация» is feminine: «добавлена».
_DATE_FIELDS = frozenset({"designated_on", "listed_on", "excluded_on", "decision_date"})
_AUTHORITIES = {PROSECUTOR_GENERAL: "alert.authority.prosecutor_general"}  # in words


def _breakdown(changes: Iterable[Change], language: str) -> str:
    """'2 added, 1 excluded' / 'добавлено — 2, исключено — 1', kinds in reading order."""
    t = translator(language)
    counts = Counter(c.kind for c in changes)
    order = [*KINDS_IN_READING_ORDER, *sorted(set(counts) - set(KINDS_IN_READING_ORDER))]
    return ", ".join(t("alert.breakdown.item", n=counts[kind], label=t.get(f"alert.counted.{kind}", kind))
                     for kind in order if counts[kind])


def format_date(iso: str, language: str) -> str:
    """ISO in English; in Russian as the register itself writes dates (29.07.2015)."""
    if language == "ru" and len(iso) == 10:
        year, month, day = iso.split("-")
        return f"{day}.{month}.{year}"
    return iso


# A value longer than this is cut in a message (the webhook's JSON keeps it whole): the
# longest name ever published has 336 characters, and a runaway cell must not become a
# message of megabytes, nor a row too big for the outbox.
MAX_VALUE_CHARS = 600


def cut(text: str, language: str, limit: int = MAX_VALUE_CHARS) -> str:
    """`text`, or its first `limit` characters and a marked ellipsis saying how many more."""
    if len(text) <= limit:
        return text
    return text[:limit] + translator(language)("alert.cut", n=len(text) - limit)


def _value(field_name: str, text: str, language: str) -> str:
    """A field's value as a reader wants it: dates, statuses and authorities in words."""
    t = translator(language)
    text = cut(text, language)
    if not text:
        return t("alert.empty")
    if field_name in _DATE_FIELDS:
        return format_date(text, language)
    if field_name == "status":
        return t.get(f"status.{text}", text)
    if field_name == "designated_by" and text in _AUTHORITIES:
        return t(_AUTHORITIES[text])
    return text


def _official_title(source_meta: SourceInfo, language: str) -> str:
    return source_meta.title if language == "ru" else source_meta.title_en


# --- the message -----------------------------------------------------------------------

def _hit_lines(hits: Iterable[WatchHit], language: str) -> list[str]:
    t = translator(language)
    return [t("alert.hit", query=cut(hit.query, language), matched=cut(hit.matched, language),
              part=t(f"alert.part.{hit.part}"), how=t(f"alert.how.{hit.how}"))
            for hit in hits]


def _what_changed(change: Change, language: str) -> list[str]:
    """The edit itself: field old → new; for a row that vanished or came back, its status
    before (the heading says what happened)."""
    if change.kind in (MODIFIED, RENUMBERED):
        label = translator(language).get(f"alert.field.{change.field}", change.field)
        old, new = (_value(change.field, v, language) for v in (change.old, change.new))
        return [f"{label}: {old} → {new}"]
    if change.kind in (REMOVED, REINSTATED):
        return [translator(language)("alert.before", old=_value("status", change.old, language))]
    return []


def _record(entry: Entry, language: str) -> list[str]:
    """The entry's dates and order numbers, those it has."""
    t, lines = translator(language), []
    if entry.decision_date:  # a court list's: the decision, and the day it came into force
        line = t("alert.court_decision", date=format_date(entry.decision_date, language),
                 by=cut(entry.designated_by, language))
        if entry.decision_number == "б/н":  # the list says it has none
            line += t("alert.court_decision.no_number")
        elif entry.decision_number:
            line += t("alert.court_decision.number", number=cut(entry.decision_number, language))
        if entry.designated_on and entry.designated_on != entry.decision_date:
            line += t("alert.court_decision.in_force", date=format_date(entry.designated_on, language))
        lines.append(line)
    elif entry.designated_on:
        lines.append(t("alert.designated", date=format_date(entry.designated_on, language),
                       by=_value("designated_by", entry.designated_by, language)))
    for step, date, order in (("listed", entry.listed_on, entry.listing_order),
                              ("excluded", entry.excluded_on, entry.exclusion_order)):
        if date or order:
            line = t(f"alert.{step}", date=_value(f"{step}_on", date, language))
            lines.append(line + (t(f"alert.{step}.order", order=cut(order, language)) if order else ""))
    return lines


def _block(i: int, change: Change, selection: Selection, entries: Mapping[str, Entry],
           language: str, first_words: Mapping[str, FirstWord]) -> str:
    """One change: heading, name, why it is flagged, what changed, dates and orders."""
    t, flagged = translator(language), selection.is_flagged(change)
    marker = f"[{t('alert.marker')}] " if flagged else ""
    number = t("alert.number", number=change.number)
    kind = t.get(f"alert.kind.{change.kind}", change.kind)
    lines = [cut(change.name, language)]
    if flagged:
        lines += _hit_lines(selection.flagged[change.entry_id], language)
    lines += _what_changed(change, language)
    if (entry := entries.get(change.entry_id)) is not None:
        lines += _record(entry, language)
    if change.kind == ADDED and (word := first_words.get(change.entry_id)) is not None:
        lines.append(t("alert.first_word", date=format_date(word.published_on, language),
                       lag=t.plural("alert.count.days", word.lag_days or 0), url=word.url))
    return "\n".join([f"{i}. {marker}{number}: {kind}", *("   " + line for line in lines)])


def _title(selection: Selection, source_meta: SourceInfo, language: str) -> str:
    t = translator(language)
    title = f"{source_meta.short(language)}: {t.plural('alert.count.changes', len(selection.changes))}"
    if breakdown := _breakdown(selection.changes, language):
        title += f" ({breakdown})"
    return f"{t('alert.marker')} — {title}" if selection.flagged else title


def _source_link(selection: Selection, entries: Mapping[str, Entry], source_meta: SourceInfo,
                 language: str) -> str:
    """The official register's page; the entries' own source_url when metadata has none."""
    cited = (entries[c.entry_id].source_url for c in selection.changes if c.entry_id in entries)
    url = source_meta.view_url() or next((u for u in cited if u), "")
    return translator(language)("alert.source", title=_official_title(source_meta, language), url=url)


def compose(selection: Selection, entries: Mapping[str, Entry], source_meta: SourceInfo,
            language: str, max_items: int = 30, first_words: Mapping[str, FirstWord] | None = None) -> Message:
    """One message for one subscriber's share of one crawl. Beyond `max_items` changes
    (flagged ones are always shown) a line counts the rest by kind. `first_words`: for an
    added entry, the announcement that came first (pipelines.announcements.linking.first_announced)."""
    t, changes = translator(language), selection.changes
    shown = changes[: max(max_items, sum(map(selection.is_flagged, changes)))]
    blocks = [_block(i, change, selection, entries, language, first_words or {})
              for i, change in enumerate(shown, 1)] or [t("alert.none")]
    if hidden := changes[len(shown) :]:
        blocks.append(t.plural("alert.more", len(hidden), breakdown=_breakdown(hidden, language)))
    blocks.append(_source_link(selection, entries, source_meta, language))
    return Message(_title(selection, source_meta, language), "\n\n".join(blocks))


OPERATOR_KINDS = ("failing", "recovered", "delivery_failed")


def operator_message(kind: str, source: str, detail: str, since: str, count: int,
                     language: str = "en") -> Message:
    """For the operator: a source `failing` `count` times in a row since `since` (`detail`:
    what fails), `recovered`, or an alert to subscription `detail` that could not be
    delivered after `count` attempts (`delivery_failed`). Callers pass names, no secrets."""
    if kind not in OPERATOR_KINDS:
        raise ValueError(f"unknown operator message {kind!r}: one of {', '.join(OPERATOR_KINDS)}")
    t = translator(language)
    noun = "attempts" if kind == "delivery_failed" else "times"
    values = {"source": source, "detail": detail, "since": since,
              "count": t.plural(f"alert.count.{noun}", count)}
    return Message(t(f"alert.operator.{kind}.title", **values), t(f"alert.operator.{kind}.text", **values))

"""What an alert says, and to whom. Pure: no I/O, no clock.

A subscriber gets ONE message per crawl of a register, however many rows changed: the
changes it asked for (registers, kinds), and before them every change of an organisation
on its watchlist, whatever its kinds say. The message is in the subscriber's language,
names each organisation as published with its number, dates and order numbers, and
ends with a link to the official register.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pipelines.announcements.linking import FirstWord
from pipelines.matching.watchlist import WatchHit, watchlist_hits
from pipelines.register.models import (
    ADDED,
    EXCLUDED,
    EXCLUDED_KIND,
    LISTED,
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
LANGUAGES = ("en", "ru")


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
        if watchlist and change.kind in WATCHED_KINDS and change.entry_id not in flagged:
            if hits := watchlist_hits(watchlist, _entry_of(change, entries)):
                flagged[change.entry_id] = hits
    return flagged


def select(sub: Subscription, source: str, changes: Sequence[Change],
           entries: Mapping[str, Entry]) -> Selection:
    """The changes of one crawl of `source` that `sub` receives."""
    if sub.registers and source not in sub.registers:
        return Selection([])
    chosen = Selection([], _watched(sub.watchlist, changes, entries))
    flagged = [c for c in changes if chosen.is_flagged(c)]
    wanted = [c for c in changes
              if not chosen.is_flagged(c) and (not sub.kinds or c.kind in sub.kinds)]
    chosen.changes = flagged + wanted
    return chosen


# --- in words --------------------------------------------------------------------------

# Every fixed string, English then Russian. «организация» is feminine: «добавлена».
_PHRASES: dict[str, tuple[str, str]] = {
    "marker": ("WATCHLIST MATCH", "СОВПАДЕНИЕ СО СПИСКОМ НАБЛЮДЕНИЯ"),
    "register.ru_minjust_undesirable": ("Undesirable organisations register",
                                        "Перечень нежелательных организаций"),
    "changes": ("change|changes|changes", "изменение|изменения|изменений"),
    "count": ("{n} {label}", "{label} — {n}"),
    "number": ("No. {number}", "№ {number}"),
    "hit": ('Watch name "{query}" matched the {part} "{matched}" ({how})',
            "Имя из списка наблюдения «{query}» совпало: {part} «{matched}» ({how})"),
    "designated": ("Declared undesirable: {date} ({by})", "Признана нежелательной: {date} ({by})"),
    "listed": ("Added to the list: {date}", "Включена в перечень: {date}"),
    "listed.order": (", Ministry of Justice order {order}",
                     ", распоряжение Минюста России № {order}"),
    "excluded": ("Excluded from the list: {date}", "Исключена из перечня: {date}"),
    "excluded.order": (", order {order}", ", распоряжение № {order}"),
    "before": ("Status before: {old}", "Статус до этого: {old}"),
    "empty": ("(empty)", "(пусто)"),
    "more": ("… and {n} more {noun}: {breakdown}", "… и ещё {n} {noun}: {breakdown}"),
    "none": ("No changes.", "Изменений нет."),
    "source": ("Official source: {title}\n{url}", "Официальный источник: {title}\n{url}"),
    "first_word": ("First announced {date}, {lag} before the inclusion order: {url}",
                   "Впервые объявлено {date}, за {lag} до распоряжения о включении: {url}"),
    "days": ("day|days|days", "день|дня|дней"),
    # what happened, in a heading / in a count
    f"kind.{ADDED}": ("added to the list", "добавлена в перечень"),
    f"kind.{EXCLUDED_KIND}": ("excluded from the list", "исключена из перечня"),
    f"kind.{REINSTATED}": ("reinstated", "восстановлена в перечне"),
    f"kind.{REMOVED}": ("the row vanished from the published list",
                        "строка исчезла из опубликованного перечня"),
    f"kind.{MODIFIED}": ("changed", "изменена"),
    f"kind.{RENUMBERED}": ("renumbered", "перенумерована"),
    f"counted.{ADDED}": ("added", "добавлено"),
    f"counted.{EXCLUDED_KIND}": ("excluded", "исключено"),
    f"counted.{REINSTATED}": ("reinstated", "восстановлено"),
    f"counted.{REMOVED}": ("removed", "исчезло"),
    f"counted.{MODIFIED}": ("modified", "изменено"),
    f"counted.{RENUMBERED}": ("renumbered", "перенумеровано"),
    # which name a watch name matched, and how
    "part.name": ("full published name", "полное наименование"),
    "part.name_ru": ("Russian name", "наименование на русском языке"),
    "part.name_original": ("original name", "наименование на языке оригинала"),
    "part.acronym": ("acronym", "сокращённое наименование"),
    "how.exact": ("exactly", "точно"),
    "how.folded": ("ignoring case, accents and punctuation",
                   "без учёта регистра, диакритики и знаков препинания"),
    "how.transliterated": ("by transliteration", "по транслитерации"),
    # the fields of an entry, as a reader calls them
    "field.number": ("number", "номер"),
    "field.name": ("name", "наименование"),
    "field.name_ru": ("Russian name", "наименование на русском языке"),
    "field.name_original": ("original name", "наименование на языке оригинала"),
    "field.acronyms": ("acronyms", "сокращённые наименования"),
    "field.country": ("country", "страна"),
    "field.country_code": ("country code", "код страны"),
    "field.designated_on": ("date of the Prosecutor General's decision",
                            "дата решения Генеральной прокуратуры"),
    "field.designated_by": ("decided by", "орган, принявший решение"),
    "field.listed_on": ("date of inclusion", "дата включения в перечень"),
    "field.listing_order": ("inclusion order", "номер распоряжения о включении"),
    "field.excluded_on": ("date of exclusion", "дата исключения из перечня"),
    "field.exclusion_order": ("exclusion order", "номер распоряжения об исключении"),
    "field.status": ("status", "статус"),
    f"status.{LISTED}": ("listed", "включена"),
    f"status.{EXCLUDED}": ("excluded", "исключена"),
    f"status.{REMOVED}": ("removed", "исчезла из перечня"),
    f"authority.{PROSECUTOR_GENERAL}": (PROSECUTOR_GENERAL,
                                        "Генеральная прокуратура Российской Федерации"),
    # for the operator
    "times": ("time|times|times", "раз|раза|раз"),
    "attempts": ("attempt|attempts|attempts", "попытки|попыток|попыток"),  # «после N …»
    "failing.title": ("regwatch: {source} is failing", "regwatch: источник {source} не работает"),
    "failing.text": ("{source} has failed {count} in a row since {since}.\nWhat fails: {detail}",
                     "Источник {source} дал сбой {count} подряд, начиная с {since}.\n"
                     "Что не работает: {detail}"),
    "recovered.title": ("regwatch: {source} works again",
                        "regwatch: источник {source} снова работает"),
    "recovered.text": ("{source} works again. It had failed {count} in a row since {since}.",
                       "Источник {source} снова работает. До этого он дал сбой {count} подряд, "
                       "начиная с {since}."),
    "delivery_failed.title": ('regwatch: an alert to subscription "{detail}" was not delivered',
                              "regwatch: уведомление для подписки «{detail}» не доставлено"),
    "delivery_failed.text": (
        'An alert about {source} to subscription "{detail}" could not be delivered after '
        "{count} (queued {since}). It will not be retried.",
        "Уведомление об источнике {source} для подписки «{detail}» не удалось доставить после "
        "{count} (в очереди с {since}). Повторных попыток не будет."),
}
_DATE_FIELDS = frozenset({"designated_on", "listed_on", "excluded_on"})
_WORDED_FIELDS = {"status": "status", "designated_by": "authority"}  # field → phrase prefix


def _say(key: str, language: str, **values: object) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    phrase = _PHRASES[key][LANGUAGES.index(language)]
    return phrase.format(**values) if values else phrase


def _say_or(key: str, language: str, fallback: str) -> str:
    """A phrase the table may lack (a new field, an unknown authority): the raw text then."""
    return _say(key, language) if key in _PHRASES else fallback


def _plural_index(n: int, language: str) -> int:
    """0 one, 1 few, 2 many: 1 изменение, 2 изменения, 5 изменений (11–14: many)."""
    if language == "en":
        return 0 if n == 1 else 2
    if n % 10 == 1 and n % 100 != 11:
        return 0
    return 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else 2


def _noun(n: int, key: str, language: str) -> str:
    """The form of a noun that goes with n: `key` names its forms in the phrase table."""
    return _say(key, language).split("|")[_plural_index(n, language)]


def _count(n: int, key: str, language: str) -> str:
    """'1 change', '2 изменения', '5 изменений'."""
    return f"{n} {_noun(n, key, language)}"


def _breakdown(changes: Iterable[Change], language: str) -> str:
    """'2 added, 1 excluded' / 'добавлено — 2, исключено — 1', kinds in reading order."""
    counts = Counter(c.kind for c in changes)
    order = [*KINDS_IN_READING_ORDER, *sorted(set(counts) - set(KINDS_IN_READING_ORDER))]
    return ", ".join(_say("count", language, n=counts[kind],
                          label=_say_or(f"counted.{kind}", language, kind))
                     for kind in order if counts[kind])


def format_date(iso: str, language: str) -> str:
    """ISO in English; in Russian as the register itself writes dates (29.07.2015)."""
    if language == "ru" and len(iso) == 10:
        year, month, day = iso.split("-")
        return f"{day}.{month}.{year}"
    return iso


def _value(field_name: str, text: str, language: str) -> str:
    """A field's value as a reader wants it: dates, statuses and authorities in words."""
    if not text:
        return _say("empty", language)
    if field_name in _DATE_FIELDS:
        return format_date(text, language)
    if prefix := _WORDED_FIELDS.get(field_name):
        return _say_or(f"{prefix}.{text}", language, text)
    return text


def _official_title(source_meta: SourceInfo, language: str) -> str:
    return source_meta.title if language == "ru" else source_meta.title_en


# --- the message -----------------------------------------------------------------------

def _hit_lines(hits: Iterable[WatchHit], language: str) -> list[str]:
    return [_say("hit", language, query=hit.query, matched=hit.matched,
                 part=_say(f"part.{hit.part}", language), how=_say(f"how.{hit.how}", language))
            for hit in hits]


def _what_changed(change: Change, language: str) -> list[str]:
    """The edit itself: field old → new; for a row that vanished or came back, its status
    before (the heading says what happened)."""
    if change.kind in (MODIFIED, RENUMBERED):
        label = _say_or(f"field.{change.field}", language, change.field)
        old, new = (_value(change.field, v, language) for v in (change.old, change.new))
        return [f"{label}: {old} → {new}"]
    if change.kind in (REMOVED, REINSTATED):
        return [_say("before", language, old=_value("status", change.old, language))]
    return []


def _record(entry: Entry, language: str) -> list[str]:
    """The entry's dates and order numbers, those it has."""
    lines = []
    if entry.designated_on:
        lines.append(_say("designated", language, date=format_date(entry.designated_on, language),
                          by=_value("designated_by", entry.designated_by, language)))
    for step, date, order in (("listed", entry.listed_on, entry.listing_order),
                              ("excluded", entry.excluded_on, entry.exclusion_order)):
        if date or order:
            line = _say(step, language, date=_value(f"{step}_on", date, language))
            lines.append(line + (_say(f"{step}.order", language, order=order) if order else ""))
    return lines


def _block(i: int, change: Change, selection: Selection, entries: Mapping[str, Entry],
           language: str, first_words: Mapping[str, FirstWord]) -> str:
    """One change: heading, name, why it is flagged, what changed, dates and orders."""
    flagged = selection.is_flagged(change)
    marker = f"[{_say('marker', language)}] " if flagged else ""
    number = _say("number", language, number=change.number)
    kind = _say_or(f"kind.{change.kind}", language, change.kind)
    lines = [change.name]
    if flagged:
        lines += _hit_lines(selection.flagged[change.entry_id], language)
    lines += _what_changed(change, language)
    if (entry := entries.get(change.entry_id)) is not None:
        lines += _record(entry, language)
    if change.kind == ADDED and (word := first_words.get(change.entry_id)) is not None:
        lines.append(_say("first_word", language, date=format_date(word.published_on, language),
                          lag=_count(word.lag_days or 0, "days", language), url=word.url))
    return "\n".join([f"{i}. {marker}{number}: {kind}", *("   " + line for line in lines)])


def _title(selection: Selection, source_meta: SourceInfo, language: str) -> str:
    register = _say_or(f"register.{source_meta.source}", language,
                       _official_title(source_meta, language))
    title = f"{register}: {_count(len(selection.changes), 'changes', language)}"
    if breakdown := _breakdown(selection.changes, language):
        title += f" ({breakdown})"
    return f"{_say('marker', language)} — {title}" if selection.flagged else title


def _source_link(selection: Selection, entries: Mapping[str, Entry], source_meta: SourceInfo,
                 language: str) -> str:
    """The official register's page; the entries' own source_url when metadata has none."""
    cited = (entries[c.entry_id].source_url for c in selection.changes if c.entry_id in entries)
    url = source_meta.view_url() or next((u for u in cited if u), "")
    return _say("source", language, title=_official_title(source_meta, language), url=url)


def compose(selection: Selection, entries: Mapping[str, Entry], source_meta: SourceInfo,
            language: str, max_items: int = 30, first_words: Mapping[str, FirstWord] | None = None) -> Message:
    """One message for one subscriber's share of one crawl. Beyond `max_items` changes
    (flagged ones are always shown) a line counts the rest by kind. `first_words`: for an
    added entry, the announcement that came first (pipelines.announcements.linking.first_announced)."""
    changes = selection.changes
    shown = changes[: max(max_items, sum(map(selection.is_flagged, changes)))]
    blocks = [_block(i, change, selection, entries, language, first_words or {})
              for i, change in enumerate(shown, 1)] or [_say("none", language)]
    if hidden := changes[len(shown) :]:
        blocks.append(_say("more", language, n=len(hidden), breakdown=_breakdown(hidden, language),
                           noun=_noun(len(hidden), "changes", language)))
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
    noun = "attempts" if kind == "delivery_failed" else "times"
    values = {"source": source, "detail": detail, "since": since,
              "count": _count(count, noun, language)}
    return Message(_say(f"{kind}.title", language, **values),
                   _say(f"{kind}.text", language, **values))

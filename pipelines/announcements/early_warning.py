"""The early warning: designations announced (by the Prosecutor General's Office, the
media, NGOs) that the register does not show yet. Pure: no I/O, no clock.

Several articles usually report one decision, in several spellings; they are grouped into
one `Announcement` by the organisation's folded name or acronym, so a subscriber hears of
each decision once. Each announcement carries `keys` (folded name and acronym) by which
the outbox remembers what a subscriber was told: a later article with either name is not
news again. Only recent announcements are news: an old article about an organisation the
register never listed under that name must not alert after a fresh install.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pipelines.alerts.compose import Message, Subscription, format_date
from pipelines.alerts.config import ANNOUNCED  # the alert kind a subscription's `kinds` may name
from pipelines.announcements.linking import LINKED_KINDS
from pipelines.i18n.catalog import Translator, translator
from pipelines.matching.keys import fold
from pipelines.matching.watchlist import WatchHit, watchlist_hits
from pipelines.register.models import Entry

# The register follows a decision within 1–50 days (median about two weeks): an older
# pending announcement is not an early warning any more, only a name the matcher missed.
NEWS_WINDOW_DAYS = 60
REGISTER = "ru_minjust_undesirable"  # the register these announcements precede


@dataclass(frozen=True)
class Report:
    """One article's word on the decision."""

    url: str
    title: str
    published_on: str
    source: str
    sentence: str


@dataclass(frozen=True)
class Announcement:
    keys: tuple[str, ...]  # "name:<fold>", "acronym:<fold>"
    organisation: str  # as the first report names it
    acronym: str
    other_name: str  # in the other script, when a report gives it
    country: str
    kind: str  # designated | included | excluded
    decision_date: str
    register_date: str
    authority: str
    reports: tuple[Report, ...]  # oldest first
    decision_date_basis: str = ""  # "text" (stated) or "article" (the article's day: on or before)

    @property
    def first_reported_on(self) -> str:
        return self.reports[0].published_on[:10]


def event_keys(organisation: str, acronym: str, other_name: str = "") -> tuple[str, ...]:
    keys = [f"name:{folded}" for name in (organisation, other_name) if name and (folded := fold(name))]
    if acronym and (folded_acronym := fold(acronym)):
        keys.append(f"acronym:{folded_acronym}")
    return tuple(keys)


def is_recent(published_on: str, today: date, window_days: int = NEWS_WINDOW_DAYS) -> bool:
    try:
        published = date.fromisoformat(published_on[:10])
    except ValueError:
        return False
    return today - timedelta(days=window_days) <= published <= today + timedelta(days=1)


def group(pending: Iterable[Mapping[str, Any]], today: date,
          window_days: int = NEWS_WINDOW_DAYS) -> list[Announcement]:
    """Recent pending events (rows of `pipelines.announcements.articles.events`, oldest first) grouped
    into announcements: events sharing a folded name or acronym are one decision."""
    groups: list[list[Mapping[str, Any]]] = []
    group_of_key: dict[str, int] = {}
    for event in pending:
        if event["kind"] not in LINKED_KINDS or not is_recent(event["published_on"], today, window_days):
            continue
        keys = event_keys(event["organisation"], event["acronym"], event.get("other_name") or "")
        found = sorted({group_of_key[k] for k in keys if k in group_of_key})
        if not found:
            groups.append([])
            found = [len(groups) - 1]
        target = found[0]
        for other in found[1:]:  # this event's names join two groups: they are one decision
            groups[target] += groups[other]
            groups[other] = []
            group_of_key.update({k: target for k, g in group_of_key.items() if g == other})
        groups[target].append(event)
        group_of_key.update(dict.fromkeys(keys, target))
    return [_announcement(events) for events in groups if events]


def _first(events: Sequence[Mapping[str, Any]], field: str) -> str:
    return next((e[field] for e in events if e.get(field)), "")


def _announcement(events: list[Mapping[str, Any]]) -> Announcement:
    events = sorted(events, key=lambda e: (e["published_on"], e["id"]))
    keys = tuple(dict.fromkeys(k for e in events
                               for k in event_keys(e["organisation"], e["acronym"], e.get("other_name") or "")))
    reports: dict[str, Report] = {}  # one per article, its first event's sentence
    for e in events:
        reports.setdefault(e["url"], Report(e["url"], e["title"], e["published_on"], e["source"], e["sentence"]))
    # A decision date the text states beats the day of an article that states none.
    dated = sorted((e for e in events if e["decision_date"]), key=lambda e: e.get("date_basis") != "text")
    return Announcement(keys, events[0]["organisation"], _first(events, "acronym"), _first(events, "other_name"),
                        _first(events, "country"), events[0]["kind"],
                        dated[0]["decision_date"] if dated else "",
                        _first(events, "register_date"), _first(events, "authority"), tuple(reports.values()),
                        (dated[0].get("date_basis") or "") if dated else "")


# --- to whom ---------------------------------------------------------------------------------

def _as_entry(announcement: Announcement) -> Entry:
    """The announced names in an entry's shape, for the subscribers' watchlists."""
    names = tuple(dict.fromkeys(n for n in (announcement.organisation, announcement.other_name) if n))
    return Entry("", 0, announcement.organisation, name_original=names,
                 acronyms=(announcement.acronym,) if announcement.acronym else ())


@dataclass(frozen=True)
class Chosen:
    announcement: Announcement
    hits: tuple[WatchHit, ...]  # the subscriber's watch names it matched


def choose(sub: Subscription, announcements: Iterable[Announcement],
           told: Mapping[str, set[str]]) -> list[Chosen]:
    """The announcements `sub` receives, watchlist hits first: those it was not told of
    (`told`: subscription → keys already alerted), for the register it follows, when its
    kinds include `announced` or one of its watch names matches."""
    if sub.registers and REGISTER not in sub.registers:
        return []
    known = told.get(sub.name, set())
    chosen = []
    for announcement in announcements:
        if known.intersection(announcement.keys):
            continue
        hits = tuple(watchlist_hits(sub.watchlist, _as_entry(announcement))) if sub.watchlist else ()
        if hits or not sub.kinds or ANNOUNCED in sub.kinds:
            chosen.append(Chosen(announcement, hits))
    return sorted(chosen, key=lambda c: not c.hits)


# --- in words --------------------------------------------------------------------------------

_QUOTE_LIMIT = 400  # characters of the sentence quoted


def _catalog(language: str) -> Translator:
    """The phrase catalog; any language but English reads Russian here, as it always has."""
    return translator("en" if language == "en" else "ru")


def _say(key: str, language: str, **values: object) -> str:
    return _catalog(language)(f"early_warning.{key}", **values)


def _marker(language: str) -> str:
    """The change alerts' own watchlist marker, so both kinds of alert flag alike."""
    return _catalog(language)("alert.marker")


def _name(announcement: Announcement) -> str:
    acronym = announcement.acronym
    aside = [n for n in (announcement.other_name, acronym) if n and n not in announcement.organisation]
    shown = announcement.organisation + (f" ({', '.join(aside)})" if aside else "")
    return shown + (f", {announcement.country}" if announcement.country else "")


def _block(i: int, chosen: Chosen, language: str) -> str:
    a = chosen.announcement
    marker = f"[{_marker(language)}] " if chosen.hits else ""
    lines = [_name(a)]
    lines += [_say("hit", language, query=h.query, matched=h.matched) for h in chosen.hits]
    if a.decision_date:
        key = "decision.article" if a.decision_date_basis == "article" else "decision"
        lines.append(_say(key, language, date=format_date(a.decision_date, language)))
    if a.register_date:
        lines.append(_say("register_date", language, date=format_date(a.register_date, language)))
    if a.authority:
        lines.append(_say("authority", language, authority=a.authority))
    first = a.reports[0]
    sentence = first.sentence if len(first.sentence) <= _QUOTE_LIMIT else first.sentence[:_QUOTE_LIMIT] + "…"
    lines.append(_say("quote", language, sentence=sentence))
    lines += _say("first", language, date=format_date(a.first_reported_on, language),
                  title=first.title, url=first.url).split("\n")
    if others := tuple(dict.fromkeys(r.url for r in a.reports[1:])):
        lines.append(_say("also", language, urls=", ".join(others)))
    heading = f"{i}. {marker}{_say('kind.' + a.kind, language)}"
    return "\n".join([heading, *("   " + line for line in lines)])


def compose(chosen: Sequence[Chosen], language: str) -> Message:
    """One message for one subscriber: every announcement it was not told of yet."""
    names = ", ".join(c.announcement.organisation for c in chosen)
    title = _say("title", language, names=names if len(names) <= 200 else names[:199] + "…")
    if any(c.hits for c in chosen):
        title = f"{_marker(language)} — {title}"
    blocks = [_block(i, c, language) for i, c in enumerate(chosen, 1)] + [_say("note", language)]
    return Message(title, "\n\n".join(blocks))


def payload_body(chosen: Sequence[Chosen], detected_at: str) -> dict[str, Any]:
    """The webhook JSON beside the message: the announcements and every report of each."""
    return {"kind": ANNOUNCED, "register": REGISTER, "detected_at": detected_at,
            "announcements": [{
                "organisation": c.announcement.organisation, "acronym": c.announcement.acronym,
                "other_name": c.announcement.other_name,
                "country": c.announcement.country, "kind": c.announcement.kind,
                "decision_date": c.announcement.decision_date,
                "decision_date_basis": c.announcement.decision_date_basis,
                "register_date": c.announcement.register_date,
                "authority": c.announcement.authority,
                "watchlist_matches": [{"query": h.query, "matched": h.matched, "part": h.part, "how": h.how}
                                      for h in c.hits],
                "reports": [{"url": r.url, "title": r.title, "published_on": r.published_on,
                             "source": r.source, "sentence": r.sentence}
                            for r in c.announcement.reports]} for c in chosen]}

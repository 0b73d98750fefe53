"""Designation events from the text of an announcement: rule-based, English and Russian.

An article becomes zero or more `Event`s: who was declared undesirable (`designated`, by
the Prosecutor General's Office or a deputy), put in the Ministry of Justice's register
(`included`) or taken out of it (`excluded`), and, separately, criminal or administrative
cases for "participation" (`prosecution`, never a designation). Pure functions, no
network, no models; the wording is near-boilerplate (see
../shared/data/announcements/README.md), so sentences are matched, not parsed. The modules
beside this one read the text, sentences, acts, names and days; this one joins them into
events and dates each event from the sentences around it.

Judgement calls:
- "Earlier the Prosecutor General declared X undesirable" (Ранее …) is an event: a
  monitor links it like any other, and it confirms a register row.
- A sentence with an act but no name ("the Lithuanian organisation") takes the names of
  the sentence before it.
- Dates told outside the event's sentence count: a dated sentence without a named act just
  before it («17 января Минюст обновил реестр. В список вошли X…»), a follow-up that dates
  the act just told («Распоряжение Минюста вышло 1 декабря», "the Prosecutor General's Office
  initially issued the ban on Nov. 10"; a prosecutor's date there makes or corrects the
  decision), and, for an act still undated, the article's own day: its dateline ("MOSCOW,
  August 30. /TASS/."), its lead's date, or the exact publication day, an upper bound like
  "on Monday". Acts told as earlier ones («Ранее…», «Тогда же», "In January 2024") and
  the decision behind an inclusion take no article day.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from datetime import date

from pipelines.announcements.act_dates import (
    EARLIER,
    carried,
    dateline_day,
    decision_and_register,
    lead_dates,
    rest_day,
)
from pipelines.announcements.acts import (
    DEPUTY,
    MINISTRY_MENTION,
    NOMINAL_ACT,
    PROSECUTOR,
    PROSECUTOR_MENTION,
    acts,
    authority,
)
from pipelines.announcements.names import Name, names
from pipelines.announcements.sentences import (
    is_old,
    is_prosecution,
    sentences,
    undone,
    without_disclaimers,
)
from pipelines.announcements.text import guess_language, html_text
from scraper.parsers.dates import DATE, Published, dates_in, published


@dataclass(frozen=True)
class Event:
    organisation: str  # as named in the text, without quotes or disclaimer tails
    kind: str  # designated | included | excluded | prosecution
    sentence: str  # the sentence it came from
    acronym: str | None = None
    country: str | None = None
    decision_date: str | None = None  # ISO, the Prosecutor General's decision
    register_date: str | None = None  # ISO, the Ministry of Justice's order
    authority: str | None = None
    # "text" when the text states the dates (a day, "on Monday"), "article" when an undated
    # act took the article's own day (its dateline or publication day): an upper bound only
    date_basis: str | None = None
    other_name: str | None = None  # the name in the other script, when the text gives it


_COUNT = re.compile(r"\b(?:\d+|дв[ауе]х?|тр[её]х|три|четыр\w+|пят[иь]|шест\w+|сем[иь]|восьм\w+|"
                    r"ряда|нескольк\w+|two|three|four|five|six|seven|eight|nine|ten|several|dozens?)\s+"
                    r"(?:\S+\s+){0,3}(?:организаци|нпо|нко|структур|organi[sz]ations|ngos|entities|groups)",
                    re.IGNORECASE)
# "the above four organisations", «всех четырех организаций»: a number that refers back
_BACK = re.compile(r"\b(?:above|these|those|этих|данных|указанных|всех|остальных)\b", re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(?:организаци\w+|нпо|нко|структур\w+|фонд\w*|издани\w+|служб\w+|их|"
                          r"organi[sz]ations?|groups?|ngos?|foundation|it|its|their)\b", re.IGNORECASE)


def extract_events(text: str, published_on: date | str | None, language: str | None = None) -> list[Event]:
    """The designation events (and prosecutions) an article's text states, in order."""
    if (language or guess_language(text)) not in ("en", "ru"):
        return []  # the rules know English and Russian wording only
    pub = published(published_on)
    events: list[Event] = []
    context: list[Name] = []  # the names of the last sentence with an act, for "the organisation"
    previous = carry = ""
    about = bool(re.search(r"нежелательн|undesirable", text, re.IGNORECASE))
    cut = sentences(text)
    told: _Told | None = None  # the last act told, for a list or an "also" that follows
    for sentence in cut:
        found, context = _sentence_events(sentence, previous, context, pub, about, carry)
        if told and not found:
            found = _listed(sentence, told, pub)
        elif told and found:
            found = _also(found, sentence, told)
        told = _told(sentence, found, told, about)
        if not found and events and _ATTRIBUTION.search(sentence):
            events = _dated_by_attribution(events, sentence, pub)
        elif not found and events:
            events = _dated_by_follow_up(events, sentence, pub)
        if found and (rest := rest_day(sentence, pub)):
            found += _the_others(events, found, sentence, rest)
        events += found
        carry = carried(sentence, pub) if not found else ""
        previous = sentence
    merged = _with_decisions(_merge(_spelled_out(events)))
    return [replace(e, date_basis="text") if e.date_basis is None and (e.decision_date or e.register_date) else e
            for e in _announced(merged, text, cut, pub)]


@dataclass(frozen=True)
class _Told:
    kinds: tuple[str, ...]  # the acts a sentence stated
    text: str  # that sentence, without disclaimers
    tally: int | None  # how many organisations it said the act was about, when it named none
    since: int = 0  # sentences read after it


_TALLY_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3, "четыре": 4,
                "четырех": 4, "четырёх": 4, "пять": 5, "пяти": 5, "шесть": 6, "шести": 6, "семь": 7, "семи": 7}
# «Речь идет о…», «Всего перечень состоит из четырех организаций: A, B…», "namely", "the groups
# are": a sentence that lists the organisations of the act told just before it
_ENUMERATION = re.compile(r"^(?:так,?\s+)?(?:речь\s+ид[её]т\s+о|всего\s+(?:в\s+)?(?:перечень|спис\w+)|"
                          r"в\s+(?:их\s+)?числе|а\s+именно|namely|they\s+are|these\s+are)\b|"
                          r"(?:организаци\w*|нпо|нко|structures|organi[sz]ations|ngos|groups)\s*:", re.IGNORECASE)
_ALSO = re.compile(r"\b(?:also|too|также|тоже)\b", re.IGNORECASE)
_TOLD_FOR = 3  # sentences after an act that may still list its organisations


def _told(sentence: str, found: list[Event], before: _Told | None, about: bool) -> _Told | None:
    """What the next sentences may refer back to: this sentence's acts, or the ones before."""
    text = without_disclaimers(sentence)
    kinds = tuple(acts(text, about))
    if kinds:
        tally = _COUNT.search(DATE.sub("", text)) if not found else None
        number = tally[0].split()[0].lower() if tally else ""
        return _Told(kinds, text, int(number) if number.isdigit() else _TALLY_WORDS.get(number))
    if before is None or found or before.since + 1 >= _TOLD_FOR:
        return None
    return replace(before, since=before.since + 1)


def _listed(sentence: str, told: _Told, pub: Published | None) -> list[Event]:
    """A sentence without an act of its own that lists organisations, after an act that named
    none of them or announced a list («признала нежелательной работу четырех организаций. …
    Всего перечень состоит из четырех организаций: A, B, C и D»), or that names as many
    organisations as the act counted ("designated two more organisations. The IRI … and the
    MDIF are…"): those organisations' events of that act."""
    text = without_disclaimers(sentence)
    found = names(text)
    if not found or not (_ENUMERATION.search(text) or told.tally == len(found) > 1):
        return []
    dates = decision_and_register(told.text, pub)
    return [_event(name, kind, sentence, told.text, pub, told.kinds, dates) for kind in told.kinds for name in found]


def _also(found: list[Event], sentence: str, told: _Told) -> list[Event]:
    """"X were also added to the list", no authority named, right after a designation: the same
    designation, not an inclusion by the ministry."""
    text = without_disclaimers(sentence)
    if (told.kinds != ("designated",) or told.since or not _ALSO.search(text) or MINISTRY_MENTION.search(text)
            or PROSECUTOR_MENTION.search(text) or any(e.kind != "included" for e in found)):
        return found
    return [replace(e, kind="designated", authority=authority(told.text, "designated"), decision_date=e.decision_date
                    or e.register_date, register_date=None) for e in found]


def _spelled_out(events: list[Event]) -> list[Event]:
    """An event naming the organisation by the acronym an earlier one introduced («the
    Netherlands Helsinki Committee (NHC)» … «the decision on the NHC») takes the full name."""
    full = {e.acronym: e for e in events if e.acronym and e.organisation != e.acronym}
    return [replace(e, organisation=full[e.organisation].organisation, acronym=e.organisation,
                    country=e.country or full[e.organisation].country,
                    other_name=e.other_name or full[e.organisation].other_name)
            if e.organisation in full and not e.acronym else e for e in events]


def _with_decisions(events: list[Event]) -> list[Event]:
    """A designation the text does not date takes the Prosecutor General's decision date an
    inclusion of the same organisation states («the decision on the NHC was taken on 28
    November, and the Ministry included it on 3 December»)."""
    out = list(events)
    for i, event in enumerate(out):
        if event.kind == "designated" and event.decision_date is None:
            dated = next((o for o in out if o.kind == "included" and o.decision_date and _same_name(o, event)), None)
            if dated is not None:
                out[i] = replace(event, decision_date=dated.decision_date, authority=event.authority or PROSECUTOR)
    return out


def _sentence_events(sentence: str, previous: str, context: list[Name], pub: Published | None,
                     about_undesirables: bool = True, carry: str = "") -> tuple[list[Event], list[Name]]:
    text = without_disclaimers(sentence)
    if is_prosecution(text):
        return [_event(n, "prosecution", sentence, text, pub) for n in names(text)], context
    kinds = acts(text, about_undesirables)
    undated = DATE.sub("", text)  # "16 октября, остальных организаций" is a day, not a tally
    if not kinds or undone(text, undated, pub):
        return [], context
    found = names(text)
    if (nominal := NOMINAL_ACT.search(text)) and any(n.start >= nominal.end() for n in found):
        found = [n for n in found if n.start >= nominal.end()]
    if not found and (any(n.name in text or _names_acronym(n, text) for n in context) or _REFERS_BACK.search(text)
                      and (_BACK.search(text) or not _COUNT.search(undated))):
        found = context or names(without_disclaimers(previous))
    dates = decision_and_register(text, pub)
    if dates == (None, None) and carry and not EARLIER.search(text):
        dates = decision_and_register(carry, pub)  # the date told in the sentence just before
    return [_event(n, kind, sentence, text, pub, kinds, dates) for kind in kinds for n in found], found or context


def _names_acronym(name: Name, text: str) -> bool:
    """The sentence names the organisation by the acronym it was introduced with («…по НХК…»)."""
    return bool(name.acronym and re.search(rf"(?<!\w){re.escape(name.acronym)}(?!\w)", text))


def _event(name: Name, kind: str, sentence: str, text: str, pub: Published | None,
           kinds: tuple[str, ...] | list[str] = (), dates: tuple[str | None, str | None] | None = None) -> Event:
    decision, register = dates or decision_and_register(text, pub)
    if kind == "designated" and "included" not in kinds:
        decision, register = decision or register, None
    return Event(organisation=name.name, kind=kind, sentence=sentence, acronym=name.acronym,
                 country=name.country, decision_date=decision, register_date=register,
                 authority=None if kind == "prosecution" else authority(text, kind), other_name=name.other_name)


# «Об этом сообщили в понедельник», "the agency said on Friday": the day of the act just told
_ATTRIBUTION = re.compile(r"^(?:об этом|как|\W*the\s+\w+\s+(?:said|told|announced|reported))|"
                          r"сообщил\w*\s+(?:в|во)\s+\w+\s+в\s+пресс-служб", re.IGNORECASE)


def _dated_by_attribution(events: list[Event], sentence: str, pub: Published | None) -> list[Event]:
    """Events of the sentence before, dated by an attribution that states only a day."""
    if names(sentence) or not (found := dates_in(sentence, pub)):
        return events
    day = found[0][1].isoformat()
    last = events[-1].sentence
    return [_fill(e, replace(e, decision_date=day, register_date=None) if e.kind == "designated"
                  else replace(e, decision_date=None, register_date=day)) if e.sentence == last else e
            for e in events]


def _the_others(events: list[Event], found: list[Event], sentence: str, day: str) -> list[Event]:
    """Decisions of that day for the organisations told before that the sentence does not name."""
    others: list[Event] = []
    for event in events:
        if event.kind in ("designated", "included") and not any(_same_name(event, e) for e in found + others):
            others.append(Event(event.organisation, "designated", sentence, event.acronym, event.country,
                                decision_date=day, authority=authority(sentence, "designated"),
                                other_name=event.other_name))
    return others


# «Распоряжение Минюста вышло 1 декабря», "the Prosecutor General's Office initially issued the
# ban on Nov. 10", "the move": a sentence that dates the act told just before
_FOLLOW_UP = re.compile(r"решени|распоряжени|приказ|датирован|\bdecision|\border\b|\bban\b|\bmove\b|"
                        r"\bregistered\b|\bsigned\b|\bstatement\b", re.IGNORECASE)
_REGISTER_WORDS = re.compile(r"минюст|министерств\w+\s+юстиции|распоряжени|перечень|перечн|реестр|"
                             r"ministry|justice|register|\blist\b", re.IGNORECASE)


def _dated_by_follow_up(events: list[Event], sentence: str, pub: Published | None) -> list[Event]:
    """Events of the last sentence with events, dated by a sentence without an act of its own
    that names no other organisation: a date after the Prosecutor General or «решение» is the
    decision's (and a decision of a name only said to be included is a designation), one after
    the ministry or its register the inclusion's, any other the act's own."""
    text = without_disclaimers(sentence)
    if not _FOLLOW_UP.search(text) or is_old(text, pub):
        return events
    told = [e for e in events if e.sentence == events[-1].sentence and e.kind in ("designated", "included")]
    if not told or not (found := decision_and_register(text, pub)) or found == (None, None):
        return events
    decision, register = found
    if not _REGISTER_WORDS.search(text):
        decision = register = decision or register  # "the move came on 13 November": the act's own day
    by_prosecutor = decision and PROSECUTOR_MENTION.search(text)
    own = [Event(n.name, "designated", "", n.acronym) for n in names(text)]
    if any(not any(_same_name(e, n) for e in told) for n in own):
        return events  # it tells of another organisation
    out = list(events)
    for told_event in told:
        same = [i for i, e in enumerate(out) if _same_name(e, told_event)]
        designated = [i for i in same if out[i].kind == "designated"]
        for i in designated:
            if decision and (out[i].decision_date is None or by_prosecutor and out[i].authority is None):
                out[i] = replace(out[i], decision_date=decision,
                                 authority=out[i].authority or authority(text, "designated"))
        if not designated and by_prosecutor:
            out.append(Event(told_event.organisation, "designated", sentence, told_event.acronym, told_event.country,
                             decision_date=decision, authority=authority(text, "designated"),
                             other_name=told_event.other_name))
        for i in same:
            if out[i].kind == "included" and register and out[i].register_date is None:
                out[i] = replace(out[i], register_date=register)
    return out


def _announced(events: list[Event], text: str, cut: list[str], pub: Published | None) -> list[Event]:
    """Events whose text states no day take the day of the announcement: the dateline, the
    lead's date, or the exact publication day, an upper bound on the act (as "on Monday" is).
    Not for acts told as earlier ones («Ранее…», "In January 2024"), nor for the decision
    behind an inclusion, which comes days before the inclusion's announcement."""
    undated = [i for i, e in enumerate(events) if e.kind in ("designated", "included", "excluded")
               and e.decision_date is None and e.register_date is None and not EARLIER.search(e.sentence)
               and not (e.kind == "designated" and any(o.kind == "included" and _same_name(o, e) for o in events))]
    if not undated:
        return events
    dateline = dateline_day(text, pub)
    lead_decision, lead_register = (None, None) if dateline else lead_dates(cut, pub, {e.sentence for e in events})
    day = pub.day.isoformat() if pub and pub.exact else None
    out = list(events)
    for i in undated:
        if out[i].kind == "designated":
            found = lead_decision or lead_register
            out[i] = replace(out[i], decision_date=dateline or found or day)
        else:
            found = lead_register
            out[i] = replace(out[i], register_date=dateline or found or day)
        if dateline or not found:
            out[i] = replace(out[i], date_basis="article" if (dateline or day) else None)
    return out


def _merge(events: list[Event]) -> list[Event]:
    """One event per organisation and kind: a name repeated (headline, lead, quote), or one
    name inside another ("Amnesty International" in "… Limited"), adds only missing dates."""
    merged: list[Event] = []
    for event in events:
        same = next((i for i, kept in enumerate(merged) if kept.kind == event.kind
                     and _same_name(kept, event)), None)
        if same is None:
            merged.append(event)
        else:
            kept = merged[same]
            if (kept.kind == "designated" and kept.authority is None and event.authority in (PROSECUTOR, DEPUTY)
                    and event.decision_date):
                # "Russia designated X on 28 November" then "the Prosecutor General made the decision
                # on 10 November": the prosecutor's own date is the decision's
                kept = replace(kept, decision_date=event.decision_date, authority=event.authority)
            merged[same] = _fill(kept, event)
    return merged


def _same_name(one: Event, other: Event) -> bool:
    if other.organisation in (one.acronym, one.organisation) or one.organisation == other.acronym:
        return True
    if one.acronym and one.acronym == other.acronym:
        return True  # «Международная федерация прав человека» (FIDH) and "Fédération … (FIDH)"
    if other.organisation == one.other_name or one.organisation == other.other_name:
        return True  # «Фонд памяти жертв коммунизма» (Victims of Communism Memorial Foundation)
    one_key, other_key = (_stems(event.organisation) for event in (one, other))
    return one_key.startswith(other_key) or other_key.startswith(one_key)


def _stems(name: str) -> str:
    # five letters a word: «Институт»/«Института», «Медузу»/«Медуза» are one name
    return " " + " ".join(word[:5] for word in re.sub(r"\W+", " ", name).lower().split()) + " "


def _fill(kept: Event, other: Event) -> Event:
    fields = {key: value for key, value in asdict(kept).items()}
    for key in ("acronym", "country", "decision_date", "register_date", "authority", "other_name"):
        fields[key] = fields[key] or getattr(other, key)
    return Event(**fields)


def extract_from_html(html: str, published_on: date | str | None, language: str | None = None) -> list[Event]:
    """extract_events on a saved page, read as text.html_text reads it."""
    return extract_events(html_text(html), published_on, language)


def event_record(event: Event) -> dict:
    """An event as the JSON of `regwatch extract --json`."""
    return asdict(event)

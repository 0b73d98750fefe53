"""Designation events from the text of an announcement: rule-based, English and Russian.

An article becomes zero or more `Event`s: who was declared undesirable (`designated`, by
the Prosecutor General's Office or a deputy), put in the Ministry of Justice's register
(`included`) or taken out of it (`excluded`), and, separately, criminal or administrative
cases for "participation" (`prosecution`, never a designation). Pure functions, no
network, no models; the wording is near-boilerplate (see
../shared/data/announcements/README.md), so sentences are matched, not parsed.

Judgement calls:
- A sentence yields events only when it holds an act (a verb of designation or
  inclusion), an organisation name and nothing that undoes it: the media disclaimer
  («*признана нежелательной на территории РФ»), a count with no name, a prediction or
  call («могут быть признаны», "will soon be declared"), a prosecution, or an explicit
  year before the article's ("designated … in 2021": an old designation in passing).
- "Earlier the Prosecutor General declared X undesirable" (Ранее …) is an event: a
  monitor links it like any other, and it confirms a register row.
- An inclusion «на основании решения Генпрокуратуры от 18 сентября» is two events, the
  inclusion and the decision, as the register has two columns.
- Names: «…» and "…" quotes, Latin-script capitalised runs, and in Russian a capitalised
  Cyrillic phrase not at the start of a sentence; authorities, countries, weekdays and
  media names of the law are never organisations. A sentence with an act but no name
  ("the Lithuanian organisation") takes the names of the sentence before it.
- Dates: a day and month without a year take the publication year, the year before if
  that falls after publication; "on Monday" / «в понедельник» is the last such day on or
  before publication; a month-only publication date ("2025-05") resolves explicit days but
  not weekdays.
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

from bs4 import BeautifulSoup

from pipelines.register.countries import country_code
from scraper.parsers.dates import (
    DATE,
    EN_MONTH,
    MONTHS_RU,
    Published,
    dates_in,
    published,
)

PROSECUTOR = "Prosecutor General's Office"
DEPUTY = "Deputy Prosecutor General"
MINISTRY = "Ministry of Justice"


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


# --- sentences and what undoes an act ----------------------------------------------------

# The media disclaimer and footnotes after a listed name: «SOTA media (организация,
# признанная нежелательной в РФ)», «Freedom House*», «…Предприятий»1»
_DISCLAIMER = re.compile(
    r"\((?:[^()]*?(?:признан|запрещен|иноагент|нежелательн)[^()]*?)\)"
    r"|\*+\s*(?:деятельность\s+)?(?:организаци\w+,?\s+)?(?:признан\w*|внесен\w*)[^.\n]*"
    r"|(?<=[\w»\"”])\*+|(?<=»)\d\b", re.IGNORECASE)
_HEDGED = re.compile(
    r"\b(?:мог(?:ут|ла|ли)?|может|будет|будут|предлож\w+|призыва\w+|потребова\w+|намерен\w*|"
    r"could|(?<!\d\s)(?<!\d\s\s)may(?!\s+\d)|might|will\s+(?:soon\s+)?be|would|should|stop\s+list|calls?\s+(?:on|for)|"
    r"urge\w*)\b", re.IGNORECASE)
_PROSECUTION = re.compile(
    r"уголовн\w+\s+дел|административн\w+\s+(?:дел|протокол|штраф)|\bучасти\w+\s+в\s+деятельности|"
    r"\bоштраф|\bарестова|\bзадержа|\bобвин\w+|\bсуд\s+(?:назначил|приговорил)|"
    r"criminal\s+(?:case|charge|proceeding)|\bcharged\b|\bfined\b|\barrested\b|\bdetained\b|"
    r"\bsentenced\b|participation\s+in\s+(?:the\s+)?(?:activities|an?\s+undesirable)",
    re.IGNORECASE)
_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")
_SENTENCE_END = re.compile(r"(?<=[.!?…»\"”])\s+(?=[«\"“]?[A-ZА-ЯЁ0-9])|\n\s*\n|\n(?=[A-ZА-ЯЁ«\"“*])|\n(?=[-–—•]\s)")
_INITIAL = re.compile(r"(?:\b[A-ZА-ЯЁ]|\b(?:Inc|Ltd|Int|St|Mr|Dr|e|V|Z\.S|U\.S|No|Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec))\.[»\"”]?$")


def sentences(text: str) -> list[str]:
    """The text cut into sentences; initials and legal forms ("L. Ron", "Inc. (") don't cut."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if _INITIAL.search(text[start:match.start()]):
            continue
        pieces.append(text[start:match.start()])
        start = match.end()
    pieces.append(text[start:])
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _is_old(sentence: str, pub: Published | None) -> bool:
    """Explicit years all before the publication's: a designation mentioned in passing."""
    years = [int(y) for y in _YEAR_IN.findall(sentence)]
    return bool(pub and years and max(years) < pub.day.year and not DATE.search(sentence))


# --- acts and authorities -----------------------------------------------------------------

_INCLUDED = re.compile(
    r"\b(?:включ\w*|внес(?:ен\w*|л[аио]?|ли)?|внёс|добавил\w*|пополни\w*|вошл\w*|попал\w*|оказал\w*)\b"
    r"[^.]{0,260}?\b(?:перечень|перечне|реестр\w*|спис(?:ок|ке|ка))\b"
    r"|\b(?:перечень|перечне|реестр\w*|спис(?:ок|ке))\b[^.]{0,60}?\b(?:включ\w*|внес\w*|вошл\w*|попал\w*|оказал\w*)"
    r"|(?:\b(?:added|included|put|placed|entered|registered|supplemented)\b[^.]{0,260}?\b(?:list|register|registry)\b)"
    r"|\b(?:list|register)\b[^.]{0,40}\b(?:supplemented|now\s+includes|updated)",
    re.IGNORECASE)
_EXCLUDED = re.compile(r"\bисключ\w+[^.]{0,120}?\b(?:перечн|реестр|списк)|\b(?:removed|excluded|deleted)\b"
                       r"[^.]{0,120}?\b(?:list|register)\b", re.IGNORECASE)
_DESIGNATED = re.compile(
    r"\b(?:призна\w*|объяви\w*|объявлен\w*|сочли|запрети\w*)\b[^.]{0,200}?\bнежелательн"
    r"|\bнежелательн\w+[^.]{0,120}?\b(?:призна\w*|объяв\w*|сочли)\b"
    r"|\bрешени\w+\s+(?:о|об)\s+признании\b[^.]{0,200}?нежелательн"
    r"|\b(?:declar\w*|designat\w*|recogni[sz]\w*|label\w*|outlaw\w*|brand\w*|deem\w*|classif\w*|"
    r"classing|consider\w*|ban\w*|ruled)\b[^.]{0,200}?\bundesirable"
    r"|\bundesirable\b[^.]{0,60}?\bdesignation",
    re.IGNORECASE)
# The Prosecutor General's decision named inside an inclusion sentence
_DECISION_REF = re.compile(r"решени\w+\s+(?:\S+\s+){0,4}(?:генпрокур|генеральн\w+\s+прокурор|заместител)"
                           r"|признан\w*\s+генпрокуратур|генпрокуратур\w*\s+(?:ранее\s+)?призна"
                           r"|decisions?\s+of\s+(?:the\s+)?(?:russian\s+)?(?:first\s+)?(?:deputy\s+)?"
                           r"(?:prosecutor|general\s+prosecutor)"
                           r"|deemed\s+undesirable\s+by\s+the\s+(?:russian\s+)?prosecutor"
                           r"|declared\s+undesirable\s+in\s+russia\s+by\s+the\s+prosecutor"
                           # "… but the Attorney General's Office had already signed the order on November 10th"
                           r"|(?:prosecutor|attorney\s+general)\S*\s+(?:office\s+)?(?:had\s+)?(?:already\s+|initially\s+)?"
                           r"(?:signed|issued|made|took)\s+(?:the\s+|an?\s+)?(?:order|decision|ban)", re.IGNORECASE)
_DEPUTY_RE = re.compile(r"заместител\w+\s+генпрокурор|заместител\w+\s+генеральн\w+\s+прокурор|deputy\s+"
                        r"(?:general\s+)?prosecutor", re.IGNORECASE)
_PROSECUTOR_RE = re.compile(r"генпрокурат|генеральн\w+\s+прокуратур|прокурор|prosecutor|"
                            r"attorney\s+general", re.IGNORECASE)
_MINISTRY_RE = re.compile(r"минюст|министерств\w+\s+юстиции|justice\s+ministry|ministry\s+of\s+justice",
                          re.IGNORECASE)


# «направлена в Минюст для включения»: the Prosecutor General's promise, not an inclusion
_PROMISE = re.compile(r"для\s+(?:включения|внесения)|чтобы\s+(?:внести|включить)|in\s+order\s+to|"
                      r"\bto\s+(?:be\s+)?(?:include|includ\w+|add|added)\b|request\w*|sent\s+to", re.IGNORECASE)


def acts(sentence: str, about_undesirables: bool = True) -> list[str]:
    """The kinds of act a sentence states: inclusion, exclusion and/or designation."""
    kinds: list[str] = []
    if _PROMISE.search(sentence):
        return kinds  # its «признана нежелательной» describes the register, not this act
    prosecutor_only = _PROSECUTOR_RE.search(sentence) and not _MINISTRY_RE.search(sentence)
    included = _INCLUDED.search(sentence)
    # "Russia has added X to its list, the Prosecutor General's Office announced": a designation
    added_by_prosecutor = included and prosecutor_only and not _DECISION_REF.search(sentence)
    if _EXCLUDED.search(sentence):
        kinds.append("excluded")
    elif included and _register_word(sentence, about_undesirables):
        kinds.append("designated" if added_by_prosecutor else "included")
        if _DECISION_REF.search(sentence) and not added_by_prosecutor:
            kinds.append("designated")
    elif _DESIGNATED.search(sentence):
        # the ministry "declaring" an organisation undesirable is its inclusion order
        ministry = _MINISTRY_RE.search(sentence) and not _PROSECUTOR_RE.search(sentence)
        kinds.append("included" if ministry else "designated")
    return kinds


def _register_word(sentence: str, about_undesirables: bool) -> bool:
    # "added to the list" must be the list of undesirables, not of foreign agents
    return about_undesirables and not re.search(
        r"иноагент|иностранн\w+\s+агент|foreign\s+agent|экстремист|террорист|extremist|terrorist",
        sentence, re.IGNORECASE)


def authority(sentence: str, kind: str) -> str | None:
    if kind in ("included", "excluded"):
        return MINISTRY
    if _DEPUTY_RE.search(sentence):
        return DEPUTY
    if _PROSECUTOR_RE.search(sentence):
        return PROSECUTOR
    return None


# --- organisation names -------------------------------------------------------------------

_QUOTED = re.compile(r"«((?:[^«»]|«[^«»]*»)+)»|\"([^\"]{2,150})\"|“([^“”]{2,150})”|„([^„“”]{2,150})[“”]")
_CONNECTOR = (r"(?:of|for|the|and|in|to|on|at|de|des|du|la|le|les|pour|für|die|der|dei|da|di|e\.|V\.|"
              r"&|a|an|se|z\.s\.|hinter|who|use|or|naši|vaši)")
_LATIN_CHAR = r"(?:(?![а-яёА-ЯЁ])[\w'’.\-/+])"
_LATIN_WORD = r"(?:[A-Z]" + _LATIN_CHAR + r"*|[0-9]+" + _LATIN_CHAR + r"*|[a-z]+[A-Z]" + _LATIN_CHAR + r"*)"
_LATIN_RUN = re.compile(r"(?<![\w'’])(?=[A-Z]|[a-z]+[A-Z])" + _LATIN_WORD + r"(?:\s+(?:" + _CONNECTOR + r"\s+)*(?:" + _LATIN_WORD
                        + r"|media|gittern|svobodu|gemeinnützige|gGmbH|inc\.?|ltd\.?))*")
_CYRILLIC_RUN = re.compile(r"(?<=\s)[А-ЯЁ][а-яё\-]+(?:\s+(?:[А-ЯЁ]?[а-яё\-]+))*")
_CYRILLIC_STOP = re.compile(
    r"^(?:в|во|на|из|с|со|к|о|об|от|и|а|но|что|как|котор\w*|признан\w*|включ\w*|внес\w*|внёс|"
    r"нежелательн\w*|деятельност\w*|организаци\w*|перечень|перечне|реестр\w*|список|списке|"
    r"решени\w*|сообщ\w*|ранее|также|еще|ещё|уже|была?|были|было|это\w*|ее|её|их|его|"
    r"росси\w*|рф|минюст\w*|генпрокурат\w*|москв\w*|формально|официально|сегодня|вчера|позже|"
    r"затем|кроме|согласно|для|"
    r"\w+(?:ла|ли|ло|ил|ал|ял|ет|ют|ат|ят|ется|ются))$", re.IGNORECASE)
_NOT_NAMES = re.compile(
    r"^(?:the\s+)?(?:russian?|russia['’]s|moscow|kremlin|ukraine|kyiv|europe|european\s+union|"
    r"state\s+duma|federation\s+council|supreme\s+court|telegram|interfax|tass|ria|reuters|ap|afp|"
    r"bbc|upi|dw\s+reported|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|ngos?|nco|npo|ltd|inc|llc|sia|us|u\.s\.|uk|"
    r"eu|un|he|she|it|they|this|these|that|a|an|in|on|earlier|later|meanwhile|however|moscow\s*\(ap\)|"
    r"россия|москва|рф|нпо|нко|сми|цик|риа|тасс|интерфакс|ведомств\w*|генпрокуратур\w*|минюст\w*)$"
    r"|prosecutor|attorney\s+general|ministry|minist[eè]re|justice|генеральн\w+\s+прокуратур|"
    r"министерств|госдум|государственн\w+\s+дум|президент|president|government|authorities|"
    r"^(?:the\s+)?russian\s+federation$|российск\w+\s+федерац|^росси\w*$|"
    r"undesirable|нежелательн|иноагент|foreign\s+agent|federal\s+law|федеральн\w+\s+закон|"
    r"^о\s+мерах|^on\s+measures|news|новости|^moscow,?$|^москва,?$|\bpress\s+service\b|"
    r"^(?:the\s+)?(?:list|register|registry|office|organi[sz]ation|statement)$|russian\s+federation|"
    r"^(?:z\.s|e\.\s?v|gmbh|inc|ltd|sia|llc)\.?$|^(?:federation|federal|limited|lgbt\w*\+?|interfax\S*|russophob\w*|western|telegram)$|['’]s$",
    re.IGNORECASE)
_COUNTRIES_EN = re.compile(
    r"^(?:the\s+)?(?:usa|us|u\.s\.|united\s+states|uk|united\s+kingdom|great\s+britain|britain|"
    r"germany|france|netherlands|latvia|lithuania|estonia|poland|czech\s+republic|czechia|ukraine|"
    r"italy|georgia|finland|belgium|switzerland|sweden|norway|denmark|austria|spain|canada|"
    r"montenegro|romania|moldova|republic\s+of\s+\w+)$", re.IGNORECASE)
# Words that alone (or together) are no organisation: "German NGOs", "Berlin-based"
_DESCRIPTIVE = re.compile(
    r"^(?:ukrainian|german|british|american|french|dutch|czech|polish|latvian|lithuanian|italian|"
    r"georgian|finnish|swiss|european|evangelical|berlin|london|paris|prague|riga|vilnius|warsaw|"
    r"geneva|brussels|washington|bonn|\S+-based|ngos?|media|organi[sz]ations?|groups?|and|the)$",
    re.IGNORECASE)
_HEADLINE_VERB = re.compile(r"^.*?\b(?:Declares?|Adds|Bans|Outlaws|Labels|Designates|Expands|Deems|Slaps|Puts|"
                            r"Blacklisted)\s+")
_ACRONYM = re.compile(r"^(?:[A-ZА-ЯЁ][A-ZА-ЯЁa-z.\-/]{0,9}|[A-ZА-ЯЁ]{2,8}\s[A-Z]{2})$")


@dataclass(frozen=True)
class Name:
    name: str
    start: int
    acronym: str | None = None
    country: str | None = None
    other_name: str | None = None  # in the other script, from the brackets after it


_LEADING_ACT = re.compile(r"(?:designation|declaration|recognition|inclusion|listing|labell?ing|banning|exclusion)"
                          r"\s+of\s+(?:the\s+)?", re.IGNORECASE)


def names(sentence: str) -> list[Name]:
    """Organisation names in a sentence, in order, each with an acronym and country taken
    from the brackets right after it ("Doctors Against … (DAFON, США)")."""
    brackets = _bracket_spans(sentence)
    quoted = [q for q in _quoted_spans(sentence) if not any(a < q[0] < b for a, b in brackets)]
    spans = quoted + _run_spans(sentence, quoted)
    latin = not re.search(r"[а-яё]", sentence, re.IGNORECASE)
    found = []
    for start, end in sorted(spans):
        name = _clean(sentence[start:end])
        if lead := _LEADING_ACT.match(name):  # a headline's capitals: "Designation of Amnesty International"
            start = sentence.find(name, start) + lead.end()
            name = name[lead.end():]
        if _is_name(name, start if latin else 3):
            acronym, country, other_name = _brackets(sentence[end:], name)
            found.append(Name(name, start, acronym, country, other_name))
    return found


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    # a quote inside brackets is another spelling of the name before it, not a second name
    spans = []
    for match in _QUOTED.finditer(sentence):
        group = next(i for i in range(1, 5) if match[i] is not None)
        if len(match[group].split()) <= 12:  # longer quotes are statements, not names
            spans.append((match.start(group), match.end(group)))
    return spans


def _run_spans(sentence: str, quoted: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Latin-script runs anywhere, Cyrillic phrases after the sentence's first word, both
    outside quotes and outside brackets (which hold alternative names and countries)."""
    outside = _mask(sentence, quoted + _bracket_spans(sentence))
    spans = [span for m in _LATIN_RUN.finditer(outside) for span in _split_run(outside, *m.span())]
    for match in _CYRILLIC_RUN.finditer(outside):
        words, start = match[0].split(), match.start()
        kept = [words[0]] + list(_until_stop(words[1:7]))
        if match.start() == 0 or _CYRILLIC_STOP.match(words[0]) or len(kept) < 2:
            continue  # one capitalised Cyrillic word is a place or a surname, not a name
        spans.append((start, start + len(" ".join(kept))))
    return spans


_RUN_LEAD = re.compile(r"^(?:(?:on|in|at|since|by|after|before|last|earlier|later|meanwhile|however|"
                       r"according|under|while|when|with|and|but|as|it|this|these|its|their|"
                       r"russia['’]s|russian|moscow|friday['’]s|monday['’]s|ukrainian|german|british|american|"
                       r"french|dutch|czech|polish|latvian|lithuanian|italian|georgian|finnish)\s+)+", re.IGNORECASE)
_RUN_CUT = re.compile(r"(?:^|\s+)(?:on\s+|in\s+|since\s+)?(?:[0-3]?\d\b|" + EN_MONTH + r"(?:\s|$)|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b).*$",
                      re.IGNORECASE)


def _split_run(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """"Open Society Foundations and the OSI Assistance Foundation" → two runs, trimmed."""
    cuts = [m.span() for m in re.finditer(r"\s+and\s+the\s+", text[start:end])]
    bounds = [start] + [start + cut_end for _, cut_end in cuts]
    ends = [start + cut_start for cut_start, _ in cuts] + [end]
    return [span for a, b in zip(bounds, ends) if (span := _trim_run(text, a, b))]


def _trim_run(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A Latin run without the words around a name: "On 19 May", "Amnesty … on Monday"."""
    headline = _HEADLINE_VERB.match(text[start:end])
    start += headline.end() if headline else 0
    run = text[start:end]
    lead = _RUN_LEAD.match(run)
    start += lead.end() if lead else 0
    run = _RUN_CUT.sub("", text[start:end])
    run = re.sub(r"(?:\s+" + _CONNECTOR + r")+$", "", run)
    return (start, start + len(run)) if run.strip() else None


def _until_stop(words: list[str]):
    for word in words:
        if _CYRILLIC_STOP.match(word) or word[0].isupper():
            return
        yield word


def _bracket_spans(sentence: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"\([^()]*\)", sentence)]


def _mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    # blank quoted and bracketed text (and the marks around it, hence ±1) so that a run
    # never re-finds a quoted name or an alias in brackets as a second organisation
    chars = list(sentence)
    for start, end in spans:
        chars[max(start - 1, 0):end + 1] = "\x00" * (min(end + 1, len(chars)) - max(start - 1, 0))
    return "".join(chars)


def _clean(name: str) -> str:
    name = _DISCLAIMER.sub("", name)
    return name.strip(" \t,;:.'’\"«»“”*-–—").replace("\x00", "").strip()


def _is_name(name: str, start: int = 1) -> bool:
    words = name.split()
    if all(_DESCRIPTIVE.match(w) for w in words) or (start <= 2 and len(words) == 1 and name[1:].islower()):
        return False  # a lone capitalised first word ("According", "The") is grammar
    if all(country_code(part) or _COUNTRIES_EN.match(part) for part in re.split(r"\s+and\s+", name)):
        return False
    if len(name) < 2 or not re.search(r"[A-Za-zА-Яа-яЁё]", name) or _NOT_NAMES.search(name):
        return False
    if country_code(name) or _COUNTRIES_EN.match(name):
        return False
    return name[0].isupper() or name[0].isdigit() or bool(re.match(r"[a-z]+[A-Z]", name))


def _brackets(after: str, name: str) -> tuple[str | None, str | None, str | None]:
    """(ACRONYM, Country, other name) from the brackets right after a name, when it has
    them; the other name is the same organisation's in the other script, as the Prosecutor
    General writes it: «Фонд памяти жертв коммунизма» (Victims of Communism Memorial
    Foundation, США)."""
    match = re.match(r"[»\"”*\s]*\(([^()]*)\)", after)
    acronym = country = other_name = None
    for part in (p.strip(" .«»\"“”") for p in re.split(r"[,;]", match[1])) if match else ():
        if country_code(part) or _COUNTRIES_EN.match(part):
            country = country or part
        elif _ACRONYM.match(part) and sum(c.isupper() for c in part) >= 2:
            acronym = acronym or part
        elif (other_name is None and _in_other_script(part, name) and len(part.split()) >= 2 and _is_name(part)
              and part.casefold() != name.casefold()):
            other_name = part
    return acronym, country, other_name


def _in_other_script(one: str, other: str) -> bool:
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    return bool(cyrillic.search(one)) != bool(cyrillic.search(other))


# --- events ---------------------------------------------------------------------------------

_COUNT = re.compile(r"\b(?:\d+|дв[ауе]х?|тр[её]х|три|четыр\w+|пят[иь]|шест\w+|сем[иь]|восьм\w+|"
                    r"ряда|нескольк\w+|two|three|four|five|six|seven|eight|nine|ten|several|dozens?)\s+"
                    r"(?:\S+\s+){0,3}(?:организаци|нпо|нко|структур|organi[sz]ations|ngos|entities|groups)",
                    re.IGNORECASE)
# "the above four organisations", «всех четырех организаций»: a number that refers back
_BACK = re.compile(r"\b(?:above|these|those|этих|данных|указанных|всех|остальных)\b", re.IGNORECASE)
# "has declared 12 organisations undesirable": a tally, whatever names follow
_TALLY = re.compile(r"(?<![\d,.])\b(?:[1-9]\d|\d{3})\s+(?:\S+\s+){0,3}(?:organi[sz]ations|организаци\w*|нпо|entities|"
                    r"структур)", re.IGNORECASE)
_REFERS_BACK = re.compile(r"\b(?:организаци\w+|нпо|нко|структур\w+|фонд\w*|издани\w+|служб\w+|их|"
                          r"organi[sz]ations?|groups?|ngos?|foundation|it|its|their)\b", re.IGNORECASE)
_DECISION_BEFORE = re.compile(r"(?:решени\w*|decisions?|генпрокуратур\w*|prosecutor\w*|прокуратур\w*|attorney\s+general)"
                              r"[^.;]{0,70}$", re.IGNORECASE)
_REGISTER_BEFORE = re.compile(r"(?:минюст\w*|перечень|реестр\w*|распоряжени\w*|ministry|list|register\w*)"
                              r"[^.;]{0,40}$", re.IGNORECASE)


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
    for sentence in cut:
        found, context = _sentence_events(sentence, previous, context, pub, about, carry)
        if not found and events and _ATTRIBUTION.search(sentence):
            events = _dated_by_attribution(events, sentence, pub)
        elif not found and events:
            events = _dated_by_follow_up(events, sentence, pub)
        if found and (rest := _rest_day(sentence, pub)):
            found += _the_others(events, found, sentence, rest)
        events += found
        carry = _carried(sentence, pub) if not found else ""
        previous = sentence
    return [replace(e, date_basis="text") if e.date_basis is None and (e.decision_date or e.register_date) else e
            for e in _announced(_merge(events), text, cut, pub)]


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


# «… о признании Truth Hounds нежелательной датировано 16 октября, остальных организаций — 17 октября»
_REST = re.compile(r"(?:остальн\w+|прочих|the\s+(?:others|rest|remaining\s+\w+|other\s+\w+))[^.;\d]{0,30}$",
                   re.IGNORECASE)
_REST_WORD = re.compile(r"остальн|прочих|\bthe\s+(?:others|rest|remaining|other)\b", re.IGNORECASE)


def _rest_day(sentence: str, pub: Published | None) -> str | None:
    """The day a sentence gives "the other organisations", when it gives them one."""
    if not _REST_WORD.search(sentence):
        return None
    return next((d.isoformat() for p, d in dates_in(sentence, pub) if _REST.search(sentence[max(0, p - 60):p])), None)


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
    text = _DISCLAIMER.sub("", sentence)
    if not _FOLLOW_UP.search(text) or _is_old(text, pub):
        return events
    told = [e for e in events if e.sentence == events[-1].sentence and e.kind in ("designated", "included")]
    if not told or not (found := _dates(text, pub)) or found == (None, None):
        return events
    decision, register = found
    if not _REGISTER_WORDS.search(text):
        decision = register = decision or register  # "the move came on 13 November": the act's own day
    by_prosecutor = decision and _PROSECUTOR_RE.search(text)
    own = [Event(n.name, "designated", "", n.acronym) for n in names(text)]
    if any(not any(_same_name(e, n) for e in told) for n in own):
        return events  # it tells of another organisation
    out = list(events)
    for told_event in told:
        same = [i for i, e in enumerate(out) if _same_name(e, told_event)]
        designated = [i for i in same if out[i].kind == "designated"]
        for i in designated:
            if decision and (out[i].decision_date is None or by_prosecutor and out[i].authority is None):
                out[i] = replace(out[i], decision_date=decision, authority=out[i].authority or authority(text, "designated"))
        if not designated and by_prosecutor:
            out.append(Event(told_event.organisation, "designated", sentence, told_event.acronym, told_event.country,
                             decision_date=decision, authority=authority(text, "designated"),
                             other_name=told_event.other_name))
        for i in same:
            if out[i].kind == "included" and register and out[i].register_date is None:
                out[i] = replace(out[i], register_date=register)
    return out


# "MOSCOW, August 30. /TASS/.", "May 19 (UPI) --", a line «25 марта, 19:51» or «28 июня 2023»
_DATELINE_HEAD = re.compile(r"(?:[A-ZА-ЯЁ][A-ZА-ЯЁ\-]+(?:\s+[A-ZА-ЯЁ\-]+)?,\s*)?")
_DATELINE_TAIL = re.compile(r"[.,]?\s*(?:/\s*[A-ZА-ЯЁ][\w\-]*\s*/|\([A-Z][\w\-]*\)\s*(?:--|—|–|-))"
                            r"|[,\s]*(?:в\s*)?(?:[0-2]?\d:[0-5]\d)?\s*$")


def _dateline(text: str, pub: Published | None) -> str | None:
    """The day the article itself states it was filed: an agency dateline or a date line."""
    for line in text.split("\n"):
        line = line.strip()
        match = DATE.search(line, 0, 40)
        if (match and _DATELINE_HEAD.fullmatch(line, 0, match.start())
                and _DATELINE_TAIL.match(line, match.end()) and (found := dates_in(match[0], pub))):
            return found[0][1].isoformat()
    return None


def _lead_dates(cut: list[str], pub: Published | None, own: set[str]) -> tuple[str | None, str | None]:
    """(decision, register) dates of the lead: the first of the opening sentences that has an
    authority and a date, weekdays included ("the Office said on Friday"), and no event of its
    own ("On May 19, the office declared Greenpeace…" dates Greenpeace only)."""
    for sentence in cut[:3]:
        if sentence in own or not (_PROSECUTOR_RE.search(sentence) or _MINISTRY_RE.search(sentence)):
            continue
        if not _EARLIER.search(sentence) and not _is_old(sentence, pub) \
                and (found := _dates(sentence, pub)) != (None, None):
            return found
    return None, None


def _announced(events: list[Event], text: str, cut: list[str], pub: Published | None) -> list[Event]:
    """Events whose text states no day take the day of the announcement: the dateline, the
    lead's date, or the exact publication day, an upper bound on the act (as "on Monday" is).
    Not for acts told as earlier ones («Ранее…», "In January 2024"), nor for the decision
    behind an inclusion, which comes days before the inclusion's announcement."""
    undated = [i for i, e in enumerate(events) if e.kind in ("designated", "included", "excluded")
               and e.decision_date is None and e.register_date is None and not _EARLIER.search(e.sentence)
               and not (e.kind == "designated" and any(o.kind == "included" and _same_name(o, e) for o in events))]
    if not undated:
        return events
    dateline = _dateline(text, pub)
    lead_decision, lead_register = (None, None) if dateline else _lead_dates(cut, pub, {e.sentence for e in events})
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


def guess_language(text: str) -> str:
    cyrillic = len(re.findall(r"[а-яё]", text, re.IGNORECASE))
    latin = len(re.findall(r"[a-z]", text, re.IGNORECASE))
    if cyrillic > latin / 2:
        lowered = text.lower()
        if "ы" in lowered or "э" in lowered:
            return "ru"
        # Ukrainian writes і ї є ґ, Bulgarian «ъ» inside words («България», «със»); a short
        # Russian text may have no «ы» at all («…признании нежелательной деятельности…»)
        if re.search("[іїєґ]|[а-яё]ъ[а-яё]", lowered):
            return "other"
        return "ru"
    return "en" if re.search(r"\b(?:the|and|of)\b", text) else "other"


# "The Observatory … condemns the designation of X": the act as a noun; names before it are
# its subject (who speaks), the designated organisation is the object after it
_NOMINAL_ACT = re.compile(r"\b(?:designation|declaration|recognition|labell?ing|branding|banning|listing)\s+of\b"
                          r"|\bdecision\s+to\s+(?:designate|declare|recogni[sz]e|label|ban)\b", re.IGNORECASE)
# «Ранее …», "Earlier", «В конце ноября», "In January 2024": an act of another day than the article's
_EARLIER = re.compile(r"\b(?:ранее|раньше|до\s+этого|прежде|тогда|earlier|previously|before\s+that|already|"
                      r"at\s+that\s+time|"
                      r"в\s+(?:конце|начале|середине)|(?:в|во|in|since|last|at\s+the\s+(?:end|start)\s+of)\s+"
                      r"(?:" + "|".join(MONTHS_RU) + r"|" + EN_MONTH + r"|(?:19|20)\d\d|прошл|this\s+year))",
                      re.IGNORECASE)
# a sentence whose date is the act's next one states: «17 января Минюст обновил реестр.»
_ACT_WORDS = re.compile(r"минюст|министерств\w+\s+юстиции|генпрокуратур|генеральн\w+\s+прокуратур|перечень|"
                        r"перечн|реестр|список|ministry|prosecutor|attorney\s+general|\blist\b|register",
                        re.IGNORECASE)


_DIGIT = re.compile(r"\d")


def _carried(sentence: str, pub: Published | None) -> str:
    """A sentence with a date and an act's words but no event of its own ("On October 31, the
    Ministry of Justice added two NGOs"): its date is the one of the named act that follows."""
    if not _DIGIT.search(sentence):
        return ""  # cheap first: only a written day is carried
    text = _DISCLAIMER.sub("", sentence)
    if not DATE.search(text) or _EARLIER.search(text) or not _ACT_WORDS.search(text) or _is_old(text, pub):
        return ""
    return text


def _sentence_events(sentence: str, previous: str, context: list[Name], pub: Published | None,
                     about_undesirables: bool = True, carry: str = "") -> tuple[list[Event], list[Name]]:
    text = _DISCLAIMER.sub("", sentence)
    if _PROSECUTION.search(text):
        return [_event(n, "prosecution", sentence, text, pub) for n in names(text)], context
    kinds = acts(text, about_undesirables)
    undated = DATE.sub("", text)  # "16 октября, остальных организаций" is a day, not a tally
    if not kinds or _HEDGED.search(undated) or _is_old(text, pub) or _TALLY.search(undated):
        return [], context
    found = names(text)
    if (nominal := _NOMINAL_ACT.search(text)) and any(n.start >= nominal.end() for n in found):
        found = [n for n in found if n.start >= nominal.end()]
    if not found and (any(n.name in text for n in context) or _REFERS_BACK.search(text)
                      and (_BACK.search(text) or not _COUNT.search(undated))):
        found = context or names(_DISCLAIMER.sub("", previous))
    dates = _dates(text, pub)
    if dates == (None, None) and carry and not _EARLIER.search(text):
        dates = _dates(carry, pub)  # the date told in the sentence just before
    return [_event(n, kind, sentence, text, pub, kinds, dates) for kind in kinds for n in found], found or context


def _event(name: Name, kind: str, sentence: str, text: str, pub: Published | None,
           kinds: tuple[str, ...] | list[str] = (), dates: tuple[str | None, str | None] | None = None) -> Event:
    decision, register = dates or _dates(text, pub)
    if kind == "designated" and "included" not in kinds:
        decision, register = decision or register, None
    return Event(organisation=name.name, kind=kind, sentence=sentence, acronym=name.acronym,
                 country=name.country, decision_date=decision, register_date=register,
                 authority=None if kind == "prosecution" else authority(text, kind), other_name=name.other_name)


def _dates(text: str, pub: Published | None) -> tuple[str | None, str | None]:
    """(decision date, register date): a date right after «решение Генпрокуратуры» or
    "decision of the Prosecutor" is the decision's, any other the act's own."""
    decision = register = None
    for position, day in dates_in(text, pub):
        if decision and register:
            break
        before = text[max(0, position - 90):position]  # the patterns look 70 characters back at most
        is_decision = _DECISION_BEFORE.search(before) and not _REGISTER_BEFORE.search(before)
        if is_decision and decision is None:
            decision = day.isoformat()
        elif not is_decision and register is None:
            register = day.isoformat()
    return decision, register


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


_BLOCKS = ["p", "div", "li", "br", "tr", "title", "section", "article", "blockquote",
           "h1", "h2", "h3", "h4", "h5", "h6"]


def extract_from_html(html: str, published_on: date | str | None, language: str | None = None) -> list[Event]:
    """extract_events on a saved page: scripts, styles and navigation dropped, blocks kept
    as lines so a headline stays its own sentence."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "form"]):
        tag.decompose()
    for tag in soup(_BLOCKS):  # inline tags (<b>, <a>) must not cut a sentence
        tag.insert_after("\n")
    return extract_events(soup.get_text(), published_on, language)


def event_record(event: Event) -> dict:
    """An event as the JSON of `regwatch extract --json`."""
    return asdict(event)

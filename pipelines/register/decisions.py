"""Court decisions as the terrorist and extremist lists publish them → their parts.
Pure: text in, a Decision out; what cannot be read is said in `problems`, never guessed.

The FSB's terrorist list writes one decision a row, the court first:
    «Верховный Суд Российской Федерации, от 14.02.2003 № ГКПИ 03-116, вступило в силу 04.03.2003»
    «Южный окружной военный суд, от 22.10.2024, б/н, вступил в силу 21.11.2024»
and sometimes a later one after a note («Запрет деятельности приостановлен. Верховный Суд…»).
The Ministry of Justice's extremist list writes a chain of court acts, the kind first and
the court in the genitive, in its own column or in brackets inside the name:
    «решение Омского областного суда от 30.04.2004 о ликвидации»
    «(решение Московского городского суда от 28.10.2015 и апелляционное определение Судебной
      коллегии … Верховного Суда Российской Федерации от 11.05.2016) (дата размещения сведений: 26.08.2016)»
Courts are kept as written (the extremist list's genitive is not declined back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

TERRORIST, EXTREMIST = "terrorist", "extremist"
# What an act does, where the text says it (the terrorist list's acts recognise an
# organisation as terrorist: that is what being on the list means).
RECOGNISED_TERRORIST, BAN, LIQUIDATION, SUSPENSION = "recognised_terrorist", "ban", "liquidation", "suspension"

_MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря")
_DATE = (r"(?:\d{1,2}\.\d{1,2}\.\d{4}|\d{1,2}\s+(?:" + "|".join(_MONTHS) + r")\s+\d{4})"
         r"(?:\s*(?:года|г\.))?")
_KIND = r"(?:(?:заочн|дополнительн|апелляционн|кассационн)\w*\s+)?(?:решени|определени|приговор|постановлени)\w*"

# The FSB's form: court, «от» date, number or «б/н», «вступил(о) в силу» date.
_FSB_ACT = re.compile(
    rf"(?P<court>[^,.]*?\b[Сс]уд\b[^,]*?),?\s+от\s+(?P<date>{_DATE})(?P<number>[^в]*?)"
    rf",?\s*вступил\w*\s+в\s+силу\s+(?P<effective>{_DATE})")
# The ministry's form: kind, court (with «суд» in it), «от» date[, от date], what it did.
_MINJUST_ACT = re.compile(
    rf"(?P<kind>{_KIND})\s+(?P<court>[^()]*?\b[Сс]уд\w*\b[^()]*?)\s+от\s+(?P<date>{_DATE})"
    rf"(?P<more>(?:\s*,\s*от\s+{_DATE})*)(?P<tail>\s+о\s+(?:запрете|ликвидации)[^,;()]*)?", re.I)
_ACT_WORD = re.compile(rf"\b{_KIND}", re.I)
_IN_NAME = re.compile(rf"\((?P<text>{_KIND}\s[^()]*(?:\([^()]*\)[^()]*)*)\)", re.I)
_PUBLISHED = re.compile(rf"дата\s+размещения\s+сведений:?\s*(?P<date>{_DATE})", re.I)
_SUSPENDED = re.compile(r"приостановлен", re.I)
_NO_NUMBER = re.compile(r"б/н")


@dataclass(frozen=True)
class CourtAct:
    court: str  # as written
    decided_on: str  # ISO 8601
    kind: str = ""  # «решение», «апелляционное определение»… as written (lower case); FSB: ""
    number: str = ""  # «ГКПИ 03-116»; «б/н» when the text says it has none
    effective_on: str = ""  # ISO 8601, when the text gives it
    acts: tuple[str, ...] = ()  # RECOGNISED_TERRORIST, BAN, LIQUIDATION, SUSPENSION
    other_dates: tuple[str, ...] = ()  # «решения … от 01.10.2025, от 14.01.2026»


@dataclass(frozen=True)
class Decision:
    text: str  # what was parsed
    acts: tuple[CourtAct, ...] = ()
    published_on: str = ""  # the extremist list's «дата размещения сведений»
    problems: tuple[str, ...] = field(default=())

    @property
    def first(self) -> CourtAct | None:
        return self.acts[0] if self.acts else None

    @property
    def court(self) -> str:
        return self.first.court if self.first else ""

    @property
    def decided_on(self) -> str:
        return self.first.decided_on if self.first else ""

    @property
    def number(self) -> str:
        return self.first.number if self.first else ""

    @property
    def effective_on(self) -> str:
        return self.first.effective_on if self.first else ""

    def complete(self, register: str) -> bool:
        """Every part this list's text should give was read: for the terrorist list the
        court, date, number (or «б/н») and entry into force of each decision; for the
        extremist list the court and date of every act the text names."""
        if not self.acts or self.problems:
            return False
        if register == TERRORIST:
            return all(a.court and a.decided_on and a.number and a.effective_on for a in self.acts)
        return all(a.court and a.decided_on and a.kind for a in self.acts)


def clean(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def iso_date(text: str) -> str:
    """«14.02.2003» or «9 февраля 1955 года» → '2003-02-14'; ValueError when not a date."""
    text = re.sub(r"\s*(?:года|г\.)$", "", clean(text))
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := re.fullmatch(r"(\d{1,2})\s+(\w+)\s+(\d{4})", text):
        day, month, year = int(m[1]), _MONTHS.index(m[2]) + 1, int(m[3])
    else:
        raise ValueError(f"not a date: {text!r}")
    return date(year, month, day).isoformat()


def parse_terrorist(text: str) -> Decision:
    """One row's decision text of the FSB's list → its decisions; a note before a later
    decision («Запрет деятельности приостановлен.») says what that one did."""
    text = clean(text)
    acts: list[CourtAct] = []
    problems: list[str] = []
    at = 0
    for found in _FSB_ACT.finditer(text):
        between = text[at:found.start()]
        court = clean(found["court"]).lstrip(". ")
        if acts and _SUSPENDED.search(between):
            acts_done: tuple[str, ...] = (SUSPENSION,)
        elif not acts:
            acts_done = (RECOGNISED_TERRORIST,)
        else:
            acts_done = ()
        try:
            acts.append(CourtAct(court=court, decided_on=iso_date(found["date"]),
                                 number=_number(found["number"]),
                                 effective_on=iso_date(found["effective"]), acts=acts_done))
        except ValueError as exc:
            problems.append(f"{exc} in {found.group(0)!r}")
        at = found.end()
    if not acts and not problems:
        problems.append("no court, date and entry into force found")
    elif (rest := text[at:].strip(" .;,")):
        problems.append(f"text after the last decision not read: {rest!r}")
    return Decision(text, tuple(acts), problems=tuple(problems))


def _number(text: str) -> str:
    if _NO_NUMBER.search(text):
        return "б/н"
    return clean(text).strip(" ,").removeprefix("№").strip()


def decision_in_name(name: str) -> str:
    """The bracketed court acts an extremist-list name carries («… (решение … от …)»), or ''."""
    found = _IN_NAME.search(name)
    return clean(found["text"]) if found else ""


def parse_extremist(decision: str, name: str = "") -> Decision:
    """One row of the extremist list → its chain of court acts. The text is the row's
    decision column, else the acts in brackets in its name; the name also gives the date
    the ministry published the row («дата размещения сведений»)."""
    text = clean(decision) or decision_in_name(name)
    published = _PUBLISHED.search(name) or _PUBLISHED.search(decision)
    problems: list[str] = []
    published_on = ""
    if published:
        try:
            published_on = iso_date(published["date"])
        except ValueError as exc:
            problems.append(str(exc))
    if not text:
        return Decision("", published_on=published_on,
                        problems=(*problems, "no court decision in the row"))
    acts: list[CourtAct] = []
    for found in _MINJUST_ACT.finditer(text):
        tail = (found["tail"] or "").lower()
        done = tuple(act for word, act in (("ликвидац", LIQUIDATION), ("запрет", BAN)) if word in tail)
        more = re.findall(_DATE, found["more"] or "")
        try:
            acts.append(CourtAct(court=clean(found["court"]), decided_on=iso_date(found["date"]),
                                 kind=clean(found["kind"]).lower(), acts=done,
                                 other_dates=tuple(iso_date(d) for d in more)))
        except ValueError as exc:
            problems.append(f"{exc} in {found.group(0)!r}")
    named = len(_ACT_WORD.findall(text))
    if not acts:
        problems.append(f"no court act with a court and a date in {text[:80]!r}")
    elif named > len(acts):
        problems.append(f"{named} court acts named, {len(acts)} read")
    return Decision(text, tuple(acts), published_on, tuple(problems))


def parse(register: str, decision: str, name: str = "") -> Decision:
    """Either list's decision text (and, for the extremist list, the name it may hide in)."""
    if register == TERRORIST:
        return parse_terrorist(decision)
    if register == EXTREMIST:
        return parse_extremist(decision, name)
    raise ValueError(f"no decision rules for register kind {register!r}")

"""The days a text gives an act: in a sentence, the decision's and the register's; around
it, a dated sentence carried to the act that follows, the article's dateline, its lead's
date, and the day given to "the other organisations". scraper.parsers.dates reads the days.

Judgement calls:
- Dates: a day and month without a year take the publication year, the year before if
  that falls after publication; "on Monday" / «в понедельник» is the last such day on or
  before publication; a month-only publication date ("2025-05") resolves explicit days but
  not weekdays.
"""

from __future__ import annotations

import re

from pipelines.announcements.acts import MINISTRY_MENTION, PROSECUTOR_MENTION
from pipelines.announcements.sentences import is_old, without_disclaimers
from scraper.parsers.dates import DATE, EN_MONTH, MONTHS_RU, Published, dates_in

_DECISION_BEFORE = re.compile(r"(?:решени\w*|decisions?|генпрокуратур\w*|prosecutor\w*|прокуратур\w*|"
                              r"attorney\s+general)[^.;]{0,70}$", re.IGNORECASE)
_REGISTER_BEFORE = re.compile(r"(?:минюст\w*|перечень|реестр\w*|распоряжени\w*|ministry|list|register\w*)"
                              r"[^.;]{0,40}$", re.IGNORECASE)


def decision_and_register(text: str, pub: Published | None) -> tuple[str | None, str | None]:
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


# «Ранее …», "Earlier", «В конце ноября», "In January 2024": an act of another day than the article's
EARLIER = re.compile(r"\b(?:ранее|раньше|до\s+этого|прежде|тогда|earlier|previously|before\s+that|already|"
                      r"at\s+that\s+time|"
                      r"в\s+(?:конце|начале|середине)|(?:в|во|in|since|last|at\s+the\s+(?:end|start)\s+of)\s+"
                      r"(?:" + "|".join(MONTHS_RU) + r"|" + EN_MONTH + r"|(?:19|20)\d\d|прошл|this\s+year))",
                      re.IGNORECASE)
# a sentence whose date is the act's next one states: «17 января Минюст обновил реестр.»
_ACT_WORDS = re.compile(r"минюст|министерств\w+\s+юстиции|генпрокуратур|генеральн\w+\s+прокуратур|перечень|"
                        r"перечн|реестр|список|ministry|prosecutor|attorney\s+general|\blist\b|register",
                        re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def carried(sentence: str, pub: Published | None) -> str:
    """A sentence with a date and an act's words but no event of its own ("On October 31, the
    Ministry of Justice added two NGOs"): its date is the one of the named act that follows."""
    if not _DIGIT.search(sentence):
        return ""  # cheap first: only a written day is carried
    text = without_disclaimers(sentence)
    if not DATE.search(text) or EARLIER.search(text) or not _ACT_WORDS.search(text) or is_old(text, pub):
        return ""
    return text


# "MOSCOW, August 30. /TASS/.", "May 19 (UPI) --", a line «25 марта, 19:51» or «28 июня 2023»
_DATELINE_HEAD = re.compile(r"(?:[A-ZА-ЯЁ][A-ZА-ЯЁ\-]+(?:\s+[A-ZА-ЯЁ\-]+)?,\s*)?")
_DATELINE_TAIL = re.compile(r"[.,]?\s*(?:/\s*[A-ZА-ЯЁ][\w\-]*\s*/|\([A-Z][\w\-]*\)\s*(?:--|—|–|-))"
                            r"|[,\s]*(?:в\s*)?(?:[0-2]?\d:[0-5]\d)?\s*$")


def dateline_day(text: str, pub: Published | None) -> str | None:
    """The day the article itself states it was filed: an agency dateline or a date line."""
    for line in text.split("\n"):
        line = line.strip()
        match = DATE.search(line, 0, 40)
        if (match and _DATELINE_HEAD.fullmatch(line, 0, match.start())
                and _DATELINE_TAIL.match(line, match.end()) and (found := dates_in(match[0], pub))):
            return found[0][1].isoformat()
    return None


def lead_dates(cut: list[str], pub: Published | None, own: set[str]) -> tuple[str | None, str | None]:
    """(decision, register) dates of the lead: the first of the opening sentences that has an
    authority and a date, weekdays included ("the Office said on Friday"), and no event of its
    own ("On May 19, the office declared Greenpeace…" dates Greenpeace only)."""
    for sentence in cut[:3]:
        if sentence in own or not (PROSECUTOR_MENTION.search(sentence) or MINISTRY_MENTION.search(sentence)):
            continue
        if not EARLIER.search(sentence) and not is_old(sentence, pub) \
                and (found := decision_and_register(sentence, pub)) != (None, None):
            return found
    return None, None


# «… о признании Truth Hounds нежелательной датировано 16 октября, остальных организаций — 17 октября»
_REST = re.compile(r"(?:остальн\w+|прочих|the\s+(?:others|rest|remaining\s+\w+|other\s+\w+))[^.;\d]{0,30}$",
                   re.IGNORECASE)
_REST_WORD = re.compile(r"остальн|прочих|\bthe\s+(?:others|rest|remaining|other)\b", re.IGNORECASE)


def rest_day(sentence: str, pub: Published | None) -> str | None:
    """The day a sentence gives "the other organisations", when it gives them one."""
    if not _REST_WORD.search(sentence):
        return None
    return next((d.isoformat() for p, d in dates_in(sentence, pub) if _REST.search(sentence[max(0, p - 60):p])), None)

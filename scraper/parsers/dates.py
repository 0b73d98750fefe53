"""Dates in text, English and Russian: a page's publication stamp (ISO, RSS, DD.MM.YYYY,
'4 августа 2022', 'May 19, 2025') and every date an article states, resolved against its
publication day. Pure; the announcement spiders and the event extractor share it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")


def parse_date(text: str) -> str:
    """An ISO date from ISO, RFC 822 (RSS), DD.MM.YYYY or '4 августа 2022' / 'May 19, 2025';
    '' when the text holds none."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    if match := _NUMERIC_DATE.search(text):
        day, month, year = map(int, match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return ""
    found = dates_in(text, None)
    return found[0][1].isoformat() if found else ""


@dataclass(frozen=True)
class Published:
    day: date  # the publication day, or the last day of its month/year when only that is known
    exact: bool  # False for "2025-05": weekdays cannot be resolved against it


def published(value: date | str | None) -> Published | None:
    """"2025-05-19", "2025-05-19T19:17:05+03:00", "2025-05", "2025", a date, or None."""
    if value is None:
        return None
    if isinstance(value, date):
        return Published(value, True)
    parts = [int(p) for p in re.findall(r"\d+", value[:10])]
    if len(parts) == 3:
        return Published(date(*parts), True)
    if len(parts) == 2:  # the month's last day: the latest the article can be
        following = date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return Published(following - timedelta(days=1), False)
    return Published(date(parts[0], 12, 31), False) if parts else None


MONTHS_RU = ("январ", "феврал", "март", "апрел", "ма[йя]", "июн", "июл", "август",
              "сентябр", "октябр", "ноябр", "декабр")
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_RU = r"(?P<mru>" + "|".join(MONTHS_RU) + r")[а-я]*"
EN_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
             r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_MONTH_EN = r"(?P<men>" + EN_MONTH + ")"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
DATE = re.compile(
    r"\b(?P<d1>[0-3]?\d)(?:-?го|er|st|nd|rd|th)?\s+(?:" + _MONTH_RU + "|" + _MONTH_EN + r")" + _YEAR
    + r"|\b(?P<men2>" + EN_MONTH + r")\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?\b"
    + r"(?:,?\s+(?P<year2>(?:19|20)\d\d))?"
    + r"|\b(?P<d3>[0-3]\d)\.(?P<m3>[01]\d)\.(?P<y3>(?:19|20)\d\d)\b",
    re.IGNORECASE)
_WEEKDAYS = {
    "понедельник": 0, "вторник": 1, "среду": 2, "четверг": 3, "пятницу": 4, "субботу": 5,
    "воскресенье": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
# Russian needs its preposition: «в среде» is "in the milieu", «в среду» "on Wednesday"
_WEEKDAY = re.compile(r"(?:\bв|\bво)\s+(понедельник|вторник|среду|четверг|пятницу|субботу|воскресенье)\b"
                      r"|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:сегодня|today)\b", re.IGNORECASE)


def _month(match: re.Match) -> int:
    if match["mru"]:
        return next(i for i, stem in enumerate(MONTHS_RU, 1) if re.match(stem, match["mru"].lower()))
    if match["d3"]:
        return int(match["m3"])
    return _MONTHS_EN.index((match["men"] or match["men2"])[:3].lower()) + 1


def resolve_day(day: int, month: int, year: int | None, pub: Published | None) -> date | None:
    """A day and month, with the year when given; without it the publication's year, or
    the year before when that date would fall after publication."""
    if year is not None:
        return _date(year, month, day)
    if pub is None:
        return None
    found = _date(pub.day.year, month, day)
    return _date(pub.day.year - 1, month, day) if found and found > pub.day else found


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # "31 February" in a cut or garbled text
        return None


def resolve_weekday(weekday: int, pub: Published | None) -> date | None:
    """The last `weekday` (0 = Monday) on or before the publication day."""
    if pub is None or not pub.exact:
        return None
    return pub.day - timedelta(days=(pub.day.weekday() - weekday) % 7)


def dates_in(text: str, pub: Published | None) -> list[tuple[int, date]]:
    """Every date the text states, with its position: explicit days first, then
    «сегодня»/"today" and weekdays, which only stand in when no day is written."""
    found = []
    for match in DATE.finditer(text):
        day = int(match["d1"] or match["d2"] or match["d3"])
        year = match["year"] or match["year2"] or match["y3"]
        resolved = resolve_day(day, _month(match), int(year) if year else None, pub)
        if resolved:
            found.append((match.start(), resolved))
    if found or pub is None:
        return found
    if (today := _TODAY.search(text)) and pub.exact:
        return [(today.start(), pub.day)]
    weekday = _WEEKDAY.search(text)
    if weekday is None:
        return []
    resolved = resolve_weekday(_WEEKDAYS[(weekday[1] or weekday[2]).lower()], pub)
    return [(weekday.start(), resolved)] if resolved else []

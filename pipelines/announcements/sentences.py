"""An article's sentences, and what in a sentence undoes the act it states.

Judgement calls:
- A sentence yields events only when it holds an act (a verb of designation or
  inclusion), an organisation name and nothing that undoes it: the media disclaimer
  («*признана нежелательной на территории РФ»), a count with no name, a prediction or
  call («могут быть признаны», "will soon be declared"), a prosecution, or an explicit
  year before the article's ("designated … in 2021": an old designation in passing).
"""

from __future__ import annotations

import re

from scraper.parsers.dates import DATE, Published

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
# …and two paragraphs a page glued without a space: «…передает РИА Новости.Так, в список…»
_SENTENCE_END = re.compile(r"(?<=[.!?…»\"”])\s+(?=[«\"“]?[A-ZА-ЯЁ0-9])|\n\s*\n|\n(?=[A-ZА-ЯЁ«\"“*])"
                           r"|\n(?=[-–—•]\s)|(?<=[a-zа-яё]{2}[.!?])(?=[A-ZА-ЯЁ](?:[a-zа-яё]|\s))")
_INITIAL = re.compile(r"(?:\b[A-ZА-ЯЁ]|\b(?:Inc|Ltd|Int|St|Mr|Dr|e|V|Z\.S|U\.S|No|"
                      r"Jan|Feb|Mar|Apr|Aug|Sept?|Oct|Nov|Dec))\.[»\"”]?$")
# "has declared 12 organisations undesirable": a tally, whatever names follow
_TALLY = re.compile(r"(?<![\d,.])\b(?:[1-9]\d|\d{3})\s+(?:\S+\s+){0,3}(?:organi[sz]ations|организаци\w*|нпо|entities|"
                    r"структур)", re.IGNORECASE)


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


# "under a 2015 law", «закона 2012 года»: the law's year, not the act's
_LAW_YEAR = re.compile(r"\b(?:19|20)\d\d(?:\s+года)?\s+(?:law|закон\w*)\b|"
                       r"\b(?:закон\w*|law)\s+(?:of\s+)?(?:19|20)\d\d\b", re.IGNORECASE)


def is_old(sentence: str, pub: Published | None) -> bool:
    """Explicit years all before the publication's: a designation mentioned in passing."""
    years = [int(y) for y in _YEAR_IN.findall(_LAW_YEAR.sub("", sentence))]
    return bool(pub and years and max(years) < pub.day.year and not DATE.search(sentence))


def without_disclaimers(text: str) -> str:
    """The text without the media disclaimers and footnote marks after names."""
    return _DISCLAIMER.sub("", text)


def is_prosecution(text: str) -> bool:
    """A criminal or administrative case for "participation": never a designation."""
    return bool(_PROSECUTION.search(text))


def undone(text: str, undated: str, pub: Published | None) -> bool:
    """An act the sentence states but does not tell as done: hedged, predicted or called
    for, an old year, or a tally. `undated` is the text with its dates blanked, since
    «16 октября, остальных организаций» is a day, not a tally."""
    return bool(_HEDGED.search(undated) or is_old(text, pub) or _TALLY.search(undated))

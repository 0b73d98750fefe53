"""The acts a sentence states and who acted: a designation (the Prosecutor General's Office
or a deputy), an inclusion in or an exclusion from the Ministry of Justice's register.

Judgement calls:
- An inclusion «на основании решения Генпрокуратуры от 18 сентября» is two events, the
  inclusion and the decision, as the register has two columns.
"""

from __future__ import annotations

import functools
import re

PROSECUTOR = "Prosecutor General's Office"
DEPUTY = "Deputy Prosecutor General"
MINISTRY = "Ministry of Justice"


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
PROSECUTOR_MENTION = re.compile(r"генпрокурат|генеральн\w+\s+прокуратур|прокурор|prosecutor|"
                            r"attorney\s+general", re.IGNORECASE)
MINISTRY_MENTION = re.compile(r"минюст|министерств\w+\s+юстиции|justice\s+ministry|ministry\s+of\s+justice",
                          re.IGNORECASE)


# «направлена в Минюст для включения»: the Prosecutor General's promise, not an inclusion
_PROMISE = re.compile(r"для\s+(?:включения|внесения)|чтобы\s+(?:внести|включить)|in\s+order\s+to|"
                      r"\bto\s+(?:be\s+)?(?:include|includ\w+|add|added)\b|request\w*|sent\s+to", re.IGNORECASE)


# "U.S.", "e.V.": dots that end no sentence, and must not end an act's window ([^.])
_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")


def acts(sentence: str, about_undesirables: bool = True) -> list[str]:
    """The kinds of act a sentence states: inclusion, exclusion and/or designation."""
    return list(_acts(sentence, about_undesirables))


@functools.lru_cache(maxsize=8)  # the extractor asks again of the sentence it just read (no more)
def _acts(sentence: str, about_undesirables: bool) -> tuple[str, ...]:
    sentence = _ABBREVIATION.sub(lambda m: m[0].replace(".", ""), sentence)
    kinds: list[str] = []
    if _PROMISE.search(sentence):
        return ()  # its «признана нежелательной» describes the register, not this act
    prosecutor_only = PROSECUTOR_MENTION.search(sentence) and not MINISTRY_MENTION.search(sentence)
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
        ministry = MINISTRY_MENTION.search(sentence) and not PROSECUTOR_MENTION.search(sentence)
        kinds.append("included" if ministry else "designated")
    return tuple(kinds)


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
    if PROSECUTOR_MENTION.search(sentence):
        return PROSECUTOR
    return None


# "The Observatory … condemns the designation of X": the act as a noun; names before it are
# its subject (who speaks), the designated organisation is the object after it
NOMINAL_ACT = re.compile(r"\b(?:designation|declaration|recognition|labell?ing|branding|banning|listing)\s+of\b"
                          r"|\bdecision\s+to\s+(?:designate|declare|recogni[sz]e|label|ban)\b", re.IGNORECASE)

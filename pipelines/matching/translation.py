"""An English name against the Russian names the register prints: the names people write
for an organisation whose English name the register never prints («Unity and Freedom» for
«Единство и Свобода», «European Foundation for Journalism in Exile» for «Европейский фонд
журналистики в изгнании»). Pure.

A glossary gives each common word of organisation names the Russian stems it is written
with (the vocabulary of NGOs, media and institutes: not any one entry's name); a word it
does not hold is a proper name, which meets a Russian word by its transliteration
(«Idel» is «Идель»). A query is a translation of a Russian name when its words and the
name's words meet one to one, function words aside, at least one of them through the
glossary. The status check (`pipelines.matching.index`) lists the entry when only one
entry has such a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from pipelines.matching.fuzzy import OPTIONAL_WORDS, STRONG_WORD
from pipelines.matching.keys import CYRILLIC_LETTER, LATIN_LETTER, fold, transliterate

# English word: the Russian stems it is written with (folded: lower case, ё as е).
_GLOSSARY_TEXT = """
academic: академическ | academy: академи | action: действи акци | against: против
agency: агентств | aid: помощ | alliance: альянс союз | american: американск
anti: анти | assembly: ассамбле собрани | association: ассоциац объединени | baltic: балтийск
belarus: беларус белорус | belarusian: белорусск беларусск | bible biblical: библейск
board: совет | center centre: центр | central: центральн | chechen chechens: чечен
children: дет | christian christians: христианск | church: церк | citizens: граждан
civic civil: гражданск | coalition: коалиц | college: колледж | commission: комисси
committee: комитет | community: сообществ общин | congress: конгресс | cooperation: сотрудничеств
corruption: коррупц | council: совет | culture cultural: культур | defence defense: оборон защит
defenders: защитник | democracy democratic: демократ | development: развити | dialogue dialogues: диалог
doctors: врач | east eastern: восточн восток | education educational: образован | election elections: выбор
endowment: фонд | europe european: европ | exchange exchanges: обмен | exile: изгнани
federation: федерац | forum: форум | foundation fund: фонд | free freedom freedoms: свобод
friends: друз | future: будущ | german germany: германск немецк герман | global: глобальн
help: помощ помог | heritage: наслед | heroes: геро | house: дом | human: человек
independent: независим | information: информац | initiative: инициатив | institute: институт
international: международн | journalism journalists journalist: журналист | justice: справедлив правосуди
law legal: прав закон | league: лиг | liberal: либеральн | liberty: свобод | library: библиотек
media: медиа сми | memory: памят | mission: мисси | monitoring: мониторинг | movement: движени
national: национальн | nations peoples people: народ | network: сет | new: нов | news: новост
observers: наблюдател | open: открыт | organisation organization: организац | party: парти
peace: мир | policy politics: политик | political: политическ | press: пресс | program programme: программ
project: проект | protection: защит | public: обществ публичн | radio: радио | reporters: репортер
research: исследован | resistance: сопротивлен | rights: прав | russia russian: росси русск
school: школ | science: наук | security: безопасност | service: служб | society: обществ
solidarity: солидарност | spiritual: духовн | studies: исследован | support: поддержк
television: телевиден | tribunal: трибунал | truth: правд | ukraine ukrainian: украин
union: союз | unity: единств | university: университет | voice: голос | watch: наблюден
west western: запад | women: женщин | world: мир всемирн | youth: молодеж молод
"""
GLOSSARY: dict[str, tuple[str, ...]] = {
    english: tuple(russian.split())
    for entry in re.split(r"[|\n]", _GLOSSARY_TEXT) if entry.strip()
    for words, _, russian in [entry.strip().partition(":")]
    for english in words.split()
}
_MAX_WORDS = 8  # a longer query is no name to translate word by word


def content_words(folded: str) -> tuple[str, ...]:
    """The words that are not function words or legal forms (OPTIONAL_WORDS are transliterated:
    a Latin word is compared as it is, «jx» is no «икс»)."""
    return tuple(word for word in folded.split()
                 if (transliterate(word) if CYRILLIC_LETTER.search(word) else word) not in OPTIONAL_WORDS)


def english_words(query: str) -> tuple[str, ...]:
    """The query's words that a translation must meet (function words aside), when it is
    written in Latin letters and the glossary holds one of them; else ()."""
    if CYRILLIC_LETTER.search(query) or not LATIN_LETTER.search(query):
        return ()
    words = content_words(fold(query))
    return words if 0 < len(words) <= _MAX_WORDS and any(w in GLOSSARY for w in words) else ()


def russian_words(name: str) -> tuple[str, ...]:
    """A Russian name part's words a translation must meet (function words aside)."""
    return content_words(fold(name)) if CYRILLIC_LETTER.search(name) else ()


def english_name(name: str) -> bool:
    """A name in Latin letters made of glossary words only («Open Press»): the register
    prints this entry's English name, so a translation of its Russian one names another."""
    words = content_words(fold(name))
    return bool(words) and not CYRILLIC_LETTER.search(name) and all(w in GLOSSARY for w in words)


def meets(english: str, russian: str) -> bool:
    """An English word and a Russian one: a glossary word by one of its stems, a proper
    name by its transliteration."""
    stems = GLOSSARY.get(english)
    if stems:
        return russian.startswith(stems)
    return fuzz.ratio(transliterate(english), transliterate(russian)) >= STRONG_WORD


def keys(english: str) -> tuple[str, ...]:
    """What a Russian word must be indexed under for `english` to meet it (see `word_keys`)."""
    stems = GLOSSARY.get(english)
    return tuple(stem[:3] for stem in stems) if stems else (transliterate(english)[:3],)


def word_keys(russian: str) -> tuple[str, ...]:
    """A Russian word's keys: its first three letters, and those of its transliteration."""
    return tuple(dict.fromkeys((russian[:3], transliterate(russian)[:3])))


def translates(english: Sequence[str], russian: Sequence[str]) -> bool:
    """The English words and the Russian ones meet one to one, in some order (a matching of
    the two sides, found by augmenting paths)."""
    if len(english) != len(russian) or not english:
        return False
    edges = [[j for j, word in enumerate(russian) if meets(e, word)] for e in english]
    owner: dict[int, int] = {}  # Russian word → the English word it is matched with

    def place(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j not in seen:
                seen.add(j)
                if j not in owner or place(owner[j], seen):
                    owner[j] = i
                    return True
        return False

    return all(place(i, set()) for i in range(len(english)))


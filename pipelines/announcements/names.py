"""Organisation names in a sentence, each with what the brackets after it give: an acronym,
a country, the name in the other script.

Judgement calls:
- Names: «…» and "…" quotes, Latin-script capitalised runs, and in Russian a capitalised
  Cyrillic phrase not at the start of a sentence; authorities, countries, weekdays and
  media names of the law are never organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.announcements.sentences import without_disclaimers
from pipelines.register.countries import country_code
from scraper.parsers.dates import EN_MONTH

_QUOTED = re.compile(r"«((?:[^«»]|«[^«»]*»)+)»|\"([^\"]{2,150})\"|“([^“”]{2,150})”|„([^„“”]{2,150})[“”]")
_CONNECTOR = (r"(?:of|for|the|and|in|to|on|at|de|des|du|la|le|les|pour|für|die|der|dei|da|di|e\.|V\.|"
              r"&|a|an|se|z\.s\.|hinter|who|use|or|naši|vaši)")
_LATIN_CHAR = r"(?:(?![а-яёА-ЯЁ])[\w'’.\-/+])"
_LATIN_WORD = r"(?:[A-Z]" + _LATIN_CHAR + r"*|[0-9]+" + _LATIN_CHAR + r"*|[a-z]+[A-Z]" + _LATIN_CHAR + r"*)"
_LATIN_RUN = re.compile(r"(?<![\w'’])(?=[A-Z]|[a-z]+[A-Z])" + _LATIN_WORD
                        + r"(?:\s+(?:" + _CONNECTOR + r"\s+)*(?:" + _LATIN_WORD
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
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|ngos?|nco|npo|ltd|inc|llc|sia|us|u\.s\.?|uk|"
    r"eu|un|he|she|it|they|this|these|that|a|an|in|on|earlier|later|meanwhile|however|moscow\s*\(ap\)|"
    r"россия|москва|рф|нпо|нко|сми|цик|риа|тасс|интерфакс|ведомств\w*|генпрокуратур\w*|минюст\w*)$"
    r"|prosecutor|attorney\s+general|ministry|minist[eè]re|justice|генеральн\w+\s+прокуратур|"
    r"министерств|госдум|государственн\w+\s+дум|президент|president|government|authorities|"
    r"^(?:the\s+)?russian\s+federation$|российск\w+\s+федерац|^росси\w*$|"
    r"^(?:the\s+)?(?:us|u\.s\.|american)\s+(?:congress|senate)$|"
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
        if _is_name(name, start if latin else 3) and not _is_person(name, sentence, start, end) \
                and not _is_speech(sentence, start, end):
            acronym, country, other_name = _brackets(sentence[end:], name)
            if spelled := _spelled_out_after(name, sentence[end:]):  # «OR (Otkrytaya Rossia)»
                name, acronym = spelled, acronym or name
            found.append(Name(name, start, acronym, country, other_name))
    return found


# A person is written Given Surname (or Given Middle Surname), and told of as one: next to a
# verb of saying, a title, a quote. An organisation's words («Committee», «Фонд») make it none.
_PERSON_WORD = r"[A-ZА-ЯЁ][a-zа-яё]+(?:-[A-ZА-ЯЁ][a-zа-яё]+)?"
_PERSON = re.compile(rf"{_PERSON_WORD}(?:\s+(?:[A-ZА-ЯЁ]\.|{_PERSON_WORD}))?\s+{_PERSON_WORD}")
_ORGANISATION_WORD = re.compile(
    r"\b(?:foundation|fund|fonds?|stiftung|committee|institute|institut|cent(?:er|re)|international|media|"
    r"project|watch|group|society|association|network|union|council|house|school|university|church|movement|"
    r"service|agency|alliance|coalition|federation|initiative|forum|league|trust|radio|tv|news|press|"
    r"фонд\w*|комитет\w*|институт\w*|центр\w*|обществ\w*|ассоциаци\w*|союз\w*|движени\w*|сеть|"
    r"организаци\w*|служб\w*|проект\w*|групп\w*|издани\w*|радио|церк\w*|университет\w*|школ\w*)\b",
    re.IGNORECASE)
_SAYING = (r"said|says|told|tells|added|wrote|writes|stated|states|commented|noted|explained|warned|"
           r"заявил\w*|сказал\w*|сообщил\w*|отметил\w*|написал\w*|добавил\w*|пояснил\w*|подчеркнул\w*")
_TITLE = (r"mr|ms|mrs|dr|secretary[\s-]+general|director|executive\s+director|chair(?:man|woman|person)?|head|"
          r"president|spokes(?:man|woman|person)|founder|co-founder|ceo|coordinator|editor(?:-in-chief)?|"
          r"journalist|activist|lawyer|researcher|leader|"
          r"глав\w+|директор\w*|руководител\w*|генеральн\w+\s+секретар\w*|председател\w*|основател\w*|"
          r"журналист\w*|активист\w*|адвокат\w*|юрист\w*|представител\w*")
# right after the name: «X said», «X, secretary general of…»; right before: «said X», «Director X»
_PERSON_AFTER = re.compile(rf"^\s*(?:(?:{_SAYING})\b|,\s*(?:the\s+|a\s+|its\s+|our\s+)?(?:{_TITLE})\b)",
                           re.IGNORECASE)
_PERSON_BEFORE = re.compile(rf"(?:\b(?:{_SAYING}|{_TITLE})|по\s+словам|according\s+to|"
                            rf"\b(?:founded|led|headed|run|owned)\s+by(?:\s+\w+){{0,3}}|"
                            rf"основанн\w*|возглавляем\w*)\s*[,:]?\s*$", re.IGNORECASE)


def _is_person(name: str, sentence: str, start: int, end: int) -> bool:
    """Given Surname right next to a verb of saying or a title."""
    if not _PERSON.fullmatch(name) or _ORGANISATION_WORD.search(name):
        return False
    if start > 0 and sentence[start - 1] in "\"“«„'":
        return False  # a quoted name is an organisation's («Открытая Россия»)
    return bool(_PERSON_AFTER.match(sentence[end:]) or _PERSON_BEFORE.search(sentence[:start]))


# A quote followed or introduced by a verb of saying is what someone said, not a name:
# «"We will continue our work," said …», «— заявил …»
_SPEECH_AFTER = re.compile(r"^[.,!?…]?[\"”»]?[\s,—–-]*(?:\w+\s+){0,2}?"
                           r"(?:said|says|told|added|wrote|stated|заявил\w*|сказал\w*|сообщил\w*|"
                           r"отметил\w*|написал\w*|добавил\w*|подчеркнул\w*)\b", re.IGNORECASE)
_SPEECH_SEPARATOR = re.compile(r"^[\"”»]?\s*[,—–:-]")
_SPEECH_BEFORE = re.compile(r"(?:said|says|stated|wrote|заявил\w*|сказал\w*|написал\w*)\s*:?\s*[\"“«]?$",
                            re.IGNORECASE)


def _is_speech(sentence: str, start: int, end: int) -> bool:
    quoted = start > 0 and sentence[start - 1] in "\"“«„"
    # what was said ends with its own punctuation or a dash follows it («"…," said», «…», — заявил»);
    # a name runs on: «О признании … «X» ранее сообщила прокуратура»
    ended = sentence[start:end].rstrip()[-1:] in ".,!?…" or bool(_SPEECH_SEPARATOR.match(sentence[end:]))
    return quoted and bool(ended and _SPEECH_AFTER.match(sentence[end:]) or _SPEECH_BEFORE.search(sentence[:start]))


def _quoted_spans(sentence: str) -> list[tuple[int, int]]:
    # a quote inside brackets is another spelling of the name before it, not a second name
    spans = []
    for match in _QUOTED.finditer(sentence):
        group = next(i for i in range(1, 5) if match[i] is not None)
        if len(match[group].split()) <= 12:  # longer quotes are statements, not names
            spans.append((match.start(group), match.end(group)))
        elif group == 1:  # …which may quote names: «Принято решение … "Институт правовой инициативы…"»
            inner = match.start(group)
            spans += [(inner + a, inner + b) for a, b in _quoted_spans(match[group])]
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
        if _CAPITALISED_BEFORE.search(outside[:start]):
            continue  # the surname of «Владислава Горина по статье…», not the start of a name
        spans.append((start, start + len(" ".join(kept))))
    return spans


_CAPITALISED_BEFORE = re.compile(r"(?<![\w\x00])[А-ЯЁ][а-яё]+\s+$")
_RUN_LEAD = re.compile(r"^(?:(?:on|in|at|since|by|after|before|last|earlier|later|meanwhile|however|"
                       r"according|under|while|when|with|and|but|as|it|this|these|its|their|"
                       r"russia['’]s|russian|moscow|friday['’]s|monday['’]s|ukrainian|german|british|american|"
                       r"french|dutch|czech|polish|latvian|lithuanian|italian|georgian|finnish)\s+)+", re.IGNORECASE)
_RUN_CUT = re.compile(r"(?:^|\s+)(?:on\s+|in\s+|since\s+)?(?:[0-3]?\d\b|" + EN_MONTH
                      + r"(?:\s|$)|(?:mon|tues|wednes|thurs|fri|satur|sun)day\b).*$",
                      re.IGNORECASE)
# …but a number right after a capitalised word, no day or time, is the name's: «Article 19 (UK)»
_NAME_NUMBER = re.compile(r"\s+\d{1,3}\b(?![:.]\d)(?!\s+" + EN_MONTH + ")", re.IGNORECASE)


_BASED = re.compile(r"^(?:[A-Z][\w.]*\s+){0,2}\S+-based\s+")


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
    based = _BASED.match(text[start:end])  # "the New York-based Media Development Investment Fund"
    start += based.end() if based and based.end() < end - start else 0
    run = text[start:end]
    lead = _RUN_LEAD.match(run)
    start += lead.end() if lead else 0
    run = _RUN_CUT.sub("", text[start:end])
    if run and run.split()[-1][:1].isupper() and (number := _NAME_NUMBER.match(text, start + len(run), end)):
        run += number[0]
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
    name = without_disclaimers(name)
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


def _spelled_out_after(name: str, after: str) -> str:
    """The full name in the brackets after an acronym written first, in the same script, whose
    words' initials start as the acronym does: «OR (Otkrytaya Rossia)»; else ""."""
    match = re.match(r"\s*\(([^()]*)\)", after)
    if not match or not re.fullmatch(r"[A-ZА-ЯЁ]{2,6}", name):
        return ""
    words = match[1].split()
    full = match[1].strip()
    initials = "".join(word[0] for word in words if word[:1].isupper())
    same_script = not _in_other_script(full, name)
    return full if len(words) >= 2 and same_script and initials.startswith(name[:2]) else ""


def _in_other_script(one: str, other: str) -> bool:
    cyrillic = re.compile("[а-яё]", re.IGNORECASE)
    return bool(cyrillic.search(one)) != bool(cyrillic.search(other))

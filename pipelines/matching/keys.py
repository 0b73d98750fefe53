"""A name's match keys: the one place that says when two spellings name the same thing. Pure.

A name is compared at falling levels of strictness, each with its keys: `exact` (the text
itself, whitespace normalised), `folded` (case, accents, ё, punctuation, quote and dash
styles, homoglyphs and legal forms set aside: `fold`, `without_legal_forms`) and
`transliterated` (both sides in one Latin spelling: `transliterate`); the status check
adds `core` (the proper name without the words describing it). An acronym is its own
kind of key: as written, or ignoring case. The status check
(`pipelines.matching.index`), watchlists (`pipelines.matching.watchlist`) and the
announcements' grouping all key names here.
"""

from __future__ import annotations

import functools
import re
import string
import unicodedata
from collections.abc import Callable, Iterable

from pipelines.register.models import Entry
from pipelines.register.names import normalise_whitespace

# The levels, strongest first, and the acronym's own two.
EXACT, FOLDED, TRANSLITERATED, CORE = "exact", "folded", "transliterated", "core"
ACRONYM_EXACT, ACRONYM_ANY_CASE = "acronym", "acronym_any_case"
# An entry's name parts: the whole published name, its Russian and original names, acronyms.
NAME, NAME_RU, NAME_ORIGINAL, ACRONYM = "name", "name_ru", "name_original", "acronym"

# A loose key with fewer letters than this hits nothing: "OR" (Open Russia) must not
# hit every "or" a subscriber writes. Short names and acronyms still hit exactly.
MIN_LOOSE_LETTERS = 3


# --- folding ---------------------------------------------------------------------------

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`´ʼʻ"), "")  # «Women’s» is one word, «Womens»
# Letters NFKD leaves whole (else «Miljøstiftelsen» would not meet «Miljostiftelsen»), and
# «&», which the register writes for «and» («Institute for War & Peace Reporting»).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "ı": "i", "þ": "th", "&": " and "})
_NOT_WORD = re.compile(r"[\W_]+")
# Lower-case after casefold: «B», «H», «M», «T» are lookalikes only as capitals, which is
# how the register writes them («ОРГАНIЗАЦIЯ», «Transparеncy»).
_LATIN_TO_CYRILLIC = dict(zip("abcehikmoptxy", "авсенікмортху"))
_CYRILLIC_TO_LATIN = {c: latin for latin, c in _LATIN_TO_CYRILLIC.items()}
_CYRILLIC_TO_LATIN |= {"ѕ": "s", "ј": "j", "ҫ": "c"}  # «Ҫeҫen Kafkas»
_DIGIT_THREE_AS_ZE = re.compile(r"(?<=[^\W\d_])3(?=[^\W\d_])")  # «ОРГАНI3АЦIЯ»


def _strip_marks(text: str) -> str:
    """Drop accents (NFKD, combining marks); ё becomes е, but й stays a letter of its own."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    decomposed = unicodedata.normalize("NFKD", decomposed).replace("и\u0306", "й")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _script(letter: str) -> str:
    """'LATIN', 'CYRILLIC', … (the first word of the letter's Unicode name)."""
    return unicodedata.name(letter, "").split(" ")[0]


def _unmix(word: str) -> str:
    """A word in two scripts goes to the script whose letters the other cannot imitate
    (the majority when both could): lookalikes hidden in a name. A word with letters
    only one script has on both sides («КрымSOS») is meant that way and stays."""
    scripts = list(map(_script, word))
    if "LATIN" not in scripts or "CYRILLIC" not in scripts:
        return word
    latin = [c for c, script in zip(word, scripts) if script == "LATIN"]
    cyrillic = [c for c, script in zip(word, scripts) if script == "CYRILLIC"]
    to_cyrillic = all(c in _LATIN_TO_CYRILLIC for c in latin)
    to_latin = all(c in _CYRILLIC_TO_LATIN for c in cyrillic)
    if to_cyrillic and to_latin:
        to_cyrillic, to_latin = len(latin) < len(cyrillic), len(cyrillic) < len(latin)
    if to_cyrillic:
        return "".join(_LATIN_TO_CYRILLIC.get(c, c) for c in word)
    if to_latin:
        return "".join(_CYRILLIC_TO_LATIN.get(c, c) for c in word)
    return word


def latin_lookalike(folded: str) -> str:
    """A folded word written in Cyrillic letters that all look Latin, in those Latin letters
    («омст» → «omct»); any other text unchanged."""
    cyrillic = [c for c in folded if _script(c) == "CYRILLIC"]
    if not cyrillic or not all(c in _CYRILLIC_TO_LATIN for c in cyrillic):
        return folded
    return "".join(_CYRILLIC_TO_LATIN.get(c, c) for c in folded)


def join_initials(words: list[str]) -> list[str]:
    """Runs of one-letter words are one word: «e.V.» meets «eV», «U.S.» meets «US»."""
    if min(map(len, words), default=2) > 1:  # most names have none
        return words
    joined: list[str] = []
    in_run = False
    for word in words:
        if len(word) == 1 and in_run:
            joined[-1] += word
        else:
            joined.append(word)
        in_run = len(word) == 1
    return joined


def _clean_word(word: str) -> str:
    """One word in one script; in a Cyrillic word a 3 between letters is a З."""
    if word.isascii():  # most words: nothing to do, and this runs for every word indexed
        return word
    word = _unmix(word)
    if "3" in word and all(_script(c) == "CYRILLIC" for c in word if c.isalpha()):
        word = _DIGIT_THREE_AS_ZE.sub("з", word)
    return word


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case, accents, ё, quotes, dashes, punctuation and homoglyphs set aside; one space
    between words. Equal folds name the same thing however it was typed."""
    words = [word for token in text.split() for word in folded_words(token)]
    return " ".join(join_initials(words))


@functools.lru_cache(maxsize=65536)
def folded_words(token: str) -> tuple[str, ...]:
    """The folded words of one whitespace-separated part of a text: nothing `fold` does
    reaches across whitespace but the initials, and the same words recur in thousands of
    names (a 100 000-entry index folds each once)."""
    text = _strip_marks(token).translate(_APOSTROPHES).translate(_LETTERS)
    return tuple(_clean_word(word) for word in _NOT_WORD.sub(" ", text).split())


def clear_caches() -> None:
    """Forget every folded and transliterated text and word (the benchmarks time cold queries)."""
    for cached in (fold, folded_words, transliterate, _transliterated_word, _initialled):
        cached.cache_clear()


# --- legal forms and transliteration ---------------------------------------------------

def _forms(*phrases: str, leading: bool) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Word tuples by the word at the name's edge, longest first so that «gemeinnutzige
    gmbh» goes whole before «gmbh» could."""
    by_edge: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted((tuple(p.split()) for p in phrases), key=len, reverse=True):
        by_edge.setdefault(words[0] if leading else words[-1], []).append(words)
    return {edge: tuple(forms) for edge, forms in by_edge.items()}


# Folded words that say what kind of legal body an organisation is, not which one: a
# watch name without them still names it («Bellingcat» → «Stichting Bellingcat»). Only
# legal forms (and a leading English article): «Foundation», «Fund», «Фонд» are names.
_LEADING_FORMS = _forms("the", "stichting", "mtu", "sia", "ооо", "limited liability company",
                        leading=True)
_TRAILING_FORMS = _forms(
    "inc", "incorporated", "ltd", "limited", "llc", "plc", "cic", "corp", "ev", "gmbh",
    "ggmbh", "gemeinnutzige gmbh", "ug", "ug haftungsbeschrankt", "gug haftungsbeschrankt",
    "gemeinnutzige ug haftungsbeschrankt", "ag", "bv", "nv", "sa", "sarl", "sro", "ops", "zs",
    "as", "ab", "ry", "iks", "инк", "лимитед", "ооо", "зс", "еф", leading=False,
)


# Every word of a legal form, for scorers that weigh words rather than cut name edges.
LEGAL_FORM_WORDS = frozenset(word for forms in (_LEADING_FORMS, _TRAILING_FORMS)
                             for group in forms.values() for form in group for word in form)


def _form_length(words: list[str], forms: dict[str, tuple[tuple[str, ...], ...]],
                 leading: bool) -> int:
    """How many words at that end of a name are a legal form (0: none, or all of it)."""
    for form in forms.get(words[0] if leading else words[-1], ()):
        end = words[: len(form)] if leading else words[-len(form) :]
        if len(words) > len(form) and tuple(end) == form:
            return len(form)
    return 0


def may_have_legal_form(first: str, last: str) -> bool:
    """Whether a folded name with these first and last words may end in a legal form
    (`without_legal_forms` may change it; most names have none)."""
    return first in _LEADING_FORMS or last in _TRAILING_FORMS


def without_legal_forms(folded: str) -> str:
    """A folded name without the legal forms at its ends; never empties a name."""
    words = folded.split()
    while words and (length := _form_length(words, _LEADING_FORMS, leading=True)):
        words = words[length:]
    while words and (length := _form_length(words, _TRAILING_FORMS, leading=False)):
        words = words[:-length]
    return " ".join(words)


# Russian after BGN/PCGN without its diacritics (the spelling of most English-language
# media), plus the Ukrainian and Serbian letters the register holds.
_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
    "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch",
    "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "є": "ye", "ґ": "g", "ј": "j", "ђ": "dj", "љ": "lj", "њ": "nj", "ћ": "c",
    "џ": "dz",
})
# Other schemes' spellings of the same sounds, reduced to one: ya/ia/ja, yu/iu/ju,
# -iy/-ii/-ij/-y, ye/ie/e, kh/h, x/ks, German ä/ae, ö/oe, ü/ue (Böll, Boell), and
# doubled letters (ICAO writes ъ as «ie»: «obieedinenie», others «obedinenie»).
_ONE_SPELLING = (
    (re.compile("x"), "ks"), (re.compile("kh"), "h"), (re.compile("[jy]"), "i"),
    (re.compile("i{2,}"), "i"), (re.compile("ie"), "e"), (re.compile("([aou])e"), r"\1"),
    (re.compile(r"([a-z])\1+"), r"\1"),
)


@functools.lru_cache(maxsize=65536)
def transliterate(folded: str) -> str:
    """A folded name in one Latin spelling, whichever script or scheme it was written in."""
    return " ".join(map(_transliterated_word, folded.split(" ")))  # no spelling rule spans a space


@functools.lru_cache(maxsize=65536)
def _transliterated_word(folded: str) -> str:
    latin = folded.translate(_TO_LATIN)
    for pattern, spelling in _ONE_SPELLING:
        latin = pattern.sub(spelling, latin)
    return latin


# --- keys --------------------------------------------------------------------------------

def letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def loose(keys: Iterable[str]) -> tuple[str, ...]:
    """The keys long enough to match loosely, once each, in order."""
    return tuple(k for k in dict.fromkeys(keys) if loose_enough(k))


def loose_enough(key: str) -> bool:
    """letters(key) >= MIN_LOOSE_LETTERS, most often seen in the first few characters of a long name."""
    return ((len(key) >= MIN_LOOSE_LETTERS and key[:MIN_LOOSE_LETTERS].isalpha())
            or letters(key[:8]) >= MIN_LOOSE_LETTERS or letters(key) >= MIN_LOOSE_LETTERS)


def name_keys(text: str, folded: str | None = None, *,
              spaces_ignored: bool = False, joined: str | None = None) -> dict[str, tuple[str, ...]]:
    """A name's keys (not an acronym's) at the exact, folded and transliterated levels;
    `folded`: its fold, when the caller has it already (and `joined`: its transliteration,
    spaces ignored). Watchlists keep the transliterations long enough, word by word; the
    status check (`spaces_ignored`) those of the folds long enough, spaces ignored: «Crimea
    SOS» is «CrimeaSOS»."""
    folded = fold(text) if folded is None else folded
    folds = (folded, without_legal_forms(folded))
    long_folds = loose(folds)
    if spaces_ignored:
        transliterated = tuple(dict.fromkeys(joined if f is folded and joined is not None
                                             else transliterate(f).replace(" ", "") for f in long_folds))
    else:
        transliterated = loose(transliterate(f) for f in folds)
    spaced = normalise_whitespace(text)
    return {EXACT: (text if text == spaced else spaced,),  # the entry's own string: less memory
            FOLDED: long_folds, TRANSLITERATED: transliterated}


def acronym_keys(text: str, *, lookalikes: bool = False) -> dict[str, tuple[str, ...]]:
    """An acronym's keys: as written, and ignoring case when it has 3 letters or more. With
    `lookalikes` (the status check) that is its fold, also in the Latin letters its Cyrillic
    ones look like («OMCT» is the published «ОМСТ»); for watchlists, its case folded."""
    text = normalise_whitespace(text)
    if not lookalikes:
        return {ACRONYM_EXACT: (text,), ACRONYM_ANY_CASE: loose([text.casefold()])}
    folded = fold(text)
    any_case = (folded, latin_lookalike(folded)) if letters(text) >= MIN_LOOSE_LETTERS else ()
    return {ACRONYM_EXACT: (text,), ACRONYM_ANY_CASE: tuple(dict.fromkeys(any_case))}


LATIN_LETTER, CYRILLIC_LETTER = re.compile("[A-Za-z]"), re.compile("[\u0400-\u04ff]")
# A Russian name ending in Latin words: «Юридическая фирма Vigo».
_LATIN_END = re.compile(r"[^A-Za-z]*[а-яё][^A-Za-z]*?\s(?P<core>[A-Za-z][A-Za-z0-9.&' -]*)",
                        re.IGNORECASE)
# …what it may end with (ignoring case, [a-z] also matches «İ», «ı», «ſ» and the Kelvin sign)
_LATIN_END_LAST = frozenset(string.ascii_letters + string.digits + ".&' -\u0130\u0131\u017f\u212a")


def _quoted_end(text: str) -> str:
    if not text.endswith("»"):  # most names: not split, their letters not counted
        return ""
    head, quote, rest = text.partition("«")
    return rest.rstrip("»") if quote and letters(head) else ""


def core(text: str) -> str:
    """The proper name at the end of a name part, without what describes it ("" if none):
    «Фонд «Свободная Россия»» → «Свободная Россия», «медиакорпорация Deutsche Welle» →
    «Deutsche Welle»."""
    found = _quoted_end(text)
    # a Latin end ends in one of its characters: most names are not tried (the pattern backtracks)
    if not found and text[-1:] in _LATIN_END_LAST and LATIN_LETTER.search(text) and CYRILLIC_LETTER.search(text):
        latin_end = _LATIN_END.fullmatch(text)
        found = latin_end["core"] if latin_end else ""
    return found if found and loose_enough(found) else ""


def core_keys(text: str) -> tuple[str, ...]:
    """The status check's keys of a name part's proper name: folded and transliterated."""
    proper = core(text)
    if not proper:
        return ()
    keys = name_keys(proper, spaces_ignored=True)
    return tuple(dict.fromkeys(keys[FOLDED] + keys[TRANSLITERATED]))


def name_parts(entry: Entry) -> tuple[tuple[str, str], ...]:
    """The entry's (part, text) name parts, most specific first: a hit reports the first
    that matched, so the whole published name comes last."""
    # lists, not generators: the index of a 100 000-entry register asks this of every entry
    return (*[(NAME_RU, t) for t in entry.name_ru], *[(NAME_ORIGINAL, t) for t in entry.name_original],
            *[(ACRONYM, t) for t in entry.acronyms], (NAME, entry.name))


# --- acronyms the register does not print ------------------------------------------------

_WORD = re.compile(r"[^\W\d_][\w.'’]*")
_TYPED_ACRONYM = re.compile(r"[A-ZА-ЯЁ]{3,8}")


def initials(text: str, function_words: Iterable[str] = ()) -> tuple[tuple[str, bool], ...]:
    """The acronyms people make of a name the register prints without one, each with whether
    it is weak: its capitals («Demokrati-JA e.V.» → «DJA») and the first letters of its words,
    function words and legal forms aside («Фонд борьбы с коррупцией» → «ФБК»); 3 to 8
    letters, upper case. Three first letters of words written in lower case are weak: too
    common an acronym to say the entry is the one meant («IPI» of «Institut de philosophie
    indépendant» is also the International Press Institute's)."""
    return acronyms_of(*initial_letters(text, function_words))


def initial_letters(text: str, function_words: Iterable[str] = ()) -> tuple[str, str]:
    """What `initials` reads of a name: its words' capitals and their first letters, in upper
    case; those of a text are those of its whitespace-separated parts, joined."""
    skip = frozenset(function_words)  # transliterated; written in lower case inside a name
    words = [word.rstrip(".") for word in _WORD.findall(text.replace("-", " ")) if _initialled(word, skip)]
    return "".join(filter(str.isupper, "".join(words))), "".join(word[0] for word in words).upper()


def acronyms_of(capitals: str, first: str) -> tuple[tuple[str, bool], ...]:
    """`initials` of a name with these `initial_letters`."""
    found: tuple[tuple[str, bool], ...] = (
        ((capitals, False),) if _acronym_length(capitals) and _TYPED_ACRONYM.fullmatch(capitals) else ())
    if first != capitals and _acronym_length(first) and _TYPED_ACRONYM.fullmatch(first):
        found += ((first, len(first) == 3),)
    return found


def _acronym_length(form: str) -> bool:
    """3 to 8 characters, as `_TYPED_ACRONYM` has: a long name's letters are not matched."""
    return 3 <= len(form) <= 8


@functools.lru_cache(maxsize=65536)
def _initialled(word: str, skip: frozenset[str]) -> bool:
    """Whether a word of a name gives its initial (`initials`): the same words recur in thousands of names."""
    folded = fold(word)
    return folded not in LEGAL_FORM_WORDS and not (word.islower() and transliterate(folded) in skip)


def typed_acronym(query: str) -> bool:
    """A query of 3 to 8 capital letters, nothing else: what an acronym looks like typed."""
    return bool(_TYPED_ACRONYM.fullmatch(query))


# --- everyday short forms ----------------------------------------------------------------

# Short forms people write for a name the register prints whole: one half of «A/B» (the
# slash between words, not in «Фонд 19/29» or an acronym «RFE/RL»), and the name without
# an honorific's given name («Fundacja im. Stefana Batorego» → «Fundacja Batorego»).
HALF, WITHOUT_GIVEN_NAME = "half", "without_given_name"
_SLASH = re.compile(r"(?<=[^\W\d_]{2})\s*/\s*(?=[^\W\d_]{2})")
_HONORIFIC = re.compile(r"\s(?:im\.|imienia|imeni|им\.|имени)\s+[^\W\d_][\w.-]*\s+(?=[^\W\d_])",
                        re.IGNORECASE)


def short_forms(text: str, is_country: Callable[[str], bool] = lambda text: False
                ) -> tuple[tuple[str, str], ...]:
    """(kind, text) of the short forms of a name part (see HALF, WITHOUT_GIVEN_NAME): a
    half that is only a country («…Reporting/ The Netherlands») is none."""
    found: list[tuple[str, str]] = []
    if "/" in text and _SLASH.search(text):
        found += [(HALF, half.strip(" «»\"")) for half in _SLASH.split(text)]
    if _HONORIFIC.search(text):
        found.append((WITHOUT_GIVEN_NAME, _HONORIFIC.sub(" ", text)))
    if not found:  # most names
        return ()
    return tuple((kind, form) for kind, form in dict.fromkeys(found)
                 if letters(form) >= MIN_LOOSE_LETTERS and not is_country(form))


# Russian articles name an organisation in the case the sentence needs: «признала
# нежелательной Международную федерацию за права человека». The register has the
# nominative. Accusative endings of the leading words, adjective then noun, turned back.
_ACCUSATIVE_ENDINGS = (("ую", "ая"), ("юю", "яя"), ("цию", "ция"), ("ию", "ия"), ("у", "а"), ("ю", "я"))
_CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def nominative_guess(name: str) -> str | None:
    """The name with the accusative endings of its leading words made nominative (up to the
    first word that has none), or None when nothing changes: «Международную федерацию за
    права человека» → «Международная федерация за права человека», «Медузу» → «Медуза»."""
    words = name.split(" ")
    for i, word in enumerate(words):
        if not _CYRILLIC.search(word) or len(word) < 4:
            break
        ending = next(((old, new) for old, new in _ACCUSATIVE_ENDINGS if word.endswith(old)), None)
        if ending is None:
            break
        words[i] = word[: -len(ending[0])] + ending[1]
    guess = " ".join(words)
    return guess if guess != name else None

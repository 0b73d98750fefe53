"""Watchlist matching on every real row of the register, and on the names it must not confuse."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.matching.fuzzy import OPTIONAL_WORDS
from pipelines.matching.keys import fold, initials, transliterate, typed_acronym, without_legal_forms
from pipelines.matching.translation import GLOSSARY, english_name, english_words, meets, translates
from pipelines.matching.watchlist import WatchHit, watchlist_hits
from pipelines.register.models import Entry
from pipelines.register.normalise import normalise_rows
from tests.test_normalise import combined_rows

ENTRIES = normalise_rows(combined_rows())[0]
BY_NUMBER = {e.number: e for e in ENTRIES}


def hits_in_register(query: str) -> dict[int, WatchHit]:
    """Register number → the hit, for every entry the watch name hits."""
    return {e.number: hits[0] for e in ENTRIES if (hits := watchlist_hits([query], e))}


# Two transliterations other than the module's own (BGN/PCGN-like), as people type them.
_COMMON = dict(zip("абвгдезиклмнопрстуфыэеё", "abvgdeziklmnoprstufyeee"))
ICAO = _COMMON | {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                  "ъ": "ie", "ь": "", "й": "i", "ю": "iu", "я": "ia"}  # ICAO Doc 9303
J_SCHEME = _COMMON | {"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
                      "ъ": "", "ь": "'", "й": "j", "ю": "ju", "я": "ja"}  # «Svobodnaja Rossija»


def romanise(text: str, scheme: dict[str, str]) -> str:
    return "".join(scheme.get(c, c) for c in text.lower())


def test_the_register_holds_every_row():
    assert len(ENTRIES) == 418


def test_every_row_finds_itself_from_each_russian_and_original_name_and_acronym():
    missed = []
    for entry in ENTRIES:
        parts = [("name_ru", t) for t in entry.name_ru] + [
            ("name_original", t) for t in entry.name_original] + [
            ("acronym", t) for t in entry.acronyms]
        for part, text in parts:
            if watchlist_hits([text], entry) != [WatchHit(text, text, part, "exact")]:
                missed.append((entry.number, part, text))
    assert missed == []
    assert sum(len(e.acronyms) for e in ENTRIES) > 100  # the loop did check acronyms


def test_the_whole_published_name_hits_as_the_name():
    entry = BY_NUMBER[16]
    assert entry.name == "Free Russia Foundation (Free Russia) (Фонд «Свободная Россия») (США)"
    exact = WatchHit(entry.name, entry.name, "name", "exact")
    assert watchlist_hits([entry.name], entry) == [exact]
    loose = "free russia foundation, free russia, фонд 'свободная россия', сша"
    assert watchlist_hits([loose], entry) == [WatchHit(loose, entry.name, "name", "folded")]


@pytest.mark.parametrize("scheme", [ICAO, J_SCHEME], ids=["icao", "j"])
def test_every_russian_name_hits_in_another_transliteration(scheme):
    missed = [(e.number, text, romanise(text, scheme)) for e in ENTRIES for text in e.name_ru
              if not watchlist_hits([romanise(text, scheme)], e)]
    assert missed == []


@pytest.mark.parametrize(("query", "number", "matched"), [
    ("Fond Svobodnaya Rossiya", 16, "Фонд «Свободная Россия»"),
    ("Fond Svobodnaia Rossiia", 16, "Фонд «Свободная Россия»"),
    ("Fond Svobodnaja Rossija", 16, "Фонд «Свободная Россия»"),
    ("Otkrytaya Rossiya", 9, "Открытая Россия"),
    ("Svobodnyj Idel-Ural", 51, "СВОБОДНЫЙ ИДЕЛЬ-УРАЛ"),
    ("Svobodny Idel Ural", 51, "СВОБОДНЫЙ ИДЕЛЬ-УРАЛ"),
    ("Fond Khodorkovskogo", 37, "Фонд Ходорковского"),
    ("Proyekt Meduza", 73, "Проект Медуза"),
    ("Syezd narodnykh deputatov", 86, "Съезд народных депутатов"),
    ("Yelskiy Universitet", 242, "Йельский Университет"),
    ("Grinpis", 87, "ГРИНПИС"),
    ("Mezhdunarodnaya Amnistiya", 226, "Международная Амнистия Лимитед"),  # legal form too
])
def test_transliterated_spellings_hit_the_russian_name(query, number, matched):
    hit = WatchHit(query, matched, "name_ru", "transliterated")
    assert hits_in_register(query) == {number: hit}


def test_every_original_name_hits_without_its_accents():
    checked = 0
    for entry in ENTRIES:
        for text in entry.name_original:
            plain = "".join(c for c in unicodedata.normalize("NFKD", text)
                            if not unicodedata.combining(c))
            if plain != text and plain.isascii():
                checked += 1
                assert watchlist_hits([plain], entry), (entry.number, plain)
    assert checked >= 20


@pytest.mark.parametrize(("query", "number", "part", "matched"), [
    ("Reporters sans Frontieres", 254, "name_original", "Reporters sans Frontières"),
    ("REPORTERS SANS FRONTIÈRES", 254, "name_original", "Reporters sans Frontières"),
    ("Heinrich Boll Stiftung", 56, "name_original", "Heinrich-Böll-Stiftung e.V."),
    ("Clovek v tisni, o.p.s.", 19, "name_original", "Člověk v tísni, o.p.s"),
    ("Helsinska Fundacja Praw Czlowieka", 252, "name_original",
     "Helsińska Fundacja Praw Człowieka"),
    ("Miljostiftelsen Bellona", 84, "name_original", "Miljøstiftelsen Bellona"),
    ("Фонд имени Генриха Белля", 56, "name_ru", "Фонд имени Генриха Бёлля"),  # ё typed as е
    ('Фонд "Свободная Россия"', 16, "name_ru", "Фонд «Свободная Россия»"),  # other quotes
    ("Фонд „Свободная Россия“", 16, "name_ru", "Фонд «Свободная Россия»"),
    ("Radio Free Europe – Radio Liberty", 142, "name_original", "Radio Free Europe/Radio Liberty"),
    ("Institute for War and Peace Reporting", 397, "name_original",
     "Institute for War & Peace Reporting"),
    # Homoglyphs: the register hides Latin I and a digit 3 in Ukrainian, a Cyrillic е in English.
    ("ГРОМАДСЬКА ОРГАНІЗАЦІЯ «ВІЛЬНИЙ ІДЕЛЬ-УРАЛ»", 51, "name_original",
     "ГРОМАДСЬКА ОРГАНI3АЦIЯ «ВIЛЬНИЙ IДЕЛЬ-УРАЛ»"),
    ("Transparency International", 77, "name_original", "Transparеncy International"),
    ("Медійна ініціатива за права людини", 350, "name_original",
     "Meдiйна iнiцiатива за права людини"),
])
def test_spellings_without_accents_quotes_or_homoglyphs_hit(query, number, part, matched):
    assert hits_in_register(query) == {number: WatchHit(query, matched, part, "folded")}


@pytest.mark.parametrize(("query", "numbers"), [
    ("Bellingcat", {57, 58}),  # «Stichting Bellingcat», «Bellingcat Ltd.»
    ("Medusa Project", {73}),  # «Limited liability company (SIA) «Medusa Project»»
    ("Amnesty International", {226}),  # «Amnesty International Ltd», not «… Förderstiftung …»
    ("Human Rights Watch", {279}),  # «Human Rights Watch, Inc.»
    ("Moscow Times", {177}),  # «The Moscow Times»
    ("Razom", {237}),  # «Razom Inc»
    ("Helpdesk Media", {366}),  # «Helpdesk Media gUG (haftungsbeschränkt)»
    ("Konrad Adenauer Stiftung", {182}),  # «Konrad-Adenauer-Stiftung e.V.»
    ("Greenpeace Council", {87}),  # «Stichting Greenpeace Council»
])
def test_names_hit_without_their_legal_form(query, numbers):
    assert set(hits_in_register(query)) == numbers


@pytest.mark.parametrize("query", [
    "Institute for Democracy and Human Rights",  # shares «Human Rights» with many entries
    "Ingénieurs Sans Frontières",  # shares «sans Frontières» with Reporters sans Frontières
    "Journalistes sans frontières",
    "Human Rights",
    "Human Rights House",  # the start of «Human Rights House Tbilisi», «… Foundation»
    "Open Society",  # «Open Society Foundation»: Foundation is a name, not a legal form
    "Körber",  # «Körber-Stiftung»: Stiftung likewise
    "Helsinki Committee",
    "Amnesty",
    "Memorial",
    "Мемориал",
    "Радио Свобода",  # a part of «Радио Свободная Европа/Радио Свобода»
    "Svoboda",
    "Russia",
    "Россия",
    "Free Russia Forum",  # «Форум свободной России» has no English name in the register
    "Falun Gong",
    "Фонд",
    "Foundation",
    "Stichting",
    "Inc.",
    "The",
    "e.V.",
    "or",  # the acronym OR (Open Russia) matches only as written
    "Or",
    "jf",  # JF: two letters, case-sensitive
    "",
    "   ",
])
def test_generic_words_and_lookalike_names_hit_nothing(query):
    assert hits_in_register(query) == {}


def test_acronyms_match_ignoring_case_from_three_letters():
    assert hits_in_register("OR") == {9: WatchHit("OR", "OR", "acronym", "exact")}
    assert hits_in_register("JF") == {21: WatchHit("JF", "JF", "acronym", "exact")}
    assert hits_in_register("wwf") == {91: WatchHit("wwf", "WWF", "acronym", "folded")}
    assert hits_in_register("rfe/rl") == {142: WatchHit("rfe/rl", "RFE/RL", "acronym", "folded")}
    assert hits_in_register("ЦЛС") == {32: WatchHit("ЦЛС", "ЦЛС", "acronym", "exact")}


def test_one_hit_per_watch_name_in_watchlist_order():
    entry = BY_NUMBER[16]
    hits = watchlist_hits(["Free Russia", "Fond Svobodnaya Rossiya", "Free Russia", "Meduza"],
                          entry)
    assert [(h.query, h.part, h.how) for h in hits] == [
        ("Free Russia", "name_original", "exact"),
        ("Fond Svobodnaya Rossiya", "name_ru", "transliterated")]


def test_an_entry_with_only_a_full_name_still_matches():
    entry = Entry(entry_id="x/1", number=1, name="Bellingcat Ltd., Великобритания")
    assert watchlist_hits(["bellingcat ltd великобритания"], entry)[0].how == "folded"


@pytest.mark.parametrize(("text", "folded"), [
    ("ГРОМАДСЬКА ОРГАНI3АЦIЯ «ВIЛЬНИЙ IДЕЛЬ-УРАЛ»", "громадська організація вільний ідель урал"),
    ("Transparеncy International", "transparency international"),
    ("MIПЛ", "міпл"),  # Latin M and I beside Cyrillic П and Л: the acronym is Cyrillic
    ("КрымSOS", "крымsos"),  # S has no Cyrillic twin: a deliberate mix stays
    ("Артек 3Д", "артек 3д"),  # a 3 not between letters is a digit
    ("Heinrich-Böll-Stiftung e.V.", "heinrich boll stiftung ev"),
    ("U.S. RUSSIA FOUNDATION", "us russia foundation"),
    ("Ассоциация «Вспульнота Польска»", "ассоциация вспульнота польска"),
    ("Объединённый Свободный", "объединенный свободный"),  # ё → е, й stays
    ("International Women’s Media Foundation", "international womens media foundation"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_legal_forms_come_off_the_ends_only_and_never_empty_a_name():
    assert without_legal_forms(fold("Limited liability company (SIA) «Medusa Project»")) == (
        "medusa project")
    assert without_legal_forms(fold("MRR-Fund gemeinnützige UG (haftungsbeschränkt)")) == "mrr fund"
    assert without_legal_forms(fold("Stichting")) == "stichting"
    assert without_legal_forms("inc foundation inc") == "inc foundation"


def test_transliteration_variants_meet():
    spellings = ["Svobodnaya Rossiya", "Svobodnaia Rossiia", "Svobodnaja Rossija",
                 "Свободная Россия", "Svobodnaya Rossia"]
    assert len({transliterate(fold(s)) for s in spellings}) == 1
    assert transliterate(fold("Свободный")) == transliterate(fold("Svobodnyy")) == (
        transliterate(fold("Svobodnyj")))


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_never_leaves_punctuation_or_double_spaces(text):
    folded = fold(text)
    assert folded == " ".join(folded.split())
    assert all(c.isalnum() or c == " " for c in folded)


def test_initials_are_the_capitals_or_the_first_letters_of_the_words():
    assert initials("Demokrati-JA e.V.", OPTIONAL_WORDS) == (("DJA", False),)
    assert initials("Institute of Modern Russia, Inc", OPTIONAL_WORDS) == (("IMR", False),)
    # «с» is a function word; three letters of words in lower case are a weak acronym
    assert initials("Фонд борьбы с коррупцией", OPTIONAL_WORDS) == (("ФБК", True),)
    assert initials("Fédération internationale pour les droits humains", OPTIONAL_WORDS) == (("FIDH", False),)
    assert initials("JX Fund gGmbH", OPTIONAL_WORDS) == (("JXF", False),)  # the legal form is no part of it
    assert initials("The Insider", OPTIONAL_WORDS) == ()  # «I» alone is too short to be an acronym
    assert typed_acronym("DJA") and not typed_acronym("Dja") and not typed_acronym("DJ") and not typed_acronym("D J A")


def test_an_english_name_translates_a_russian_one_word_for_word():
    assert english_words("European Foundation for Journalism in Exile") == (
        "european", "foundation", "journalism", "exile")
    assert english_words("Idel-Ural") == ()  # no glossary word: transliteration does it
    assert english_words("Фонд") == ()
    assert meets("exile", "изгнании") and meets("idel", "идель") and not meets("exile", "изгнать"[:4])
    assert translates(("unity", "freedom"), ("свобода", "единство"))  # in any order
    assert not translates(("unity", "freedom"), ("единство", "свобода", "россии"))  # one to one
    assert english_name("Open Press") and not english_name("JX Fund gGmbH") and not english_name("Bart Marsho")
    assert all(stem == fold(stem) and len(stem) >= 3 for stems in GLOSSARY.values() for stem in stems)

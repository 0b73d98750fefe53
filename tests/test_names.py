"""split_name on every published name we hold, and on a hand-checked table of hard ones."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.register.countries import COUNTRY_CODES, country_code
from pipelines.register.names import NameParts, normalise_whitespace, split_name

SHARED = Path(__file__).resolve().parents[2] / "shared"  # as in conftest.py
COMBINED = SHARED / "data/minjust_undesirable/register_combined.json"
API_ROWS = sorted((SHARED / "fixtures/minjust_undesirable/api").glob("*/rows.json"))


def _combined() -> list[dict]:
    return json.loads(COMBINED.read_text(encoding="utf-8"))


def _register_names() -> list[tuple[str, str]]:
    """(id, name) for every distinct name in the register, as the API and the old page gave it."""
    names: dict[str, str] = {}
    for row in _combined():
        names.setdefault(row["name"], f"row{row['no']}")
        if row.get("name_old_html"):
            names.setdefault(row["name_old_html"], f"row{row['no']}-old-html")
    return [(key, name) for name, key in names.items()]


def _check(key: str, published: str) -> None:
    """The contract on any real name: it splits, and every part is published text."""
    parts = split_name(published)
    text = normalise_whitespace(published)
    unquoted = text.replace("«", "").replace("»", "")
    every = (*parts.name_ru, *parts.name_original, *parts.acronyms)
    for part in every + ((parts.country,) if parts.country else ()):
        assert part and part == normalise_whitespace(part), (key, part)
        assert part in text or part in unquoted, (key, part)
    assert parts.name_ru or parts.name_original, key
    assert bool(parts.country) == bool(parts.country_code), key
    assert parts.country_code == country_code(parts.country), key


def test_sources_are_there():
    assert len(_combined()) == 418
    assert len(API_ROWS) == 2


@pytest.mark.parametrize(
    ("key", "published"), [pytest.param(k, n, id=k) for k, n in _register_names()]
)
def test_every_register_name_splits(key, published):
    _check(key, published)


def test_every_api_fixture_name_splits():
    for path in API_ROWS:
        rows = json.loads(path.read_text(encoding="utf-8"))
        assert len(rows) > 300, path
        for row in rows:
            _check(f"{path.parent.name} row {row['field_1_i']}", row["field_5_s"])


def test_country_coverage():
    # 398 of 418 rows name a country. The 20 without name none at all (checked by
    # reading each): rows 1-7 (the first 2015-2016 listings, US foundations, published
    # without a country), 49 ENEMO, 132 Russian antiwar committee, 159 Feminist Antiwar
    # Resistance, 214 European Leadership Network, 244 «Мир. Прогресс. Права человека»,
    # 260 Civic Solidarity Platform, 320 «Финтех-группа W Group», 358-360 (Harvard
    # institutes), 370 «Голос», 394 CABAR.asia, 397 IWPR.
    with_code = [row["no"] for row in _combined() if split_name(row["name"]).country_code]
    assert len(with_code) >= 398


def test_prefixes_of_real_names_never_raise():
    # Cut names (unbalanced brackets and quotes, dangling separators) stand in for the
    # property-based test hypothesis would give.
    for row in _combined():
        name = row["name"]
        for end in range(0, len(name), 5):
            parts = split_name(name[:end])
            assert all(parts.name_ru + parts.name_original + parts.acronyms)


@pytest.mark.parametrize(
    "published",
    ["", "   ", "(", ")", "«", "»", "«»", "()", ",,,", "(США)", "с 08.11.2017 –", "(((«", "»»))"],
)
def test_degenerate_input_does_not_raise(published):
    assert isinstance(split_name(published), NameParts)


def test_name_parts_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        split_name("Article 19 (Великобритания)").country = ""  # type: ignore[misc]


@given(st.text(alphabet=" a\u00a0\t\n\u2003\u1680\x1f\x85\u2028«", max_size=8))
def test_whitespace_is_normalised_as_split_and_joined_and_a_clean_text_is_itself(text):
    """Its fast path (a printable text without two spaces in a row, nor one at an end) and
    splitting agree: the same text, and the text itself exactly when it is already clean."""
    joined = " ".join(text.split())
    spaced = normalise_whitespace(text)
    assert spaced == joined
    assert (spaced is text) == (joined == text)


def test_normalise_whitespace():
    assert normalise_whitespace("  a\u00a0 b\n\r\n\t\tc  ") == "a b c"
    assert normalise_whitespace("") == ""


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("США", "US"),
        ("Соединенные Штаты Америки", "US"),
        ("Соединённые  Штаты\u00a0Америки", "US"),
        ("ФРГ", "DE"),
        ("Федеративная Республика Германия", "DE"),
        ("Германия", "DE"),
        ("Королевство Нидерландов", "NL"),
        ("Королевство Нидерланды", "NL"),
        ("Литовская республика", "LT"),
        ("Французская Республика", "FR"),
        ("Турецкая Республика", "TR"),
        ("Черногория", "ME"),
        ("Монголия", "MN"),
        ("Соединенное Королевство Великобритании  и Северной Ирландии", "GB"),
        ("Королевство Дания.", "DK"),
        ("Великое Герцогство Люксембург", "LU"),
        ("Княжество Лихтенштейн", "LI"),
        ("Украина", "UA"),
        ("Новая Украина", ""),
        ("Лондон", ""),
        ("", ""),
    ],
)
def test_country_code(name, code):
    assert country_code(name) == code


def test_country_table_is_alpha2():
    assert all(len(code) == 2 and code.isupper() for code in COUNTRY_CODES.values())


# Each row read by hand: (row, published, name_ru, name_original, acronyms, country, code).
# The comment says what makes the row hard; the rules are in pipelines/names.py.
HAND_CHECKED = [
    (  # 1: Russian first, original in brackets, no country
        1,
        '«Национальный фонд в поддержку демократии» (The National Endowment for Democracy)',
        ('Национальный фонд в поддержку демократии',),
        ('The National Endowment for Democracy',),
        (),
        '', '',
    ),
    (  # 8: two original names split by a top-level comma
        8,
        'Open Russia Civic Movement, Open Russia (Общественное сетевое движение «Открытая Россия») (Великобритания)',
        ('Общественное сетевое движение «Открытая Россия»',),
        ('Open Russia Civic Movement', 'Open Russia'),
        (),
        'Великобритания', 'GB',
    ),
    (  # 9: acronym first; a later name «(с 08.11.2017 – …)» after the country is an original name
        9,
        'OR (Otkrytaya Rossia) («Открытая Россия») (Великобритания) (с 08.11.2017 – HUMAN RIGHTS PROJECT MANAGEMENT)',
        ('Открытая Россия',),
        ('Otkrytaya Rossia', 'HUMAN RIGHTS PROJECT MANAGEMENT'),
        ('OR',),
        'Великобритания', 'GB',
    ),
    (  # 10: «, Inc» is part of the name, not a new one
        10,
        'Institute of Modern Russia, Inc («Институт современной России») (США)',
        ('Институт современной России',),
        ('Institute of Modern Russia, Inc',),
        (),
        'США', 'US',
    ),
    (  # 19: comma inside «»; Czech diacritics
        19,
        '«Člověk v tísni, o.p.s» («People In Need», «Человек в беде») (Чешская Республика)',
        ('Человек в беде',),
        ('Člověk v tísni, o.p.s', 'People In Need'),
        (),
        'Чешская Республика', 'CZ',
    ),
    (  # 21: empty item between «(JF), («»
        21,
        'The Jamestown foundation (JF), («Джеймстаунский фонд») (Соединенные Штаты Америки)',
        ('Джеймстаунский фонд',),
        ('The Jamestown foundation',),
        ('JF',),
        'Соединенные Штаты Америки', 'US',
    ),
    (  # 23: nested quotes closed by one merged »
        23,
        'Dragon Springs Buddhist Inc. («Буддистское сообщество «Родники дракона») (США)',
        ('Буддистское сообщество «Родники дракона»',),
        ('Dragon Springs Buddhist Inc.',),
        (),
        'США', 'US',
    ),
    (  # 25: nested quotes closed by one merged »
        25,
        'The European Falun Dafa Association («Европейская ассоциация «Фалунь Дафа») (Великобритания)',
        ('Европейская ассоциация «Фалунь Дафа»',),
        ('The European Falun Dafa Association',),
        (),
        'Великобритания', 'GB',
    ),
    (  # 34: quoted Russian acronym
        34,
        'Deutsch-Russischer Austausch e.V. («Немецко-русский обмен», «НРО») (ФРГ)',
        ('Немецко-русский обмен',),
        ('Deutsch-Russischer Austausch e.V.',),
        ('НРО',),
        'ФРГ', 'DE',
    ),
    (  # 40: «, Z.S.» legal form; commas inside «»
        40,
        'Spolecnost Svobody Informace, Z.S. («Компания свободы информации, з.с.», «Общество свободы информации, з.с.») (Чешская Республика)',
        ('Компания свободы информации, з.с.', 'Общество свободы информации, з.с.'),
        ('Spolecnost Svobody Informace, Z.S.',),
        (),
        'Чешская Республика', 'CZ',
    ),
    (  # 43: Ukrainian with Latin i and Є
        43,
        'Духовне Управлiння Євангельських Християн Української Християнської Церкви «Нове Поколiння» (Духовное Управление Евангельских Христиан Украинской Христианской Церкви «Новое Поколение») (Украина)',
        ('Духовное Управление Евангельских Христиан Украинской Христианской Церкви «Новое Поколение»',),
        ('Духовне Управлiння Євангельських Християн Української Християнської Церкви «Нове Поколiння»',),
        (),
        'Украина', 'UA',
    ),
    (  # 45: Ukrainian with Cyrillic і
        45,
        'Духовний Навчальний Заклад Міжнародний Біблійний Коледж «Нове Покоління» (Духовное Учебное Заведение Международный Библейский Колледж «Новое Поколение») (Украина)',
        ('Духовное Учебное Заведение Международный Библейский Колледж «Новое Поколение»',),
        ('Духовний Навчальний Заклад Міжнародний Біблійний Коледж «Нове Покоління»',),
        (),
        'Украина', 'UA',
    ),
    (  # 48: unclosed bracket; «использующая также наименование» lead-in; country in nested brackets
        48,
        'CHURCH OF SPIRITUAL TECHNOLOGY (Church of Spiritual Technology, CST, «Церковь Духовной Технологии», использующая также наименование «L. Ron Hubbard Library» («Библиотека Л. Рона Хаббарда») (США)',
        ('Церковь Духовной Технологии', 'Библиотека Л. Рона Хаббарда'),
        ('CHURCH OF SPIRITUAL TECHNOLOGY', 'Church of Spiritual Technology', 'L. Ron Hubbard Library'),
        ('CST',),
        'США', 'US',
    ),
    (  # 51: digit 3 for З kept as published; acronym plus quoted short form
        51,
        '«ГРОМАДСЬКА ОРГАНI3АЦIЯ «ВIЛЬНИЙ IДЕЛЬ-УРАЛ» (ГО «IДЕЛЬ») («СВОБОДНЫЙ ИДЕЛЬ-УРАЛ», «Свободный Идель-Урал») (Украина)',
        ('СВОБОДНЫЙ ИДЕЛЬ-УРАЛ', 'Свободный Идель-Урал'),
        ('ГРОМАДСЬКА ОРГАНI3АЦIЯ «ВIЛЬНИЙ IДЕЛЬ-УРАЛ»',),
        ('ГО «IДЕЛЬ»',),
        'Украина', 'UA',
    ),
    (  # 55: all-caps Ukrainian and English names
        55,
        '«ГРОМАДСЬКА ОРГАНIЗАЦIЯ «КРИМСЬКА ПРАВОЗАХИСНА ГРУПА» (CRIMEAN HUMAN RIGHT, «КРЫМСКАЯ ПРАВОЗАЩИТНАЯ ГРУППА») (Украина)',
        ('КРЫМСКАЯ ПРАВОЗАЩИТНАЯ ГРУППА',),
        ('ГРОМАДСЬКА ОРГАНIЗАЦIЯ «КРИМСЬКА ПРАВОЗАХИСНА ГРУПА»', 'CRIMEAN HUMAN RIGHT'),
        (),
        'Украина', 'UA',
    ),
    (  # 61: country without a comma after the brackets
        61,
        '«Фонд Открытой Эстонии» (Avatud Eesti Fond SA, Open Estonia Foundation) Эстонская Республика',
        ('Фонд Открытой Эстонии',),
        ('Avatud Eesti Fond SA', 'Open Estonia Foundation'),
        (),
        'Эстонская Республика', 'EE',
    ),
    (  # 69: Ukrainian with Latin I, inner quote closed inside
        69,
        '«БЛАГОДIЙНИЙ ФОНД «ВIДРОДЖЕННЯ» ВОЛОДИМИРА МУНТЯНА» («Благотворительный фонд «Возрождение» Владимира Мунтяна») (Украина)',
        ('Благотворительный фонд «Возрождение» Владимира Мунтяна',),
        ('БЛАГОДIЙНИЙ ФОНД «ВIДРОДЖЕННЯ» ВОЛОДИМИРА МУНТЯНА',),
        (),
        'Украина', 'UA',
    ),
    (  # 70: three opening quotes, one closing
        70,
        '«РЕЛIГIЙНА ОРГАНIЗАЦIЯ «ВСЕУКРАIНСЬКИЙ ДУХОВНИЙ ЦЕНТР «ВIДРОДЖЕННЯ» («Религиозная организация «Всеукраинский духовный центр «Возрождение») (Украина)',
        ('Религиозная организация «Всеукраинский духовный центр «Возрождение»',),
        ('РЕЛIГIЙНА ОРГАНIЗАЦIЯ «ВСЕУКРАIНСЬКИЙ ДУХОВНИЙ ЦЕНТР «ВIДРОДЖЕННЯ»',),
        (),
        'Украина', 'UA',
    ),
    (  # 73: «(SIA) «…»» binds the name together; SIA still an acronym
        73,
        'Limited liability company (SIA) «Medusa Project» («Проект Медуза»), Латвийская Республика',
        ('Проект Медуза',),
        ('Limited liability company (SIA) «Medusa Project»',),
        ('SIA',),
        'Латвийская Республика', 'LV',
    ),
    (  # 77: homoglyph: Cyrillic е inside a Latin word, kept as published
        77,
        '«Transparеncy International», Федеративная Республика Германия',
        (),
        ('Transparеncy International',),
        (),
        'Федеративная Республика Германия', 'DE',
    ),
    (  # 80: mixed-script quoted name is a name, not an acronym
        80,
        '«КрымSOS» (CrimeaSOS) (Украина)',
        ('КрымSOS',),
        ('CrimeaSOS',),
        (),
        'Украина', 'UA',
    ),
    (  # 87: «ГРИНПИС» is a 7-letter word, a name
        87,
        'Greenpeace International (Stichting Greenpeace Council) («Гринпис Интернешнл», «Фонд Гринпис Совет», «ГРИНПИС») (Нидерланды)',
        ('Гринпис Интернешнл', 'Фонд Гринпис Совет', 'ГРИНПИС'),
        ('Greenpeace International', 'Stichting Greenpeace Council'),
        (),
        'Нидерланды', 'NL',
    ),
    (  # 91: quoted Latin acronym
        91,
        '«World Wide Fund for Nature» («World Wildlife Fund», «WWF», «Всемирный фонд природы») (Швейцария)',
        ('Всемирный фонд природы',),
        ('World Wide Fund for Nature', 'World Wildlife Fund'),
        ('WWF',),
        'Швейцария', 'CH',
    ),
    (  # 104: acronym after a top-level comma
        104,
        'Conflict Intelligence Team, CIT («Сетевое объединение журналистов расследователей»), Украина',
        ('Сетевое объединение журналистов расследователей',),
        ('Conflict Intelligence Team',),
        ('CIT',),
        'Украина', 'UA',
    ),
    (  # 105: Ukrainian original; «МОД «АЛЛАТРА»» is a form plus a name, so a name
        105,
        'Громадська Спiлка «Мiжнародний Громадський Рух «АЛЛАТРА» (Общественный Союз «Международное Общественное Движение «Аллатра», Международное общественное движение «АЛЛАТРА», «МОД «АЛЛАТРА», «АллатРа») (Украина)',
        ('Общественный Союз «Международное Общественное Движение «Аллатра»', 'Международное общественное движение «АЛЛАТРА»', 'МОД «АЛЛАТРА»', 'АллатРа'),
        ('Громадська Спiлка «Мiжнародний Громадський Рух «АЛЛАТРА»',),
        (),
        'Украина', 'UA',
    ),
    (  # 108: «Центр «Uralic»» is Russian: the words before the inner quote decide
        108,
        'URALIC Keskus MTÜ (URALIC Centre of Indigenous Peoples, MTÜ Polisrahvaste Arengu Keskus, «Центр «Uralic», «Центр развития коренных народов») (Эстония)',
        ('Центр «Uralic»', 'Центр развития коренных народов'),
        ('URALIC Keskus MTÜ', 'URALIC Centre of Indigenous Peoples', 'MTÜ Polisrahvaste Arengu Keskus'),
        (),
        'Эстония', 'EE',
    ),
    (  # 110: a city after the country is dropped
        110,
        '«Международная федерация транспортных рабочих» («International Transport Workers Federation»), Великобритания, Лондон',
        ('Международная федерация транспортных рабочих',),
        ('International Transport Workers Federation',),
        (),
        'Великобритания', 'GB',
    ),
    (  # 116: «(ZOiS) gGmbH»: the legal form after the bracket belongs to the name
        116,
        'Zentrum fur Osteuropa – und internationale Studien (ZOiS) gGmbH («Центр восточноевропейских и международных исследований»), ФРГ',
        ('Центр восточноевропейских и международных исследований',),
        ('Zentrum fur Osteuropa – und internationale Studien (ZOiS) gGmbH',),
        ('ZOiS',),
        'ФРГ', 'DE',
    ),
    (  # 117: country after the brackets, no comma
        117,
        'Wachtturm Bible und Traktat Gesellschaft der Zeugen Jehovas («Общество Сторожевой башни, Библии и трактатов Свидетелей Иеговы Зельтерс/Таунус») Германия',
        ('Общество Сторожевой башни, Библии и трактатов Свидетелей Иеговы Зельтерс/Таунус',),
        ('Wachtturm Bible und Traktat Gesellschaft der Zeugen Jehovas',),
        (),
        'Германия', 'DE',
    ),
    (  # 118: Ukrainian Є and Latin i
        118,
        'Релiгiйна органiзацiя «Релiгiйний Центр Свiдкiв Єгови в Українi» («Религиозный центр «Свидетелей Иеговы» в Украине»), Украина',
        ('Религиозный центр «Свидетелей Иеговы» в Украине',),
        ('Релiгiйна органiзацiя «Релiгiйний Центр Свiдкiв Єгови в Українi»',),
        (),
        'Украина', 'UA',
    ),
    (  # 142: slashes inside names and acronyms
        142,
        'Radio Free Europe/Radio Liberty (RFE/RL) («Радио Свободная Европа/Радио Свобода», «РСЕ/РС») (США)',
        ('Радио Свободная Европа/Радио Свобода',),
        ('Radio Free Europe/Radio Liberty',),
        ('RFE/RL', 'РСЕ/РС'),
        'США', 'US',
    ),
    (  # 156: Ukrainian without і/ї/є (Громадянських)
        156,
        'Center for Civil Liberties («Центр Громадянських Свобод», «Общественная организация «Центр Гражданских Свобод») (Украина)',
        ('Общественная организация «Центр Гражданских Свобод»',),
        ('Center for Civil Liberties', 'Центр Громадянських Свобод'),
        (),
        'Украина', 'UA',
    ),
    (  # 162: Cyrillic ККК in a Latin name: one original name
        162,
        'ККК - Stop Occupation of Karelia, Эстонская Республика',
        (),
        ('ККК - Stop Occupation of Karelia',),
        (),
        'Эстонская Республика', 'EE',
    ),
    (  # 166: Ukrainian ï; double spaces
        166,
        '«Лiберально-демократична Лiга Украïни»  (Liberal Democratic League of Ukraine,  «Либерально-демократическая Лига Украины») (Украина)',
        ('Либерально-демократическая Лига Украины',),
        ('Лiберально-демократична Лiга Украïни', 'Liberal Democratic League of Ukraine'),
        (),
        'Украина', 'UA',
    ),
    (  # 169: ampersand, slash acronym
        169,
        'International Russian Radio & Television (IRR/TV, «Международное русское радио и телевидение») (Финляндия)',
        ('Международное русское радио и телевидение',),
        ('International Russian Radio & Television',),
        ('IRR/TV',),
        'Финляндия', 'FI',
    ),
    (  # 171: en dashes inside names
        171,
        'Dekoder – gGmbH  (Dekoder – gGesselschaft mbH, Dekoder), ФРГ',
        (),
        ('Dekoder – gGmbH', 'Dekoder – gGesselschaft mbH', 'Dekoder'),
        (),
        'ФРГ', 'DE',
    ),
    (  # 189: a quoted Russian name right after a bracket group
        189,
        'Belsat (Belsat TV, Belarusian Satellite) «Белсат» («Белсат ТВ», «Белорусское спутниковое»), Республика Польша',
        ('Белсат', 'Белсат ТВ', 'Белорусское спутниковое'),
        ('Belsat', 'Belsat TV', 'Belarusian Satellite'),
        (),
        'Республика Польша', 'PL',
    ),
    (  # 190: «Фонд 24.02» has no Ukrainian letter, so Russian
        190,
        'Благодiйна органiзацiя «Фонд 24.02» (Фонд 24.02, Charitable organization «Fund 24.02», Fund 24.02, Благотворительная организация «Фонд 24.02») (Украина)',
        ('Фонд 24.02', 'Благотворительная организация «Фонд 24.02»'),
        ('Благодiйна органiзацiя «Фонд 24.02»', 'Charitable organization «Fund 24.02»', 'Fund 24.02'),
        (),
        'Украина', 'UA',
    ),
    (  # 194: «другое используемое наименование:» lead-in; Ukrainian людини without і
        194,
        '«Центр iнформацiï про права людини» («Центр информации о правах человека»), другое используемое наименование: «Центр прав людини ZMINA» («Центр прав человека ЗМИНА») (Украина)',
        ('Центр информации о правах человека', 'Центр прав человека ЗМИНА'),
        ('Центр iнформацiï про права людини', 'Центр прав людини ZMINA'),
        (),
        'Украина', 'UA',
    ),
    (  # 207: private-use character published inside the word, kept
        207,
        'Associa\uf50dão de russos livres («Ассоциация свободных россиян») (Португальская Республика)',
        ('Ассоциация свободных россиян',),
        ('Associa\uf50dão de russos livres',),
        (),
        'Португальская Республика', 'PT',
    ),
    (  # 208: Serbian Cyrillic (друштво) is an original name
        208,
        'Руско демократско друштво (Russian Democratic Society, «Российское демократическое общество», «РДО») (Республика Сербия)',
        ('Российское демократическое общество',),
        ('Руско демократско друштво', 'Russian Democratic Society'),
        ('РДО',),
        'Республика Сербия', 'RS',
    ),
    (  # 209: «сокращенное наименование X» makes X an acronym
        209,
        'Alliance of Liberals and Democrats for Europe Party, сокращенное наименование ALDE Party («Партия «Альянс демократов и либералов  за Европу», «Партия «АЛДЕ») (Бельгия)',
        ('Партия «Альянс демократов и либералов за Европу»', 'Партия «АЛДЕ»'),
        ('Alliance of Liberals and Democrats for Europe Party',),
        ('ALDE Party',),
        'Бельгия', 'BE',
    ),
    (  # 211: full stop after the country
        211,
        'Rasmussen Global (Rasmussen Global Consulting, «Расмуссен Глобал», «Расмуссен Глобал Консалтинг»), Королевство Дания.',
        ('Расмуссен Глобал', 'Расмуссен Глобал Консалтинг'),
        ('Rasmussen Global', 'Rasmussen Global Consulting'),
        (),
        'Королевство Дания', 'DK',
    ),
    (  # 213: apostrophe ʼ; a lower-case piece after a comma continues the name
        213,
        'Pour lʼUkraine, pour leur liberté et la nôtre!  («За Украину, за их и за нашу свободу!») (Французская Республика)',
        ('За Украину, за их и за нашу свободу!',),
        ('Pour lʼUkraine, pour leur liberté et la nôtre!',),
        (),
        'Французская Республика', 'FR',
    ),
    (  # 226: all-caps names in both scripts are names
        226,
        'Amnesty International Ltd (AMNESTY INTERNATIONAL LIMITED) («Международная Амнистия Лимитед», «МЕЖДУНАРОДНАЯ АМНИСТИЯ ЛИМИТЕД»), Великобритания',
        ('Международная Амнистия Лимитед', 'МЕЖДУНАРОДНАЯ АМНИСТИЯ ЛИМИТЕД'),
        ('Amnesty International Ltd', 'AMNESTY INTERNATIONAL LIMITED'),
        (),
        'Великобритания', 'GB',
    ),
    (  # 232: all-caps names; acronyms in both scripts
        232,
        'ASSOCIATION INSTITUT FÜR DIE WISSENSCHAFTEN VOM MENSCHEN (IWM) (АССОЦИАЦИЯ «ИНСТИТУТ ГУМАНИТАРНЫХ НАУК», ИГН, «Институт наук о человеке»), Австрия',
        ('АССОЦИАЦИЯ «ИНСТИТУТ ГУМАНИТАРНЫХ НАУК»', 'Институт наук о человеке'),
        ('ASSOCIATION INSTITUT FÜR DIE WISSENSCHAFTEN VOM MENSCHEN',),
        ('IWM', 'ИГН'),
        'Австрия', 'AT',
    ),
    (  # 233: double space; Mongolia
        233,
        'No war  («Нет войне», «Антивоенное движение No war»), Монголия',
        ('Нет войне', 'Антивоенное движение No war'),
        ('No war',),
        (),
        'Монголия', 'MN',
    ),
    (  # 238: backtick apostrophe
        238,
        'Sex Worker`s Rights Advocacy Network («Сеть по защите прав  секс-работников»), Венгрия',
        ('Сеть по защите прав секс-работников',),
        ('Sex Worker`s Rights Advocacy Network',),
        (),
        'Венгрия', 'HU',
    ),
    (  # 243: Cyrillic і in a quoted Ukrainian name
        243,
        '«Благодійний фонд «Армія SOS» («Благотворительный фонд «Армия СОС», Army SOS), Украина',
        ('Благотворительный фонд «Армия СОС»',),
        ('Благодійний фонд «Армія SOS»', 'Army SOS'),
        (),
        'Украина', 'UA',
    ),
    (  # 244: brackets and commas inside quotes; no country
        244,
        '«Гражданское сетевое движение «Мир. Прогресс. Права человека» («Гражданское сетевое (общественное, демократическое) движение «Мир. Прогресс. Права человека»)',
        ('Гражданское сетевое движение «Мир. Прогресс. Права человека»', 'Гражданское сетевое (общественное, демократическое) движение «Мир. Прогресс. Права человека»'),
        (),
        (),
        '', '',
    ),
    (  # 250: ASCII quotes inside «»
        250,
        'International House World Organisation («Всемирная организация "Международный дом"»), Великобритания',
        ('Всемирная организация "Международный дом"',),
        ('International House World Organisation',),
        (),
        'Великобритания', 'GB',
    ),
    (  # 255: German list with «und» across a top-level comma
        255,
        'Stiftung Erinnerung, Verantwortung und Zukunft e.V (EVZ, Фонд «Память, ответственность и будущее»), Германия',
        ('Фонд «Память, ответственность и будущее»',),
        ('Stiftung Erinnerung, Verantwortung und Zukunft e.V',),
        ('EVZ',),
        'Германия', 'DE',
    ),
    (  # 270: stray closing quote: the first « opened two quotes
        270,
        'CORRECTIV – Recherchen für die Gesellschaft gemeinnützige GmbH («КОРРЕКТИВ» – расследования для общества»), ФРГ',
        ('«КОРРЕКТИВ» – расследования для общества',),
        ('CORRECTIV – Recherchen für die Gesellschaft gemeinnützige GmbH',),
        (),
        'ФРГ', 'DE',
    ),
    (  # 271: country in brackets after a comma
        271,
        'The International Center for Journalists (ICFJ, «Международный центр для журналистов»), (США)',
        ('Международный центр для журналистов',),
        ('The International Center for Journalists',),
        ('ICFJ',),
        'США', 'US',
    ),
    (  # 284: IMKANDER (8 letters) is a name
        284,
        'IMKANDER («Ассоциация защиты человека и братства Imkander», «Общество защиты человека и братства»), Турецкая Республика',
        ('Ассоциация защиты человека и братства Imkander', 'Общество защиты человека и братства'),
        ('IMKANDER',),
        (),
        'Турецкая Республика', 'TR',
    ),
    (  # 290: Russian descriptor plus a Latin brand: majority Cyrillic, so Russian
        290,
        'медиакорпорация Deutsche Welle («Немецкая волна»), Федеративная Республика Германия',
        ('медиакорпорация Deutsche Welle', 'Немецкая волна'),
        (),
        (),
        'Федеративная Республика Германия', 'DE',
    ),
    (  # 305: English list with commas across the top level
        305,
        'The International Lesbian, Gay, Bisexual, Trans and Intersex Association (ILGA World, «Международная ассоциация лесбиянок, геев, бисексуалов, трансгендеров и интерсексуалов»), Швейцарская Конфедерация',
        ('Международная ассоциация лесбиянок, геев, бисексуалов, трансгендеров и интерсексуалов',),
        ('The International Lesbian, Gay, Bisexual, Trans and Intersex Association', 'ILGA World'),
        (),
        'Швейцарская Конфедерация', 'CH',
    ),
    (  # 307: NBSP; acronym with quotes
        307,
        'MTÜ «SAB UA» (MTÜ\xa0«Support Ukrainian Army»), Эстонская Республика',
        (),
        ('MTÜ «Support Ukrainian Army»',),
        ('MTÜ «SAB UA»',),
        'Эстонская Республика', 'EE',
    ),
    (  # 310: country as the last item inside the only brackets; NBSP
        310,
        'RUHelp («РУХелп»,\xa0Великое Герцогство Люксембург)',
        ('РУХелп',),
        ('RUHelp',),
        (),
        'Великое Герцогство Люксембург', 'LU',
    ),
    (  # 311: country inside the brackets; Russian legal form ООО
        311,
        'Artec 3D (Artec Europe S.A.R.L., «Артек 3Д», ООО «Артек Европа», Великое Герцогство Люксембург)',
        ('Артек 3Д', 'ООО «Артек Европа»'),
        ('Artec 3D', 'Artec Europe S.A.R.L.'),
        (),
        'Великое Герцогство Люксембург', 'LU',
    ),
    (  # 318: «или» separates two names
        318,
        'Canadian Fund for Local Initiatives\xa0(«Канадский фонд местных инициатив» или «Канадский фонд локальных инициатив»), Канада',
        ('Канадский фонд местных инициатив', 'Канадский фонд локальных инициатив'),
        ('Canadian Fund for Local Initiatives',),
        (),
        'Канада', 'CA',
    ),
    (  # 320: no brackets, no country
        320,
        'Финтех-группа W Group',
        ('Финтех-группа W Group',),
        (),
        (),
        '', '',
    ),
    (  # 322: typographic apostrophe; NBSP
        322,
        'International Women’s Media Foundation\xa0(IWMF, «Международный фонд женщин, работающих в СМИ», «Международный женский медиа-фонд»), США',
        ('Международный фонд женщин, работающих в СМИ', 'Международный женский медиа-фонд'),
        ('International Women’s Media Foundation',),
        ('IWMF',),
        'США', 'US',
    ),
    (  # 328: «;» ends an unclosed quote
        328,
        '«RISE Moldova» (Asociaţia Obştească «Associaţia Reporterilor de Investigaţie ši Securitate Editorială din Moldova; «Ассоциация  репортеров-расследователей и редакционной безопасности»), Республика Молдова',
        ('Ассоциация репортеров-расследователей и редакционной безопасности',),
        ('RISE Moldova', 'Asociaţia Obştească «Associaţia Reporterilor de Investigaţie ši Securitate Editorială din Moldova'),
        (),
        'Республика Молдова', 'MD',
    ),
    (  # 331: Cyrillic acronym
        331,
        'Japan International Cooperation Agency (ЛСА, Японское агентство  по международному сотрудничеству), Япония',
        ('Японское агентство по международному сотрудничеству',),
        ('Japan International Cooperation Agency',),
        ('ЛСА',),
        'Япония', 'JP',
    ),
    (  # 337: two original names at the top level; ď
        337,
        'European prison litigation network, Réseau européen  de recherche et ďaction en contentieux pénitentiaire («Европейская сеть  по судебной защите прав заключенных», «Европейская сеть исследований и судебных разбирательств в системе пенитенциарных учреждений», «Европейская сеть судебных разбирательств в тюрьмах»), Французская Республика',
        ('Европейская сеть по судебной защите прав заключенных', 'Европейская сеть исследований и судебных разбирательств в системе пенитенциарных учреждений', 'Европейская сеть судебных разбирательств в тюрьмах'),
        ('European prison litigation network', 'Réseau européen de recherche et ďaction en contentieux pénitentiaire'),
        (),
        'Французская Республика', 'FR',
    ),
    (  # 338: RASA-America is not mostly capitals, so a name
        338,
        'Russian-American Science Association (Russian-speaking Academic Science Association, RASA, RASA-USA,  RASA-America, «Российско-Американская ассоциация ученых», «Российско-Американская научная ассоциация»), США',
        ('Российско-Американская ассоциация ученых', 'Российско-Американская научная ассоциация'),
        ('Russian-American Science Association', 'Russian-speaking Academic Science Association', 'RASA-America'),
        ('RASA', 'RASA-USA'),
        'США', 'US',
    ),
    (  # 339: single-word continuation after a comma
        339,
        'University of California, Berkeley (UC Berkeley, «Калифорнийский университет в Беркли»), США',
        ('Калифорнийский университет в Беркли',),
        ('University of California, Berkeley', 'UC Berkeley'),
        (),
        'США', 'US',
    ),
    (  # 350: Ukrainian written with Latin M, e, i inside Cyrillic words; mixed-script acronym
        350,
        '«Meдiйна iнiцiатива за права людини» (MIПЛ, Media initiative for human rights, «Медийная инициатива за права человека»), Украина',
        ('Медийная инициатива за права человека',),
        ('Meдiйна iнiцiатива за права людини', 'Media initiative for human rights'),
        ('MIПЛ',),
        'Украина', 'UA',
    ),
    (  # 352: Cyrillic acronym for OMCT
        352,
        'World Organisation Against Torture (Organisation Mondiale Contre la Torture, ОМСТ, «Всемирная организация против пыток»), Швейцарская Конфедерация',
        ('Всемирная организация против пыток',),
        ('World Organisation Against Torture', 'Organisation Mondiale Contre la Torture'),
        ('ОМСТ',),
        'Швейцарская Конфедерация', 'CH',
    ),
    (  # 353: typographic apostrophe
        353,
        'Association Internationale d’Avocats Russes (International Association of Russian Advocates, «Международная ассоциация российских адвокатов»), Французская Республика',
        ('Международная ассоциация российских адвокатов',),
        ('Association Internationale d’Avocats Russes', 'International Association of Russian Advocates'),
        (),
        'Французская Республика', 'FR',
    ),
    (  # 365: Cyrillic Ҫ in a Turkish name; dotless ı
        365,
        'Ҫeҫen Kafkas Muhacirlerı Ardımlaşma ve Dayanışma Derneği (Kafkas\xa0derneği,\xa0Kafkasder, «Ассоциация взаимопомощи и солидарности чеченских кавказских мухаджиров», «Кавказдер», «Кавказская ассоциация\xa0«Кавказдер»), Турецкая Республика',
        ('Ассоциация взаимопомощи и солидарности чеченских кавказских мухаджиров', 'Кавказдер', 'Кавказская ассоциация «Кавказдер»'),
        ('Ҫeҫen Kafkas Muhacirlerı Ardımlaşma ve Dayanışma Derneği', 'Kafkas derneği', 'Kafkasder'),
        (),
        'Турецкая Республика', 'TR',
    ),
    (  # 366: «(haftungsbeschränkt)» qualifier stays in the name
        366,
        'Helpdesk Media gUG (haftungsbeschränkt) («Некоммерческое предпринимательское общество с ограниченной ответственностью «Медиа-служба поддержки», «Медиа-служба поддержки», МСП), Федеративная Республика Германия',
        ('Некоммерческое предпринимательское общество с ограниченной ответственностью «Медиа-служба поддержки»', 'Медиа-служба поддержки'),
        ('Helpdesk Media gUG (haftungsbeschränkt)',),
        ('МСП',),
        'Федеративная Республика Германия', 'DE',
    ),
    (  # 368: comma inside an English name; ARCTICenter is too long for an acronym
        368,
        'The Arctic, Remote and Cold Territories Interdisciplinary Center at the University of Northern Iowa (ARCTICenter, «Центр междисциплинарных исследований Арктики, отдаленных и холодных территорий», «Арктический центр при Университете Северной Айовы»), Соединенные Штаты Америки',
        ('Центр междисциплинарных исследований Арктики, отдаленных и холодных территорий', 'Арктический центр при Университете Северной Айовы'),
        ('The Arctic, Remote and Cold Territories Interdisciplinary Center at the University of Northern Iowa', 'ARCTICenter'),
        (),
        'Соединенные Штаты Америки', 'US',
    ),
    (  # 370: nested quotes, no brackets, no country
        370,
        'Международное общественное движение «В защиту прав избирателей «Голос»',
        ('Международное общественное движение «В защиту прав избирателей «Голос»',),
        (),
        (),
        '', '',
    ),
    (  # 377: Ukraine in a name is not the country
        377,
        'Nova Ukraine («Новая Украина»), Соединенные Штаты Америки',
        ('Новая Украина',),
        ('Nova Ukraine',),
        (),
        'Соединенные Штаты Америки', 'US',
    ),
    (  # 378: G.e.V. is an acronym
        378,
        'Geradeaus e.V. (G.e.V., StraightForward Foundation, SFF, «Зарегистрированное объединение «Напрямик», Фонд «Прямо вперед»), Федеративная Республика Германия',
        ('Зарегистрированное объединение «Напрямик»', 'Фонд «Прямо вперед»'),
        ('Geradeaus e.V.', 'StraightForward Foundation'),
        ('G.e.V.', 'SFF'),
        'Федеративная Республика Германия', 'DE',
    ),
    (  # 390: the example from the brief
        390,
        'The Remembrance Society (Remembrance society, TRS, «Общество памяти»), Соединенные Штаты Америки',
        ('Общество памяти',),
        ('The Remembrance Society', 'Remembrance society'),
        ('TRS',),
        'Соединенные Штаты Америки', 'US',
    ),
    (  # 393: Montenegro
        393,
        'Faculty of Liberal Arts and Sciences (FLAS, FLAaS, «Факультет свободных искусств и наук»), Черногория',
        ('Факультет свободных искусств и наук',),
        ('Faculty of Liberal Arts and Sciences',),
        ('FLAS', 'FLAaS'),
        'Черногория', 'ME',
    ),
    (  # 396: Ukrainian ï
        396,
        'Razom We Stand (Громадська органiзацiя «Стоïмо Разом», Общественная организация «Стоим вместе», «Вместе Мы стоим»), Украина',
        ('Общественная организация «Стоим вместе»', 'Вместе Мы стоим'),
        ('Razom We Stand', 'Громадська органiзацiя «Стоïмо Разом»'),
        (),
        'Украина', 'UA',
    ),
    (  # 401: slash with a space; acronym with a hyphen
        401,
        'Stichting Institute for War & Peace Reporting/ The Netherlands (Stichting IWPR/ The Netherlands, IWPR-NL, Stichting IWPR, Фонд «Институт по освещению войны и мира/Нидерланды»), Королевство Нидерландов',
        ('Фонд «Институт по освещению войны и мира/Нидерланды»',),
        ('Stichting Institute for War & Peace Reporting/ The Netherlands', 'Stichting IWPR/ The Netherlands', 'Stichting IWPR'),
        ('IWPR-NL',),
        'Королевство Нидерландов', 'NL',
    ),
    (  # 407: English country qualifier kept inside names and acronyms
        407,
        'Institute for War & Peace Reporting (The United States of America) (IWPR (USA), IWPR (US), «Институт по освещению войны и мира»), Соединенные Штаты Америки',
        ('Институт по освещению войны и мира',),
        ('Institute for War & Peace Reporting (The United States of America)',),
        ('IWPR (USA)', 'IWPR (US)'),
        'Соединенные Штаты Америки', 'US',
    ),
    (  # 408: English country qualifier kept inside the name
        408,
        'Institute for War and Peace Reporting (United Kingdom) (IWPR UK, «Институт по освещению войны и мира»), Соединенное Королевство Великобритании и Северной Ирландии',
        ('Институт по освещению войны и мира',),
        ('Institute for War and Peace Reporting (United Kingdom)',),
        ('IWPR UK',),
        'Соединенное Королевство Великобритании и Северной Ирландии', 'GB',
    ),
    (  # 410: two-word acronym
        410,
        'Russian Democratic Society (Russian Democratic Society CIC, RDSGB, GBRDS CIC, «Российское демократическое общество»), Великобритания',
        ('Российское демократическое общество',),
        ('Russian Democratic Society', 'Russian Democratic Society CIC'),
        ('RDSGB', 'GBRDS CIC'),
        'Великобритания', 'GB',
    ),
    (  # 417: Ukrainian і and ї; «ЦГП «Альменда»» is a form plus a name
        417,
        '«Центр гражданского просвещения «Альменда» (Центр громадянської просвіти «Альменда», ЦГП «Альменда»), Украина',
        ('Центр гражданского просвещения «Альменда»', 'ЦГП «Альменда»'),
        ('Центр громадянської просвіти «Альменда»',),
        (),
        'Украина', 'UA',
    ),
]


@pytest.mark.parametrize(
    ("published", "ru", "original", "acronyms", "country", "code"),
    [pytest.param(*case[1:], id=f"row{case[0]}") for case in HAND_CHECKED],
)
def test_hand_checked_names(published, ru, original, acronyms, country, code):
    assert split_name(published) == NameParts(ru, original, acronyms, country, code)


def test_hand_checked_table_is_real_and_large():
    published = {row["no"]: row["name"] for row in _combined()}
    assert len(HAND_CHECKED) >= 45
    assert all(published[case[0]] == case[1] for case in HAND_CHECKED)

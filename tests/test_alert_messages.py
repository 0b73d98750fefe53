"""What a subscriber's alert says, in English and Russian, about real entries of the register;
which changes it gets; and what the operator hears."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipelines.alerts.compose import (
    Message,
    Selection,
    Subscription,
    compose,
    operator_message,
    select,
)
from pipelines.register.diff import baseline
from pipelines.register.models import (
    ADDED,
    EXCLUDED,
    EXCLUDED_KIND,
    LISTED,
    MODIFIED,
    PERSON,
    REINSTATED,
    REMOVED,
    RENUMBERED,
    Change,
    Entry,
)
from pipelines.register.normalise import normalise_rows
from scraper.registers.metadata import load_source
from tests.test_normalise import combined_rows, court_entries

SOURCE = "ru_minjust_undesirable"
META = load_source(SOURCE)
LINK = "https://reestrs.minjust.gov.ru/#/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df"
NOW = "2026-10-01T09:00:00+00:00"
STATE = {e.number: e for e in baseline(SOURCE, normalise_rows(combined_rows(), LINK)[0], NOW)
         .entries}
# Row 1 as it would stand after an exclusion (none has been published yet).
STATE[1] = replace(STATE[1], status=EXCLUDED, excluded_on="2026-09-30", exclusion_order="1500-р")
ENTRIES = {e.entry_id: e for e in STATE.values()}


def change(kind: str, number: int, field: str = "", old: str = "", new: str = "") -> Change:
    entry = STATE[number]
    return Change(kind, entry.entry_id, number, entry.name, field, old, new, NOW)


def subscription(**options) -> Subscription:
    return Subscription(name="newsroom", channel="webhook", url="https://hooks.example/T0KEN",
                        secret="s3cret-value", **options)


def message(changes: list[Change], language: str = "en", max_items: int = 30,
            **options) -> Message:
    chosen = select(subscription(**options), SOURCE, changes, ENTRIES)
    return compose(chosen, ENTRIES, META, language, max_items)


def test_the_real_rows_used_here_are_what_the_register_says():
    assert STATE[1].name == ("«Национальный фонд в поддержку демократии» "
                             "(The National Endowment for Democracy)")
    assert (STATE[1].designated_on, STATE[1].listed_on, STATE[1].listing_order) == (
        "2015-07-28", "2015-07-29", "1076-р")
    assert (STATE[16].designated_on, STATE[16].listed_on, STATE[16].listing_order) == (
        "2019-06-27", "2019-06-28", "814-р")
    assert STATE[254].name == "Reporters sans Frontières (RSF), («Репортеры без границ»), Франция"


def test_an_exclusion_in_english_names_the_organisation_its_dates_orders_and_the_source():
    sent = message([change(EXCLUDED_KIND, 1, "status", LISTED, EXCLUDED)])
    assert sent.title == "Undesirable organisations: 1 change (1 excluded)"
    assert sent.text == (
        "1. No. 1: excluded from the list\n"
        "   «Национальный фонд в поддержку демократии» (The National Endowment for Democracy)\n"
        "   Declared undesirable: 2015-07-28 (Prosecutor General's Office of the Russian "
        "Federation)\n"
        "   Added to the list: 2015-07-29, Ministry of Justice order 1076-р\n"
        "   Excluded from the list: 2026-09-30, order 1500-р\n\n"
        "Official source: List of foreign and international non-governmental organisations "
        "whose activities are recognised as undesirable in the Russian Federation\n" + LINK)


def test_an_exclusion_in_russian_says_the_same_in_russian():
    sent = message([change(EXCLUDED_KIND, 1, "status", LISTED, EXCLUDED)], language="ru")
    assert sent.title == "Нежелательные организации: 1 изменение (исключено — 1)"
    assert sent.text == (
        "1. № 1: исключена из перечня\n"
        "   «Национальный фонд в поддержку демократии» (The National Endowment for Democracy)\n"
        "   Признана нежелательной: 28.07.2015 (Генеральная прокуратура Российской Федерации)\n"
        "   Включена в перечень: 29.07.2015, распоряжение Минюста России № 1076-р\n"
        "   Исключена из перечня: 30.09.2026, распоряжение № 1500-р\n\n"
        "Официальный источник: Перечень иностранных и международных неправительственных "
        "организаций, деятельность которых признана нежелательной на территории Российской "
        "Федерации\n" + LINK)


def test_a_row_without_a_decision_date_or_order_shows_what_it_has():
    en = message([change(ADDED, 254)]).text
    assert "1. No. 254: added to the list\n   " + STATE[254].name in en
    assert "Added to the list: 2025-08-14\n" in en
    assert "Declared undesirable" not in en and "order" not in en
    assert "Включена в перечень: 14.08.2025\n" in message([change(ADDED, 254)], "ru").text


@pytest.mark.parametrize(("language", "edit", "renumbering", "vanishing"), [
    ("en", "original name: Free Russia Foundation → Free Russia Foundation | Free Russia",
     "number: 15 → 16", "1. No. 398: the row vanished from the published list"),
    ("ru", "Название на языке оригинала: Free Russia Foundation → "
           "Free Russia Foundation | Free Russia",
     "Номер: 15 → 16", "1. № 398: строка исчезла из опубликованного перечня"),
])
def test_edits_say_which_field_changed_from_what_to_what(language, edit, renumbering, vanishing):
    edited = message([change(MODIFIED, 16, "name_original", "Free Russia Foundation",
                             "Free Russia Foundation | Free Russia")], language).text
    assert f"\n   {edit}\n" in edited
    renumbered = message([change(RENUMBERED, 16, "number", "15", "16")], language).text
    assert f"\n   {renumbering}\n" in renumbered
    removed = message([change(REMOVED, 398, "", LISTED, "")], language).text
    assert removed.startswith(vanishing + "\n   " + STATE[398].name + "\n")
    assert ("Status before: listed" if language == "en" else "Статус до этого: в реестре") in removed


def test_a_reinstated_row_says_what_it_was_before():
    back = change(REINSTATED, 16, "status", REMOVED, LISTED)
    assert "1. No. 16: reinstated\n" in message([back]).text
    assert "\n   Status before: removed\n" in message([back]).text
    assert "\n   Статус до этого: исчезла из перечня\n" in message([back], "ru").text


def test_dates_in_an_edit_read_as_dates():
    sent = message([change(MODIFIED, 16, "listed_on", "2019-06-27", "2019-06-28")], "ru")
    assert "Дата включения: 27.06.2019 → 28.06.2019" in sent.text
    emptied = message([change(MODIFIED, 16, "listing_order", "814-р", "")]).text
    assert "inclusion order: 814-р → (empty)" in emptied


def test_titles_count_changes_by_kind_in_reading_order():
    changes = [change(ADDED, 417), change(EXCLUDED_KIND, 1, "status", LISTED, EXCLUDED),
               change(ADDED, 418)]
    assert message(changes).title == (
        "Undesirable organisations: 3 changes (2 added, 1 excluded)")
    assert message(changes, "ru").title == (
        "Нежелательные организации: 3 изменения (добавлено — 2, исключено — 1)")


@pytest.mark.parametrize(("count", "english", "russian"), [
    (1, "1 change", "1 изменение"), (2, "2 changes", "2 изменения"),
    (4, "4 changes", "4 изменения"), (5, "5 changes", "5 изменений"),
    (11, "11 changes", "11 изменений"), (12, "12 changes", "12 изменений"),
    (21, "21 changes", "21 изменение"), (22, "22 changes", "22 изменения"),
    (111, "111 changes", "111 изменений"), (0, "0 changes", "0 изменений"),
])
def test_plural_forms(count, english, russian):
    changes = [change(ADDED, n) for n in range(1, count + 1)]
    assert f": {english}" in message(changes).title
    assert f": {russian}" in message(changes, "ru").title


def big_batch() -> list[Change]:
    return [change(ADDED, n) for n in range(1, 401)] + [
        change(MODIFIED, n, "country", "", "США") for n in range(401, 411)]


def test_a_big_batch_is_one_message_with_the_first_items_and_a_summary_line():
    sent = message(big_batch())
    assert sent.title == "Undesirable organisations: 410 changes (400 added, 10 modified)"
    assert "\n\n30. No. 30: added to the list\n" in sent.text
    assert "31. No." not in sent.text
    assert "\n\n… and 380 more changes: 370 added, 10 modified\n\n" in sent.text
    assert sent.text.endswith(LINK)
    ru = message(big_batch(), "ru", max_items=10).text
    assert "\n\n… и ещё 400 изменений: добавлено — 390, изменено — 10\n\n" in ru


def test_watchlist_matches_come_first_marked_and_say_what_matched():
    sent = message(big_batch(), max_items=5, watchlist=("Fond Svobodnaya Rossiya", "RUSI"))
    assert sent.title.startswith("WATCHLIST MATCH — Undesirable organisations: 410")
    assert sent.text.startswith(
        "1. [WATCHLIST MATCH] No. 16: added to the list\n"
        f"   {STATE[16].name}\n"
        '   Watch name "Fond Svobodnaya Rossiya" matched the Russian name '
        '"Фонд «Свободная Россия»" (by transliteration)\n')
    assert ("2. [WATCHLIST MATCH] No. 262: added to the list\n" in sent.text
            and 'Watch name "RUSI" matched the acronym "RUSI" (exactly)' in sent.text)
    assert "\n\n3. No. 1: added to the list\n" in sent.text
    assert "\n\n5. No. 3: added" in sent.text and "6. No." not in sent.text
    ru = message(big_batch(), "ru", max_items=5, watchlist=("Fond Svobodnaya Rossiya",))
    assert ru.title.startswith("СОВПАДЕНИЕ СО СПИСКОМ НАБЛЮДЕНИЯ — Нежелательные организации:")
    assert ru.text.startswith(
        "1. [СОВПАДЕНИЕ СО СПИСКОМ НАБЛЮДЕНИЯ] № 16: добавлена в перечень\n"
        f"   {STATE[16].name}\n"
        "   Имя из списка наблюдения «Fond Svobodnaya Rossiya» совпало: русское название "
        "«Фонд «Свободная Россия»» (по транслитерации)\n")


def test_flagged_changes_are_shown_even_beyond_the_cap():
    watch = ("Bellingcat", "The Insider")  # rows 57, 58 and 59
    sent = message(big_batch(), max_items=1, watchlist=watch)
    assert [line.split(":")[0] for line in sent.text.split("\n") if line[:1].isdigit()] == [
        "1. [WATCHLIST MATCH] No. 57", "2. [WATCHLIST MATCH] No. 58",
        "3. [WATCHLIST MATCH] No. 59"]
    assert "… and 407 more changes: 397 added, 10 modified" in sent.text


def test_select_keeps_the_kinds_asked_for_in_order():
    changes = [change(ADDED, 417), change(EXCLUDED_KIND, 1, "status", LISTED, EXCLUDED),
               change(ADDED, 418), change(REMOVED, 398, "", LISTED, "")]
    assert select(subscription(), SOURCE, changes, ENTRIES) == Selection(changes, {})
    chosen = select(subscription(kinds=(ADDED, REMOVED)), SOURCE, changes, ENTRIES)
    assert chosen == Selection([changes[0], changes[2], changes[3]], {})


def test_select_gives_nothing_from_a_register_the_subscriber_did_not_ask_for():
    changes = [change(ADDED, 417)]
    other = subscription(registers=("ua_some_other_register",), watchlist=("Quarteera",))
    assert select(other, SOURCE, changes, ENTRIES) == Selection([], {})
    mine = subscription(registers=("ua_some_other_register", SOURCE))
    assert select(mine, SOURCE, changes, ENTRIES).changes == changes


def test_a_watchlist_match_is_sent_even_when_its_kind_is_filtered_out():
    changes = [change(ADDED, 417), change(MODIFIED, 16, "country", "США", "США | Латвия"),
               change(EXCLUDED_KIND, 1, "status", LISTED, EXCLUDED), change(ADDED, 415)]
    chosen = select(subscription(kinds=(EXCLUDED_KIND,), watchlist=("Free Russia", "Quarteera")),
                    SOURCE, changes, ENTRIES)
    assert chosen.changes == [changes[1], changes[3], changes[2]]  # flagged first, in order
    assert {k: [(h.query, h.part, h.how) for h in v] for k, v in chosen.flagged.items()} == {
        STATE[16].entry_id: [("Free Russia", "name_original", "exact")],
        STATE[415].entry_id: [("Quarteera", "name_original", "folded")]}


def test_a_vanished_row_is_not_flagged_and_follows_the_kinds():
    changes = [change(REMOVED, 16, "", LISTED, "")]
    watching = subscription(kinds=(ADDED,), watchlist=("Free Russia",))
    assert select(watching, SOURCE, changes, ENTRIES) == Selection([], {})
    assert select(subscription(watchlist=("Free Russia",)), SOURCE, changes, ENTRIES) == (
        Selection(changes, {}))


@pytest.mark.parametrize("kind", [ADDED, REINSTATED, MODIFIED, EXCLUDED_KIND, RENUMBERED])
def test_every_other_kind_of_change_of_a_watched_organisation_is_flagged(kind):
    chosen = select(subscription(kinds=(REMOVED,), watchlist=("RSF",)), SOURCE,
                    [change(kind, 254)], ENTRIES)
    assert list(chosen.flagged) == [STATE[254].entry_id]


def test_a_change_whose_entry_the_caller_lacks_is_matched_by_its_name():
    gone = Change(ADDED, f"{SOURCE}/999", 999, "Фонд «Вольная Сибирь» (Free Siberia Foundation)")
    chosen = select(subscription(watchlist=("Free Siberia Foundation",)), SOURCE, [gone], {})
    assert chosen.flagged[gone.entry_id][0].part == "name_original"
    assert compose(chosen, {}, META, "en").text.startswith(
        "1. [WATCHLIST MATCH] No. 999: added to the list\n"
        "   Фонд «Вольная Сибирь» (Free Siberia Foundation)\n")


def test_the_subscription_repr_hides_its_url_and_secret():
    sub = subscription()
    assert repr(sub) == str(sub) == "Subscription(name='newsroom', channel='webhook')"
    assert "T0KEN" not in repr([sub]) and "s3cret" not in f"{sub!r} {sub}"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        message([change(ADDED, 1)], language="de")


@pytest.mark.parametrize(("language", "kind", "detail", "count", "title", "text"), [
    ("en", "failing", "reply has 200 of 418 rows", 3,
     "regwatch: ru_minjust_undesirable is failing",
     "ru_minjust_undesirable has failed 3 times in a row since 2026-09-24T10:00:00+00:00.\n"
     "What fails: reply has 200 of 418 rows"),
    ("ru", "failing", "reply has 200 of 418 rows", 3,
     "regwatch: источник ru_minjust_undesirable не работает",
     "Источник ru_minjust_undesirable дал сбой 3 раза подряд, начиная с "
     "2026-09-24T10:00:00+00:00.\nЧто не работает: reply has 200 of 418 rows"),
    ("ru", "failing", "timeout", 5, "regwatch: источник ru_minjust_undesirable не работает",
     "Источник ru_minjust_undesirable дал сбой 5 раз подряд, начиная с "
     "2026-09-24T10:00:00+00:00.\nЧто не работает: timeout"),
    ("en", "recovered", "timeout", 1, "regwatch: ru_minjust_undesirable works again",
     "ru_minjust_undesirable works again. It had failed 1 time in a row since "
     "2026-09-24T10:00:00+00:00."),
    ("ru", "recovered", "timeout", 4, "regwatch: источник ru_minjust_undesirable снова работает",
     "Источник ru_minjust_undesirable снова работает. До этого он дал сбой 4 раза подряд, "
     "начиная с 2026-09-24T10:00:00+00:00."),
    ("en", "delivery_failed", "newsroom", 5,
     'regwatch: an alert to subscription "newsroom" was not delivered',
     'An alert about ru_minjust_undesirable to subscription "newsroom" could not be delivered '
     "after 5 attempts (queued 2026-09-24T10:00:00+00:00). It will not be retried."),
    ("ru", "delivery_failed", "newsroom", 1,
     "regwatch: уведомление для подписки «newsroom» не доставлено",
     "Уведомление об источнике ru_minjust_undesirable для подписки «newsroom» не удалось "
     "доставить после 1 попытки (в очереди с 2026-09-24T10:00:00+00:00). "
     "Повторных попыток не будет."),
])
def test_operator_messages(language, kind, detail, count, title, text):
    sent = operator_message(kind, SOURCE, detail, "2026-09-24T10:00:00+00:00", count, language)
    assert sent == Message(title, text)


def test_an_unknown_operator_message_is_refused():
    with pytest.raises(ValueError, match="unknown operator message 'exploded'"):
        operator_message("exploded", SOURCE, "", "", 1)


# --- every register: named by its short title; the court lists' decisions; watchlists span all

COURT = {source: {e.number: e for e in baseline(source, list(court_entries(source, day).values()), NOW).entries}
         for source, day in (("ru_fsb_terrorist", "2026-09-16"), ("ru_minjust_extremist", "2026-09-19"))}


def court_message(source: str, number: int, language: str, **options) -> Message:
    entry = COURT[source][number]
    changes = [Change(ADDED, entry.entry_id, number, entry.name, detected_at=NOW)]
    entries = {entry.entry_id: entry}
    return compose(select(subscription(**options), source, changes, entries), entries, load_source(source),
                   language)


@pytest.mark.parametrize("source", ["ru_minjust_undesirable", "ru_minjust_foreign_agents", "ru_fsb_terrorist",
                                    "ru_minjust_extremist"])
def test_every_register_is_named_by_its_short_title_in_the_subscribers_language(source):
    meta = load_source(source)
    named = Change(ADDED, f"{source}/7", 7, "Проект «Тест»", detected_at=NOW)
    for language, short in (("en", meta.short_en), ("ru", meta.short_ru)):
        sent = compose(Selection([named]), {}, meta, language)
        assert sent.title.startswith(f"{short}: 1 ")
        chat = f"{sent.title}\n{sent.text}"  # what a chat channel (Telegram through Apprise) shows
        assert chat.count(short) == 1 and meta.view_url() in chat


def test_a_terrorist_list_addition_says_its_court_decision_and_when_it_came_into_force():
    assert court_message("ru_fsb_terrorist", 52, "en").text == (
        "1. No. 52: added to the list\n"
        f"   {COURT['ru_fsb_terrorist'][52].name}\n"
        "   Court decision: 2023-12-14 (Южный окружной военный суд), unnumbered, in force 2024-06-25\n\n"
        "Official source: Unified federal list of organisations, including foreign and international "
        "organisations, recognised as terrorist under the legislation of the Russian Federation\n"
        "https://www.fsb.ru/fsb/npd/terror.htm")
    russian = court_message("ru_fsb_terrorist", 77, "ru")
    assert russian.title == "Террористические организации: 1 изменение (добавлено — 1)"
    assert ("   Решение суда: 26.06.2025 (1-й Восточный окружной военный суд г. Южно-Сахалинск), "
            "№ 1-61/2025, вступило в силу 11.11.2025\n") in russian.text


def test_an_extremist_list_addition_says_its_court_decision_and_when_the_ministry_published_it():
    sent = court_message("ru_minjust_extremist", 153, "ru")
    assert sent.title == "Экстремистские организации: 1 изменение (добавлено — 1)"
    assert "\n   Решение суда: 21.07.2026 (Верховного Суда Российской Федерации)\n" in sent.text
    assert "Признана нежелательной" not in sent.text  # the first register's words, not this list's
    assert "Court decision: 2026-07-21 (Верховного Суда Российской Федерации)\n" in court_message(
        "ru_minjust_extremist", 153, "en").text


def test_a_watchlist_is_matched_in_a_register_the_subscriber_did_not_ask_for():
    watching = dict(registers=(SOURCE,), kinds=(EXCLUDED_KIND,), watchlist=("Кибер-Партизаны",))
    sent = court_message("ru_minjust_extremist", 152, "en", **watching)
    assert sent.title == "WATCHLIST MATCH — Extremist organisations: 1 change (1 added)"
    assert 'Watch name "Кибер-Партизаны" matched the other name the register gives "Кибер-Партизаны"' in sent.text
    entry = COURT["ru_minjust_extremist"][153]  # not watched: nothing from a register not asked for
    assert select(subscription(**watching), "ru_minjust_extremist",
                  [Change(ADDED, entry.entry_id, 153, entry.name)], {entry.entry_id: entry}) == Selection([], {})


@pytest.mark.parametrize(("query", "how"), [
    ("Mikhail Epstein", "transliterated"), ("Epshtein Mikhail Naumovich", "transliterated"),
    ("Михаил Эпштейн", "folded"), ("Эпштейн Михаил Наумович", "exact")])
def test_a_watched_person_is_found_as_people_write_them(query, how):
    person = Entry("ru_minjust_foreign_agents/375", 375, "Эпштейн Михаил Наумович", entity_type=PERSON,
                   name_ru=("Эпштейн Михаил Наумович",), surname="Эпштейн", given_name="Михаил",
                   patronymic="Наумович")
    hits = select(subscription(registers=(SOURCE,), watchlist=(query, "Михаил Эпштейнов", "Эпштейн")),
                  "ru_minjust_foreign_agents", [Change(ADDED, person.entry_id, 375, person.name)],
                  {person.entry_id: person}).flagged[person.entry_id]
    assert [(h.query, h.how) for h in hits] == [(query, how)]  # never a shared word or a near name

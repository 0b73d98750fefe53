"""The announcement extractor: precision and recall on the labelled set, the date resolver,
and the traps (disclaimers, counts, prosecutions, promises, several names at once).

The labelled set (tests/data/announcement_labels.json) names articles of the shared corpus
by line and URL; the texts are read from ../shared, never copied here.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from pipelines.announcements.events import (
    Event,
    event_record,
    extract_events,
    extract_from_html,
)
from pipelines.announcements.names import names
from pipelines.announcements.sentences import sentences
from pipelines.announcements.text import html_text
from regwatch.fakes.labelled import DESIGNATIONS, corpus, labelled_documents, score
from scraper.parsers.dates import dates_in, published, resolve_day, resolve_weekday

ROOT = Path(__file__).resolve().parents[1]
# measured on the held-out set of 24 articles: 28 of 29 right, 28 of 35 found (the extractor
# before issue 15's rounds: 21 of 22, 21 of 35); README
PRECISION_HELD_OUT, RECALL_HELD_OUT = 0.96, 0.8


# --- the labelled set -----------------------------------------------------------------------

def test_labelled_set_is_large_enough():
    documents = labelled_documents()
    empty = [label for _, label in documents if not label["events"]]
    shipped = [label for _, label in documents if label["origin"] == "labels.json"]
    assert len(documents) >= 80
    assert len(shipped) == 59
    assert len([label for label in empty if label["origin"] == "added"]) >= 20


def test_precision_and_recall_on_the_labelled_set():
    result = score(labelled_documents())
    print(f"\nextractor on {result['documents']} labelled documents: precision {result['precision']:.3f} "
          f"({result['predicted']} events), recall {result['recall']:.3f} ({result['expected']} expected), "
          f"dates right {result['date_accuracy']:.3f}")
    for miss in result["misses"]:
        print("  missed", miss)
    for wrong in result["false_positives"]:
        print("  false ", wrong)
    # the levels reached (goals: precision 0.95, recall 0.9); a change that lowers them fails
    # (the set holds the held-out sets used since, in languages and wordings the rules do not know:
    # 201 of 204 right, 192 of 206 found)
    assert result["precision"] >= 0.98
    assert result["recall"] >= 0.93
    # dates told in another sentence, a dateline or only by the publication day are resolved;
    # left wrong: the decision behind an inclusion named only in another language (line 1) and
    # «остальных организаций — 17 октября» (line 87)
    assert result["date_accuracy"] >= 0.95


def test_figures_on_the_articles_held_out():
    """Articles labelled after the rules of issue 15 were written and never used to tune them
    (the README gives these figures; the goals are precision 0.95, recall 0.9)."""
    documents = labelled_documents(held_out=True)
    assert len(documents) >= 24 and any(article["kind"] == "feature" for article, _ in documents)
    result = score(documents)
    print(f"\nheld out, {result['documents']} documents: precision {result['precision']:.3f}, "
          f"recall {result['recall']:.3f}, dates right {result['date_accuracy']:.3f}", result["misses"],
          result["false_positives"])
    assert result["precision"] >= PRECISION_HELD_OUT and result["recall"] >= RECALL_HELD_OUT


# --- the date resolver ----------------------------------------------------------------------

def test_weekdays_resolve_to_the_last_such_day_on_or_before_publication():
    pub = published("2025-05-19")  # a Monday
    assert resolve_weekday(0, pub) == date(2025, 5, 19)
    assert resolve_weekday(4, pub) == date(2025, 5, 16)
    assert [d for _, d in dates_in("Russian authorities on Monday designated Amnesty", pub)] == [date(2025, 5, 19)]
    assert dates_in("сообщили в пятницу в пресс-службе", pub)[0][1] == date(2025, 5, 16)


def test_weekdays_need_an_exact_publication_day():
    assert resolve_weekday(0, published("2025-05")) is None
    assert dates_in("on Monday", None) == []


def test_day_and_month_without_a_year_in_both_languages():
    pub = published("2025-12-02")
    assert [d for _, d in dates_in("Генпрокуратура признала организацию нежелательной 13 ноября.", pub)] \
        == [date(2025, 11, 13)]
    assert [d for _, d in dates_in("The office issued the ban on Nov. 10.", pub)] == [date(2025, 11, 10)]
    assert [d for _, d in dates_in("On 19 May 2025, the office announced", pub)] == [date(2025, 5, 19)]
    assert [d for _, d in dates_in("решение от 13.11.2025", pub)] == [date(2025, 11, 13)]


def test_a_day_after_publication_is_last_year():
    assert resolve_day(28, 12, None, published("2026-01-10")) == date(2025, 12, 28)
    assert resolve_day(16, 2, None, published("2026-02-13")) == date(2025, 2, 16)
    assert resolve_day(13, 2, None, published("2026-02-13")) == date(2026, 2, 13)
    assert resolve_day(16, 2, 2026, published("2026-02-13")) == date(2026, 2, 16)  # a written year stays


def test_words_that_start_like_months_are_not_dates():
    assert dates_in("Russia has declared 12 organizations undesirable", published("2022-08-04")) == []


# --- the traps ------------------------------------------------------------------------------

def test_the_media_disclaimer_is_no_designation():
    text = ("Ранее 5-tv.ru сообщал о фестивале, который провела SOTA media*.\n"
            "*Организация, признанная нежелательной на территории РФ")
    assert extract_events(text, "2024-05-20") == []
    text = "Журналисты издания The Insider (организация признана нежелательной в РФ) опубликовали расследование."
    assert extract_events(text, "2024-05-20") == []


def test_counts_are_no_designation():
    assert extract_events("Генпрокуратура РФ с начала 2025 года признала нежелательными 62 иностранные "
                          "организации.", "2025-09-14") == []
    assert extract_events("Since January, the Russian Attorney General's Office has declared 12 organizations "
                          "“undesirable,” on the grounds that they pose a threat.", "2022-08-04") == []


def test_prosecutions_are_their_own_kind():
    text = ("Прокуратура потребовала возбудить уголовное дело против журналиста «Медузы» по статье об "
            "участии в деятельности «нежелательной» организации.")
    kinds = {event.kind for event in extract_events(text, "2025-12-01")}
    assert kinds <= {"prosecution"}
    assert extract_events("A court fined an activist for participation in the activities of an "
                              "undesirable organisation, Open Russia.", "2021-03-01")[0].kind not in DESIGNATIONS


def test_a_promise_to_the_ministry_is_no_inclusion():
    text = ("Информация о принятом решении направлена в Минюст России для включения организации "
            "«Open Press» в перечень нежелательных.")
    assert [e.kind for e in extract_events(text, "2022-11-14")] == []


def test_predictions_are_no_designation():
    text = "Three Ukrainian organisations could be declared undesirable in Russia, a senator said."
    assert extract_events(text, "2015-07-08") == []


def test_several_organisations_in_one_sentence():
    text = ("Нежелательными признаны World Organization to Investigate the Persecution of Falun Gong Inc. "
            "(WOIPFG, США), Friends of Falun Gong Inc. (США), Doctors Against Forced Organ Harvesting "
            "(DAFON, США) и The European Falun Dafa Association (Великобритания).")
    events = extract_events(text, "2020-07-20")
    assert [e.kind for e in events] == ["designated"] * 4
    assert [e.acronym for e in events] == ["WOIPFG", None, "DAFON", None]
    assert events[3].organisation == "The European Falun Dafa Association"
    assert events[3].country == "Великобритания"


def test_an_inclusion_with_the_decision_it_rests_on():
    text = ("Министерство юстиции России добавило в перечень нежелательных организаций украинскую "
            "организацию «Фонд 24.02». Организацию включили в этот список на основании решения "
            "Генпрокуратуры РФ от 18 сентября текущего года.")
    events = {e.kind: e for e in extract_events(text, "2024-09-25")}
    assert events["included"].organisation == "Фонд 24.02"
    assert events["included"].authority == "Ministry of Justice"
    assert events["designated"].decision_date == "2024-09-18"
    assert events["designated"].authority == "Prosecutor General's Office"


def test_wire_copy_in_english_with_a_relative_day():
    text = ("MOSCOW, February 18. /TASS/. The office of Russia's Prosecutor General has recognized the "
            "activity of the Ukrainian Free Idel-Ural non-governmental organization as undesirable on the "
            "territory of the Russian Federation, the agency's press service told journalists on Friday.")
    [event] = extract_events(text, date(2022, 2, 18))
    assert (event.organisation, event.kind, event.decision_date) == ("Free Idel-Ural", "designated", "2022-02-18")


def test_deputy_prosecutor_general():
    text = ("The organization was entered in the list on the basis of the decision of the first deputy "
            "general prosecutor of July 17, 2023 concerning the Wild Salmon Center, now undesirable.")
    events = {e.kind: e for e in extract_events(text, "2023-07-25", "en")}
    assert events["designated"].authority == "Deputy Prosecutor General"
    assert events["designated"].decision_date == "2023-07-17"


def test_other_languages_yield_nothing():
    text = "La Russie déclare Amnesty International « organisation indésirable »."
    assert extract_events(text, "2025-05-19", "fr") == []


def test_html_is_stripped_and_records_have_the_cli_fields():
    html = ("<html><head><script>var x = 'Greenpeace';</script></head><body><nav>Menu</nav>"
            "<h1>Greenpeace признали нежелательной</h1><p>Генпрокуратура РФ признала нежелательной "
            "деятельность организации <b>Greenpeace International</b> (Нидерланды) в пятницу.</p></body></html>")
    events = extract_from_html(html, "2023-05-19")
    assert len(events) == 1
    record = event_record(events[0])
    assert {"organisation", "kind", "decision_date", "register_date", "authority", "sentence", "acronym",
            "country"} <= set(record)
    assert (record["kind"], record["decision_date"]) == ("designated", "2023-05-19")


@pytest.mark.parametrize("value, expected", [
    ("2025-05-19", date(2025, 5, 19)), ("2015-07-29T19:17:05+03:00", date(2015, 7, 29)),
    ("2025-05", date(2025, 5, 31)), ("2024-12", date(2024, 12, 31)), ("2015", date(2015, 12, 31)),
])
def test_publication_dates(value, expected):
    assert published(value).day == expected


# --- dates told outside the event's sentence (sentences from the shared corpus) ----------------

def _dated(events: list[Event]) -> dict:
    return {(e.kind, e.organisation): e.decision_date if e.kind == "designated" else e.register_date
            for e in events}


def test_may_the_month_is_no_hedge():
    # Observatory (FIDH-OMCT), May 2025: "May" in "19 May 2025" is no "may be declared"
    text = ("On 19 May 2025, the Russian Prosecutor’s General Office announced that it had declared Amnesty "
            "International an “undesirable organisation”.")
    [event] = extract_events(text, "2025-05")
    assert (event.organisation, event.decision_date) == ("Amnesty International", "2025-05-19")
    assert extract_events("Amnesty International may be declared undesirable.", "2025-05-19") == []


def test_ordinal_days_are_dates():
    assert [d for _, d in dates_in("registered on November 28th in the register", published("2025-11-30"))] \
        == [date(2025, 11, 28)]


def test_the_subject_of_a_designation_noun_is_not_designated():
    text = ("The Observatory has been informed about the designation of Amnesty International, a renowned "
            "international human rights organisation, as an “undesirable organisation” by the Russian authorities.")
    assert [e.organisation for e in extract_events(text, "2025-05-19")] == ["Amnesty International"]
    text = ("The Observatory for the Protection of Human Rights Defenders condemns the designation of the "
            "International Federation for Human Rights as an undesirable organisation.")
    assert [e.organisation for e in extract_events(text, "2025-12-02")] == \
        ["International Federation for Human Rights"]


def test_a_headline_in_capitals_names_the_organisation_not_the_act():
    # NGO headline style: "Russian Federation: Designation of Amnesty International as …"
    text = "Russian Federation: Designation of Amnesty International as undesirable organisation"
    assert [e.organisation for e in extract_events(text, "2025-05-21", "en")] == ["Amnesty International"]


def test_agency_dateline_dates_an_undated_act():
    text = ("MOSCOW, August 30. /TASS/. Russia’s justice ministry has put four Evangelical organizations from "
            "Latvia and Ukraine on its list of undesirable non-government organizations.\n\nThe list has been "
            "supplemented with the following organizations: the New Generation International Christian "
            "Movement (Latvia).")
    assert _dated(extract_events(text, "2021-08-31")) == \
        {("included", "New Generation International Christian Movement"): "2021-08-30"}
    text = ("May 19 (UPI) -- The Russian government announced Monday that the nonprofit Amnesty International "
            "is no longer welcome within its borders.\n\nThe Prosecutor General's Office of the Russian "
            "Federation put out a statement that it \"has made a decision to recognize the activities of the "
            "international non-governmental organization Amnesty International Limited, registered in London, "
            "as undesirable on the territory of the Russian Federation.\"")
    assert _dated(extract_events(text, "2025-05-20")) == {("designated", "Amnesty International Limited"): "2025-05-19"}


def test_a_date_line_of_its_own_dates_an_undated_act():
    text = ("Минюст РФ внес польскую Fundacja Otwarty Dialog в реестр нежелательных организаций\n\n"
            "25 марта, 19:51\n\nМинистерство юстиции РФ добавило в перечень иностранных и международных "
            "неправительственных организаций (НПО), деятельность которых на территории России признана "
            "нежелательной, польскую Fundacja Otwarty Dialog (Фонд \"Открытый диалог\").")
    assert _dated(extract_events(text, "2024-03-26")) == {("included", "Fundacja Otwarty Dialog"): "2024-03-25"}


def test_the_date_of_the_sentence_before():
    # Газета.Ru 2025-01-28: the day is told with the register, the names in the next sentence
    text = ("17 января Минюст РФ обновил реестр нежелательных организаций. В список вошли фонд «Помоги героям "
            "Украины» (Help Heroes Of Ukraine) и «Международный альянс за свободу вероисповедания».")
    assert set(_dated(extract_events(text, "2025-01-28")).values()) == {"2025-01-17"}
    # thevoterbrief 2025-10-31: a count with the day, then a sentence between, then the names
    text = ("On October 31, the Ministry of Justice added two non-governmental organizations from the United "
            "States and Germany to the undesirable list. This is evidenced by data on the agency’s website. "
            "The updated list now includes the American “International Center for Journalists”.")
    assert _dated(extract_events(text, "2025-11-05")) == {
        ("included", "International Center for Journalists"): "2025-10-31"}


def test_an_earlier_act_takes_no_date_of_the_article():
    text = ("Минюст внес французскую Международную федерацию за права человека в перечень нежелательных в России "
            "организаций, следует из реестра ведомства. В августе Минюст объявил нежелательной организацией "
            "Human Rights Funders Network. Тогда же в список нежелательных организаций попал Helsinki Foundation "
            "for Human Rights.")
    assert _dated(extract_events(text, "2025-12-02")) == {
        ("included", "Международную федерацию за права человека"): "2025-12-02",  # the publication day
        ("included", "Human Rights Funders Network"): None, ("included", "Helsinki Foundation for Human Rights"): None}


def test_a_follow_up_sentence_dates_the_act_before():
    # Газета.Ru 2025-12-02: «Распоряжение Минюста вышло 1 декабря» is the inclusion's day
    text = ("Ассоциацию «Международная федерация прав человека» (FIDH), внесли в перечень нежелательных "
            "организаций. Из информации на сайте следует, что Генпрокуратура приняла решение о признании "
            "организации нежелательной 13 ноября. Распоряжение Минюста вышло 1 декабря.")
    assert _dated(extract_events(text, "2025-12-02")) == {
        ("included", "Международная федерация прав человека"): "2025-12-01",
        ("designated", "Международная федерация прав человека"): "2025-11-13"}
    # news.ru 2025-08-14: both acts' days in one follow-up; the decision becomes an event
    text = ("Ранее Минюст РФ внес организацию «Институт Андрея Сахарова» (L'Institut Sakharov) в список НПО, "
            "деятельность которых признана нежелательной на территории России. Распоряжение Минюста датировано "
            "22 июля, решение Генпрокуратуры — 1 июля.")
    assert _dated(extract_events(text, "2025-08-14")) == {
        ("included", "Институт Андрея Сахарова"): "2025-07-22",
        ("designated", "Институт Андрея Сахарова"): "2025-07-01"}
    # The Kyiv Independent 2025-11-30: the ban "initially issued" by the Prosecutor General
    text = ("Russia declares Human Rights Watch an 'undesirable organization'\n\nRussia’s Ministry of Justice "
            "designated Human Rights Watch an “undesirable organization” on Nov. 28, effectively banning the group "
            "from operating in the country.\n\nThe Prosecutor General’s Office initially issued the ban on the "
            "organization on Nov. 10.")
    assert _dated(extract_events(text, "2025-11-30")) == {
        ("designated", "Human Rights Watch"): "2025-11-10", ("included", "Human Rights Watch"): "2025-11-28"}
    # RFE/RL 2025-05-19: "the move"
    text = ("Russia has labeled Amnesty International an \"undesirable organization,\" effectively outlawing the "
            "global human rights group.\n\nRussia's Prosecutor General said in a statement on May 19 the move was "
            "taken because Amnesty \"is the center of preparation of global Russophobic projects.\"")
    assert _dated(extract_events(text, "2025-05-20")) == {("designated", "Amnesty International"): "2025-05-19"}


def test_the_prosecutors_own_date_is_the_decision():
    # fundsforngos 2025-11: "Russia officially designated" on the 28th was the ministry's act
    text = ("On November 28, 2025, Russia officially designated Human Rights Watch as an “undesirable” foreign "
            "organization, effectively banning its operations in the country. The Prosecutor General’s Office made "
            "the decision on November 10, and it is recorded in the Ministry of Justice’s updated register of "
            "“undesirable” organizations.")
    assert _dated(extract_events(text, "2025-11")) == {("designated", "Human Rights Watch"): "2025-11-10"}
    # lnginnorthernbc 2025-11-30: register and decision days in one sentence
    text = ("The Russian Ministry of Justice declared Human Rights Watch an “undesirable organization”.\n"
            "The decision was registered on November 28th in the official register of the Ministry of Justice, "
            "but the Attorney General’s Office had already signed the order on November 10th.")
    assert _dated(extract_events(text, "2025-11-30")) == {
        ("included", "Human Rights Watch"): "2025-11-28", ("designated", "Human Rights Watch"): "2025-11-10"}


def test_a_quote_repeating_the_act_dates_it_by_its_attribution():
    # Interfax-Ukraine 2023-05-19: the possessive "Greenpeace's" is the organisation of the lead
    text = ("The Russian Prosecutor General's Office has designated Greenpeace as undesirable in Russia.\n\n"
            "\"The Russian Prosecutor General's Office has decided to designate Greenpeace's activity as "
            "undesirable in the Russian territory,\" the Office said on Friday.")
    assert _dated(extract_events(text, "2023-05-19")) == {("designated", "Greenpeace"): "2023-05-19"}


def test_a_date_of_a_day_is_no_tally():
    text = ("В перечне решение ведомства о признании Truth Hounds нежелательной датировано 16 октября, "
            "остальных организаций — 17 октября.")
    assert _dated(extract_events(text, "2025-10-31")) == {("designated", "Truth Hounds"): "2025-10-16"}


def test_the_publication_day_only_when_exact():
    text = "Генпрокуратура РФ признала нежелательной немецкую DJA"
    assert _dated(extract_events(text, "2025-08-14", "ru")) == {("designated", "DJA"): "2025-08-14"}
    assert _dated(extract_events(text, "2025-08", "ru")) == {("designated", "DJA"): None}


def test_the_other_organisations_take_their_day():
    # Новости Mail 2025-10-31: the register's decision days, one named and «остальных организаций»
    text = ("Минюст РФ внес International Center for Jounalists* («Международный центр для журналистов») и Ideas "
            "for Change* («Идеи для перемен») в список организаций, деятельность которых нежелательна в РФ, сказано "
            "на сайте ведомства.\nКроме того, Минюст добавил в соответствующий перечень Truth Hounds* («Трус "
            "Хаундс»).\nРешение о признании организаций нежелательными принимает Генпрокуратура. В перечне решение "
            "ведомства о признании Truth Hounds нежелательной датировано 16 октября, остальных организаций — "
            "17 октября.")
    dated = _dated(extract_events(text, "2025-10-31"))
    assert {name: day for (kind, name), day in dated.items() if kind == "designated"} == {
        "Truth Hounds": "2025-10-16", "International Center for Jounalists": "2025-10-17",
        "Ideas for Change": "2025-10-17"}
    assert {day for (kind, _), day in dated.items() if kind == "included"} == {"2025-10-31"}


def test_the_lead_dates_an_undated_act_unless_it_is_another_acts_date():
    # joearotnews 2025-12-14: the statement "on Saturday" in the lead, "DW reported on Sunday" is no act
    text = ("Moscow has labelled Germany's international broadcaster Deutsche Welle (DW) an \"undesirable "
            "organization,\" effectively banning its activities in the country.\nThe move follows a recommendation "
            "by the State Duma, Russia's lower house of parliament, DW reported on Sunday.\nA government statement "
            "posted on Telegram on Saturday said the General Prosecutor's Office now considers DW to be \"at the "
            "forefront of hostile anti-Russian propaganda.\"")
    assert _dated(extract_events(text, "2025-12-14")) == {("designated", "Deutsche Welle"): "2025-12-13"}
    # russianfreepress 2023-06: "On May 19" is Greenpeace's own date, not Novaya Gazeta Europe's
    text = ("The Prosecutor General's Office of the Russian Federation recognized the newspaper Novaya Gazeta "
            "Europe as an \"undesirable\" organization.\n\nOn May 19, the Russian Prosecutor General's Office "
            "declared the activities of the activist environmental organization Greenpeace \"undesirable\".")
    assert _dated(extract_events(text, "2023-06")) == {
        ("designated", "Novaya Gazeta Europe"): None, ("designated", "Greenpeace"): "2023-05-19"}


def test_list_items_are_sentences_of_their_own():
    text = ("EUROPEAN ORGANIZATIONS DECLARED UNDESIRABLE IN RUSSIA\n- Open Russia Civic Movement, United Kingdom, "
            "April 27, 2017\n- Black Sea Trust for Regional Cooperation, Romania, July 03, 2017")
    assert len(sentences(text)) == 3


# --- NGO statements: persons, quotes, blocks, acronyms (issue 15) -------------------------------

STATEMENT = ("Russia declares the Norwegian Helsinki Committee undesirable\n\n"
             "On 12 January the Prosecutor General's Office declared the Norwegian Helsinki Committee (NHC) "
             "an undesirable organisation.\n\n"
             "\"We will continue our work,\" said Berit Lindeman, secretary general of the NHC, reacting to the "
             "decision to declare the committee undesirable.\n\n"
             "Secretary General Berit Lindeman said the designation of the NHC as undesirable changes nothing.")


def test_a_person_quoted_in_a_statement_is_no_organisation():
    events = extract_events(STATEMENT, "2026-01-20", "en")
    assert [(e.organisation, e.kind, e.decision_date) for e in events] == [
        ("Norwegian Helsinki Committee", "designated", "2026-01-12")]


def test_a_person_in_russian_is_no_organisation_and_an_organisation_word_keeps_a_name():
    text = ("Генпрокуратура признала нежелательной деятельность «Норвежского Хельсинкского комитета» (НХК).\n\n"
            "«Мы продолжим работу», — заявил Иван Петров, директор НХК, комментируя признание "
            "организации нежелательной.")
    assert [e.organisation for e in extract_events(text, "2026-01-20", "ru")] == [
        "Норвежского Хельсинкского комитета"]
    # two capitalised words next to «said» are a person unless an organisation's word is among them
    assert [n.name for n in names("Human Rights Watch said the decision to declare Memorial Fund undesirable")] == [
        "Human Rights Watch", "Memorial Fund"]
    assert [n.name for n in names("Berit Lindeman said the decision to declare Memorial Fund undesirable")] == [
        "Memorial Fund"]


def test_blocks_of_a_page_are_joined_with_a_separator():
    page = ("<table><tr><td>The Prosecutor General declared the Norwegian Helsinki Committee undesirable</td>"
            "<td>Berit Lindeman said</td></tr></table><dl><dt>NHC</dt><dd>Oslo</dd></dl>")
    text = html_text(page)
    assert "undesirable\nBerit Lindeman said\n" in text and "NHC\nOslo" in text
    assert [e.organisation for e in extract_from_html(page, "2026-01-20", "en")] == ["Norwegian Helsinki Committee"]


def test_an_acronym_sentence_dates_the_organisation_it_introduced_with_last_years_days():
    """One sentence names the organisation by its acronym with the decision's and the
    inclusion's days; a November day in a January article is last year's."""
    text = ("The Prosecutor General's Office declared the Netherlands Helsinki Committee (NHC) undesirable, "
            "its statement says.\n\nThe decision on the NHC was taken on 28 November, and the Ministry of Justice "
            "included the NHC in the register on 3 December.")
    events = extract_events(text, "2026-01-10", "en")
    assert [(e.organisation, e.acronym, e.kind, e.decision_date, e.register_date, e.date_basis) for e in events] == [
        ("Netherlands Helsinki Committee", "NHC", "designated", "2025-11-28", None, "text"),
        ("Netherlands Helsinki Committee", "NHC", "included", "2025-11-28", "2025-12-03", "text")]


def test_a_russian_acronym_sentence_dates_the_organisation():
    text = ("Генпрокуратура признала нежелательной деятельность «Нидерландского Хельсинкского комитета» (НХК).\n\n"
            "Решение по НХК Генпрокуратура приняла 28 ноября, а Минюст включил НХК в перечень 3 декабря.")
    events = {e.kind: e for e in extract_events(text, "2026-01-10", "ru")}
    assert events["designated"].decision_date == "2025-11-28"
    assert events["included"].organisation == "Нидерландского Хельсинкского комитета"
    assert events["included"].register_date == "2025-12-03"


def corpus_persons() -> set[str]:
    """The people the corpus quotes or names by title («said Marina Gridneva», «Khodorkovsky's
    spokesperson Kulle Pispanen», «ведущего подкаста "Что случилось" Владислава Горина»),
    found by their wording, not by the extractor's rule."""
    found = set()
    person = r"([A-ZА-ЯЁ][a-zа-яё]+ [A-ZА-ЯЁ][a-zа-яё]+)"
    cue = (r"(?:said|says|told|spokes(?:man|woman|person)|director|secretary general|founder|head|tycoon|"
           r"заявил\w*|сказал\w*|сообщил\w*|директор\w*|глав\w+|основател\w*|олигарх\w*|журналист\w*|"
           r"ведущ\w+(?:\s+\w+)?(?:\s+\"[^\"]+\")?)")
    for article in corpus():
        text = article["text"]
        found |= set(re.findall(rf"\b{cue}\s+{person}", text)) | set(re.findall(rf"{person},?\s+{cue}\b", text))
    return found


def test_no_person_is_an_organisation_on_the_whole_corpus():
    """Not as a whole, nor from the surname on (a name glued to the words after it)."""
    persons = corpus_persons()
    assert {"Marina Gridneva", "Владислава Горина"} <= persons  # the corpus does quote and name people
    named = {e.organisation for article in corpus()
             for e in extract_events(article["text"], article["published"], article["lang"])}
    assert named & persons == set()
    surnames = {person.split()[1] for person in persons}
    named_after = re.compile(r"foundation|fund|institute|center|centre|фонд|институт|центр", re.IGNORECASE)
    assert [name for name in named if name.split()[0] in surnames and not named_after.search(name)] == []


def test_a_surname_after_a_given_name_starts_no_organisation():
    text = ("Прокуратура потребовала возбудить уголовное дело против журналиста \"Медузы\" и ведущего подкаста "
            "\"Что случилось\" Владислава Горина по статье об участии в деятельности нежелательной организации.")
    assert "Горина по статье" not in {e.organisation for e in extract_events(text, "2025-12-01", "ru")}
    founded = "The ministry added the Institute of Modern Russia (IMR), founded by Mikhail Khodorkovsky, to its list."
    assert names(founded)[0].name == "Institute of Modern Russia" and len(names(founded)) == 1


# --- acts told in one sentence, their organisations listed in the next (issue 15) --------------

def test_organisations_listed_after_an_act_that_counted_them():
    text = ("Генпрокуратура признала нежелательной работу трех иностранных организаций. Об этом сообщили в "
            "пресс-службе. Всего перечень состоит из трех организаций: Alpha Watch (Великобритания), Beta Fund "
            "(Латвия) и Gamma Institute (Чехия).")
    events = extract_events(text, "2024-05-10", "ru")
    assert [(e.organisation, e.kind) for e in events] == [
        ("Alpha Watch", "designated"), ("Beta Fund", "designated"), ("Gamma Institute", "designated")]
    english = ("The Prosecutor General's Office on Thursday designated two more US-based organizations as "
               "undesirable. The Alpha Institute (AI), a Washington-based group, and the New York-based Beta "
               "Development Fund (BDF) are just the latest.")
    assert [(e.organisation, e.acronym) for e in extract_events(english, "2016-08-18", "en")] == [
        ("The Alpha Institute", "AI"), ("Beta Development Fund", "BDF")]


def test_a_list_that_names_fewer_organisations_than_counted_without_a_cue_is_no_event():
    text = ("The Prosecutor General's Office designated three organizations as undesirable. "
            "Alpha Watch and Beta Fund welcomed the news.")
    assert extract_events(text, "2016-08-18", "en") == []


def test_speech_of_the_act_continued_by_rech_idet_o():
    text = ("Сегодня Генеральная прокуратура признала нежелательной деятельность организации «Альфа». "
            "Речь идет о запрете организаций Alpha Network (Великобритания) и Beta Institute, Inc (США).")
    kinds = {(e.organisation, e.kind) for e in extract_events(text, "2017-04-26", "ru")}
    assert {("Alpha Network", "designated"), ("Beta Institute", "designated")} <= kinds


def test_also_added_to_the_list_right_after_a_designation_is_that_designation():
    text = ("On April 17 the Russian General Prosecutor's Office declared two German NGOs undesirable: the Alpha "
            "Foundation and the Beta Foundation. Our colleagues at the Gamma Center were also added to the list.")
    events = {e.organisation: e for e in extract_events(text, "2024-04-19", "en")}
    assert events["Gamma Center"].kind == "designated"
    ministry = text.replace("were also added to the list", "were also added to the Ministry of Justice's list")
    assert {e.organisation: e for e in extract_events(ministry, "2024-04-19", "en")}["Gamma Center"].kind == "included"


def test_an_abbreviation_does_not_end_the_act():
    text = ("In April, Russia's Justice Ministry added Alpha Watch and the Beta Institute located in the U.S., "
            "founded by a former tycoon, to the list of \"undesirable organizations\".")
    assert [(e.organisation, e.kind) for e in extract_events(text, "2017-10-11", "en")] == [
        ("Alpha Watch", "included"), ("Beta Institute", "included")]


def test_the_year_of_the_law_does_not_make_the_act_an_old_one():
    text = ("Russian authorities outlawed Alpha Watch on Monday as an \"undesirable organization,\" a label that "
            "under a 2015 law makes involvement with such organizations a criminal offense.")
    assert [e.organisation for e in extract_events(text, "2025-05-19", "en")] == ["Alpha Watch"]
    assert extract_events(text.replace("on Monday", "in 2021"), "2025-05-19", "en") == []  # an old act


def test_a_number_ends_a_latin_name_only_as_a_day():
    assert [n.name for n in names("The ministry included the British Article 19 in the list.")] == ["Article 19"]
    assert [n.name for n in names("Russia designated Alpha Watch 19 May.")] == ["Alpha Watch"]


def test_an_acronym_written_before_its_name_gives_the_name():
    found = names("Речь идет о запрете организаций OR (Otkrytaya Rossia) («Открытая Россия») (Великобритания).")
    assert [(n.name, n.acronym) for n in found] == [("Otkrytaya Rossia", "OR")]


def test_a_quoted_name_the_sentence_runs_on_after_is_no_speech():
    text = "О признании нежелательной организации «Альфа и Бета Саксонии» ранее сообщила генеральная прокуратура."
    assert [e.organisation for e in extract_events(text, "2025-12-30", "ru")] == ["Альфа и Бета Саксонии"]
    said = "«Мы продолжим работу», — заявил директор Альфы. Генпрокуратура признала нежелательной «Бету»."
    assert "Мы продолжим работу" not in {e.organisation for e in extract_events(said, "2025-12-30", "ru")}


def test_a_name_quoted_inside_a_quoted_statement_is_found():
    text = ("«Принято решение о признании нежелательной деятельности иностранных неправительственных организаций "
            "Alpha Ltd. (Великобритания), \"Институт правовой инициативы Центральной Европы\" (Чехия)», — заявили "
            "в генпрокуратуре.")
    assert "Институт правовой инициативы Центральной Европы" in {e.organisation for e in
                                                                 extract_events(text, "2022-07-15", "ru")}


def test_paragraphs_glued_without_a_space_are_two_sentences():
    text = "Об этом сообщили в пресс-службе, передает РИА Новости.Так, в список попали Bellingcat и The Insider."
    assert sentences(text) == ["Об этом сообщили в пресс-службе, передает РИА Новости.",
                               "Так, в список попали Bellingcat и The Insider."]
    assert len(sentences("признана нежелательной.В мае Генпрокуратура признала")) == 2
    for whole in ("Founded in St.Petersburg by the U.S.Department staff", "Demokrati-JA e.V.Die Organisation"):
        assert sentences(whole) == [whole]

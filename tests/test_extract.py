"""The announcement extractor: precision and recall on the labelled set, the date resolver,
and the traps (disclaimers, counts, prosecutions, promises, several names at once).

The labelled set (tests/data/announcement_labels.json) names articles of the shared corpus
by line and URL; the texts are read from ../shared, never copied here.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from pipelines.extract import (
    Event, dates_in, event_record, extract_events, extract_from_html, published, resolve_day,
    resolve_weekday,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "announcements" / "articles.jsonl"
LABELS = ROOT / "tests" / "data" / "announcement_labels.json"
DESIGNATIONS = ("designated", "included", "excluded")


def corpus() -> list[dict]:
    with CORPUS.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def labelled_documents() -> list[tuple[dict, dict]]:
    """(article, label) per labelled item; a label with a paragraph narrows the article's text."""
    articles = corpus()
    documents = []
    for label in json.loads(LABELS.read_text(encoding="utf-8"))["items"]:
        article = dict(articles[label["line"]])
        assert article["url"] == label["url"], f"corpus line {label['line']} moved: {label['url']}"
        if "paragraph" in label:
            article["text"] = [p for p in article["text"].split("\n") if p.strip()][label["paragraph"]]
        documents.append((article, label))
    return documents


def _matches(event: Event, expected: dict) -> bool:
    if event.kind != expected["kind"]:
        return False
    names = [event.organisation, event.acronym or ""]
    return any(re.search(expected["organisation_pattern"], name, re.IGNORECASE) for name in names if name)


def score(documents: list[tuple[dict, dict]]) -> dict:
    """Precision and recall on (article, organisation matched loosely, kind), designations
    only; dates are scored on the matched pairs (the act's own date or the announcement day)."""
    predicted = correct = expected_total = found = dated = dated_right = 0
    misses, false = [], []
    for article, label in documents:
        events = [e for e in extract_events(article["text"], article["published"], article["lang"])
                  if e.kind in DESIGNATIONS]
        predicted += len(events)
        good = [e for e in events if any(_matches(e, x) for x in label["events"])]
        correct += len(good)
        false += [(label["line"], e.kind, e.organisation) for e in events if e not in good]
        for expected in label["events"]:
            expected_total += 1
            hit = next((e for e in events if _matches(e, expected)), None)
            if hit is None:
                misses.append((label["line"], expected["kind"], expected["organisation_pattern"]))
                continue
            found += 1
            wanted = {expected["date"], expected["announced_on"]} - {None}
            if wanted:
                dated += 1
                got = hit.decision_date if hit.kind == "designated" else hit.register_date
                dated_right += got in wanted
    return dict(precision=correct / predicted if predicted else 1.0,
                recall=found / expected_total if expected_total else 1.0,
                date_accuracy=dated_right / dated if dated else 1.0,
                predicted=predicted, expected=expected_total, documents=len(documents),
                misses=misses, false_positives=false)


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
    assert result["precision"] >= 0.98
    assert result["recall"] >= 0.9
    assert result["date_accuracy"] >= 0.5  # dates told in another sentence (datelines) are left out


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
    assert not extract_events("A court fined an activist for participation in the activities of an "
                              "undesirable organisation, Open Russia.", "2021-03-01")[0].kind in DESIGNATIONS


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

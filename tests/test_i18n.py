"""The phrase catalog: both languages hold every id the code says, with the same
placeholders; plurals follow each language's rule; the command reads its locale."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from pipelines.alerts.compose import KINDS_IN_READING_ORDER, OPERATOR_KINDS
from pipelines.announcements import articles
from pipelines.announcements.linking import LINKED_KINDS
from pipelines.crawl import BASELINE, CHANGED, HELD, REFUSED, UNCHANGED
from pipelines.i18n.catalog import LANGUAGES, language_of, po_path, translator
from pipelines.i18n.phrase import Explained, Phrase, said_in
from pipelines.matching.index import _PARTS, RULE_DISTINCTIVE, RULE_LEADING, RULES
from pipelines.matching.keys import HALF, WITHOUT_GIVEN_NAME
from pipelines.matching.watchlist import EXACT, FOLDED, TRANSLITERATED
from pipelines.publish.dictionary import CHANGE_COLUMNS, EXPORT_COLUMNS
from pipelines.register.models import EXCLUDED, LISTED, REMOVED
from regwatch.web.register import CHANGE_KINDS, ORDERS, SORTS, STATUSES
from tests.conftest import ROOT

CATALOGS: dict[str, Catalog] = {}


def catalog(language: str) -> Catalog:
    if language not in CATALOGS:
        with po_path(language).open("rb") as po:
            CATALOGS[language] = read_po(po, locale=language)
    return CATALOGS[language]


def ids(language: str) -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog(language) if m.id}


def forms(language: str, msgid: str) -> tuple[str, ...]:
    found = catalog(language)[msgid]
    assert found is not None, (language, msgid)
    return found.string if isinstance(found.string, tuple) else (found.string,)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# An id the code names in full: a quoted literal with one of the catalog's prefixes. A
# literal ending in "." or "_" is the start of an id completed at run time (see below).
_ID = re.compile(r"""["']((?:web|field|part|status|alert|early_warning|match|cli)\.[a-z0-9_.]*)["']""")
_CODE = [*ROOT.glob("pipelines/**/*.py"), *ROOT.glob("regwatch/**/*.py"), *ROOT.glob("schedules/**/*.py"),
         *ROOT.glob("regwatch/web/templates/*.html")]


_NOT_IDS = {"status.json"}  # a file name


def ids_in_code() -> set[str]:
    found = set()
    for path in _CODE:
        found |= {m for m in _ID.findall(Path(path).read_text(encoding="utf-8")) if not m.endswith((".", "_"))}
    return found - _NOT_IDS


def ids_built_at_run_time() -> set[str]:
    """The ids the code completes from a value: every value it can complete them with."""
    return {
        *(f"status.{s}" for s in (*STATUSES, LISTED, EXCLUDED, REMOVED)),
        *(f"web.kind.{k}" for k in CHANGE_KINDS), *(f"web.sort.{c}" for c in SORTS),
        *(f"web.order.{o}" for o in ORDERS), *(f"web.announced.{s}" for s in articles.STATUSES),
        *(f"web.announced.kind_{k}" for k in (*LINKED_KINDS, "prosecution")),
        *(f"web.verdict.{v}" for v in ("listed", "excluded", "possible", "none")),
        *(f"web.answer.{v}" for v in ("listed", "excluded", "possible", "none", "unchecked")),
        *(f"web.outcome.{o}" for o in (BASELINE, CHANGED, UNCHANGED, HELD, REFUSED)),
        *(f"{prefix}part.{p}" for prefix in ("", "alert.", "cli.check.") for p in _PARTS),
        *(f"cli.check.verdict.{v}" for v in ("listed", "excluded", "possible", "not_listed")),
        *(f"alert.how.{h}" for h in (EXACT, FOLDED, TRANSLITERATED)),
        *(f"alert.{w}.{k}" for w in ("kind", "counted") for k in KINDS_IN_READING_ORDER),
        *(f"alert.operator.{k}.{p}" for k in OPERATOR_KINDS for p in ("title", "text")),
        *(f"alert.count.{n}" for n in ("changes", "days", "times", "attempts")),
        *(f"early_warning.kind.{k}" for k in LINKED_KINDS),
        *(f"field.{c}" for c in EXPORT_COLUMNS), *(f"field.{c}.meaning" for c in (*EXPORT_COLUMNS, *CHANGE_COLUMNS)),
        *(f"match.how.{level}" for level in ("exact", "folded", "transliterated", "core", "acronym",
                                             "acronym_any_case", "fuzzy")),
        *(f"check.rule.{rule}" for rule in RULES),
        *(f"match.how.{rule}" for rule in (RULE_LEADING, RULE_DISTINCTIVE)),
        *(f"match.how.short_form.{kind}" for kind in (HALF, WITHOUT_GIVEN_NAME)),
        *(f"match.folding.{f}" for f in ("case", "diacritics", "punctuation", "look_alike_letters",
                                         "legal_form", "spacing")),
    }


def test_every_id_the_code_says_is_translated_in_both_languages():
    named = ids_in_code()
    assert len(named) > 200  # the scan sees the templates, the alerts and the command line
    for language in LANGUAGES:
        missing = (named | ids_built_at_run_time()) - ids(language)
        assert not missing, (language, sorted(missing))
        empty = [m for m in ids(language) if not all(forms(language, m))]
        assert not empty, (language, empty)


def test_both_catalogs_have_the_same_ids_and_placeholders():
    assert ids("en") == ids("ru")
    for msgid in ids("en"):
        english, russian = forms("en", msgid), forms("ru", msgid)
        assert len(english) == (2 if len(english) > 1 else 1) and len(russian) == (3 if len(english) > 1 else 1)
        expected = placeholders(english[0])
        for text in (*english, *russian):
            assert placeholders(text) == expected, (msgid, text)


def test_one_russian_label_per_field_and_per_name_part():
    """English keeps each place's own wording; Russian says a field or a name part one way."""
    for msgid in ids("ru"):
        for prefix in ("alert.", "cli.check."):
            if msgid.startswith((prefix + "field.", prefix + "part.")):
                assert forms("ru", msgid) == forms("ru", msgid.removeprefix(prefix)), msgid


def test_russian_counts_take_three_forms():
    t = translator("ru")
    said = [t.plural("alert.count.days", n) for n in (1, 2, 5, 11, 12, 21, 22, 25, 111, 114)]
    assert said == ["1 день", "2 дня", "5 дней", "11 дней", "12 дней", "21 день", "22 дня", "25 дней",
                    "111 дней", "114 дней"]
    assert [translator("en").plural("alert.count.days", n) for n in (0, 1, 2)] == ["0 days", "1 day", "2 days"]
    assert translator("en").plural("cli.count.changes", 1) == "1 changes"  # as the command always said


def test_a_translator_fills_placeholders_and_refuses_unknown_ids_and_languages():
    t = translator("en")
    assert t("web.footer.shows", taken="2026-08-14") == "Data shown: the register as read on 2026-08-14."
    assert t("web.api.no_parameters") == "none"
    with pytest.raises(KeyError):
        t("web.no_such_id")
    assert not t.knows("web.no_such_id") and t.get("web.no_such_id", "raw") == "raw"
    with pytest.raises(ValueError, match="unknown language 'de'"):
        translator("de")


def test_an_explanation_is_english_text_that_can_be_said_again_in_russian():
    folded = Explained(Phrase.of("match.how.folded", foldings=(Phrase.of("match.folding.case"),
                                                              Phrase.of("match.folding.diacritics"))))
    assert folded == "folded (case, diacritics)"
    assert said_in(folded, "ru") == "те же буквы (регистр, диакритика)"
    fuzzy = Explained(Phrase.of("match.how.fuzzy", score="91"),
                      Explained(Phrase.of("match.how.absent_words", words="fund"), Phrase.of("match.how.one_spelling")))
    assert fuzzy == "fuzzy tokens 91; name words not in the query: fund (in one Latin spelling)"
    assert fuzzy.said_in("ru") == "похожие слова, балл 91; слова названия, которых нет в запросе: fund " \
                                  "(в одном латинском написании)"
    assert Explained() == "" and said_in("plain", "ru") == "plain"


@pytest.mark.parametrize(("environ", "language"), [
    ({"LANG": "ru_RU.UTF-8"}, "ru"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({}, "en"),
    ({"LC_ALL": "C.UTF-8", "LANG": "ru_RU.UTF-8"}, "en"),  # LC_ALL first, as gettext reads them
    ({"LC_MESSAGES": "ru_RU.UTF-8", "LANG": "en_GB.UTF-8"}, "ru"),
    ({"LC_ALL": "", "LANG": "ru"}, "ru"),  # an empty variable is not set
    ({"LANG": "de_DE.UTF-8"}, "en"),
])
def test_the_command_line_reads_its_language_from_the_locale(environ, language):
    assert language_of(environ) == language

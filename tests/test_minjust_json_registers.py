"""The registers of foreign agents and of extremist organisations, on the ministry's JSON
service like the first register: their metadata and columns, the normalisation of persons,
organisations, media outlets and court decisions, the fake serving several registers, and
each register crawled through the real spider from two recorded states, whose changes must
be exactly the real additions and exclusions between them.

The expected changes are computed here from the recorded rows themselves and, when the
shared mirror they were cut from is beside the repository, from the mirror's dates too."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.publish import feeds
from pipelines.publish.dictionary import COURT_COLUMNS, EXPORT_COLUMNS, PARTY_COLUMNS
from pipelines.register.models import EXCLUDED, LISTED, ORGANISATION, PERSON, Entry
from pipelines.register.normalise import Profile, normalise_row, normalise_rows
from pipelines.register.parties import split_person
from pipelines.storage.store import entry_from_json, entry_to_json
from regwatch.fakes.minjust import FakeMinjust
from scraper.parsers.columns import canonical_row, info_columns, map_columns
from scraper.registers.metadata import load_source
from tests.conftest import REGISTERS, ROOT, SHARED, Workspace

FOREIGN_AGENTS = REGISTERS["ru_minjust_foreign_agents"]
EXTREMIST = REGISTERS["ru_minjust_extremist"]
NEW = (FOREIGN_AGENTS, EXTREMIST)
MIRROR = SHARED / "data" / "ru_registries_mirror"
DEMO_FSB = ROOT / "regwatch" / "demo_data" / "fsb_terrorist"


def canonical_rows(register, day: str) -> list[dict[str, str]]:
    """A recorded state's rows as the spider hands them on: columns mapped by /info's titles."""
    state = register.state(day)
    columns, _ = info_columns(state.info, load_source(register.source).columns)
    return [canonical_row(row, columns) for row in state.rows]


def entries_of(register, day: str) -> dict[int, Entry]:
    entries, problems = normalise_rows(canonical_rows(register, day),
                                       profile=Profile.of(load_source(register.source)))
    assert [p for p in problems if p.fatal] == []
    return {e.number: e for e in entries}


# --- metadata and columns ----------------------------------------------------------------------

def test_both_registers_are_described_by_their_metadata():
    agents, extremist = load_source("ru_minjust_foreign_agents"), load_source("ru_minjust_extremist")
    assert (agents.spider, agents.registry_id) == ("minjust_foreign_agents", "39b95df9-9a68-6b6d-e1e3-e6388507067e")
    assert (extremist.spider, extremist.registry_id) == ("minjust_extremist", "59961ebb-9f0e-d885-7ebc-b90399923b03")
    assert agents.entity_kinds == ("organisation", "person") and extremist.entity_kinds == ("organisation",)
    assert (agents.stale_after_days, extremist.stale_after_days) == (10, 30)
    assert agents.thresholds.min_rows <= 1191 and agents.thresholds.max_rows >= 1239
    assert extremist.thresholds.min_rows <= 141 and extremist.thresholds.max_rows >= 153
    assert agents.columns.required == ("number", "name", "listed_on")
    assert extremist.columns.required == ("number", "name")  # older rows carry no date
    assert agents.authority == "Ministry of Justice of the Russian Federation"


@pytest.mark.parametrize("register", NEW, ids=lambda r: r.source)
def test_the_titles_map_by_the_title_rules_and_by_the_field_numbers_alone(register):
    rules = load_source(register.source).columns
    columns = [(c["name"], c["title"]) for c in register.state(register.first).info["columns"]]
    by_title, warnings = map_columns(columns, rules)
    assert warnings == []
    assert by_title == {c.key: c.field for c in rules.columns}
    # Titles no rule knows (the real ones are not publicly recorded): the field numbers decide.
    by_key, warnings = map_columns([(key, f"Колонка {i}") for i, (key, _) in enumerate(columns)], rules)
    assert by_key == by_title
    assert len(warnings) == 2 * len(columns)  # each column: not recognised, then found by its number


def test_ordinary_variants_of_the_titles_are_recognised_too():
    rules = load_source("ru_minjust_foreign_agents").columns
    mapping, warnings = map_columns([("a", "№"), ("b", "ФИО"), ("c", "Идентификационный номер налогоплательщика"),
                                     ("d", "ОГРН"), ("e", "Дата включения в реестр"),
                                     ("f", "Дата исключения из реестра")], rules)
    assert mapping == {"a": "number", "b": "name", "c": "inn", "d": "ogrn", "e": "listed_on",
                       "f": "excluded_on"}
    assert warnings == []


# --- normalisation --------------------------------------------------------------------------------

AGENTS = Profile.of(load_source("ru_minjust_foreign_agents"))


def test_a_person_keeps_the_name_parts_and_never_meets_the_organisation_splitter():
    entry, problems = normalise_row({
        "number": "388", "name": 'Барякина Эльвира Валерьевна "Эльвира Бари, Elvira Bary"',
        "listed_on": "16.05.2026", "agent_kind": "Физическое лицо", "inn": "772821335500",
        "decision": "Статья 7 Федерального закона от 14.07.2022 № 255-ФЗ"}, profile=AGENTS)
    assert problems == []
    assert entry is not None and entry.entity_type == PERSON
    assert (entry.surname, entry.given_name, entry.patronymic) == ("Барякина", "Эльвира", "Валерьевна")
    assert entry.name_ru == ("Барякина Эльвира Валерьевна",)
    assert entry.aliases == ("Эльвира Бари", "Elvira Bary")
    assert (entry.name_original, entry.acronyms, entry.country) == ((), (), "")
    assert entry.identifiers == (("inn", "772821335500"),)
    assert entry.designated_by == "Ministry of Justice of the Russian Federation"
    assert entry.decision.startswith("Статья 7")


_WORD = st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщыэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЭЮЯ-", min_size=1, max_size=12)


@given(words=st.lists(_WORD, min_size=1, max_size=4), pseudonym=st.one_of(st.none(), _WORD))
def test_a_persons_name_parts_are_its_words_and_a_quoted_pseudonym_is_an_alias(words, pseudonym):
    published = " ".join(words) + (f' "{pseudonym}"' if pseudonym else "")
    person = split_person(published)
    assert [w for w in (person.surname, person.given_name, *person.patronymic.split()) if w] == words
    assert person.name == " ".join(words)
    assert person.aliases == ((pseudonym,) if pseudonym else ())


def test_every_person_of_the_register_is_read_as_a_person():
    entries = entries_of(FOREIGN_AGENTS, FOREIGN_AGENTS.second)
    people = [e for e in entries.values() if e.entity_type == PERSON]
    assert len(people) == 787  # the mirror's count for this state
    assert all(e.surname and e.given_name and not e.acronyms and not e.country for e in people)
    assert entries[1].surname == "Пахалюк" and entries[1].identifiers == (("inn", "390505077931"),)


def test_an_organisation_keeps_its_split_name_and_its_inn_and_ogrn():
    entry = entries_of(FOREIGN_AGENTS, FOREIGN_AGENTS.second)[462]
    assert entry.name == "Частное учреждение «Информационное агентство МЕМО. РУ»"
    assert entry.entity_type == ORGANISATION and entry.surname == ""
    assert entry.name_ru  # split_name's work, as for the first register
    assert entry.identifiers == (("inn", "7707304743"), ("ogrn", "1037700033216"))
    assert entry.agent_kind == "Некоммерческая организация"


def test_a_media_outlet_keeps_its_other_names_and_domains():
    entry, problems = normalise_row({
        "number": "23", "name": "«ЕЖ LAB» («BRIEF Важное», «Незыгаревский», «ЕЖ/главное», «ЕЖ главное»)",
        "listed_on": "16.08.2024", "agent_kind": "Иностранное средство массовой информации",
        "domains": "https://EJ.ru/lab, www.ej.ru; t.me"}, profile=AGENTS)
    assert problems == []
    assert entry is not None and entry.entity_type == ORGANISATION
    assert entry.aliases == ("BRIEF Важное", "Незыгаревский", "ЕЖ/главное", "ЕЖ главное")
    assert entry.domains == ("ej.ru", "www.ej.ru", "t.me")
    recorded = entries_of(FOREIGN_AGENTS, FOREIGN_AGENTS.second)[681]  # a real one, domain in its name
    assert recorded.domains == ("theins.ru",) and recorded.agent_kind == "Иностранное средство массовой информации"


def test_a_bad_identifier_or_domain_is_a_warning_naming_the_row_never_a_guess():
    entry, problems = normalise_row({"number": "5", "name": "Проект «Тест»", "listed_on": "01.02.2025",
                                     "inn": "77-07", "ogrn": "1037700033216", "domains": "not a domain"},
                                    profile=AGENTS)
    assert entry is not None and entry.identifiers == (("ogrn", "1037700033216"),) and entry.domains == ()
    assert [str(p) for p in problems] == [
        "row 5: inn: INN '77-07' is not 10 or 12 digits; left out of the identifiers",
        "row 5: domains: not a domain name: 'not'; left out",
        "row 5: domains: not a domain name: 'a'; left out",
        "row 5: domains: not a domain name: 'domain'; left out"]
    assert dict(entry.raw)["inn"] == "77-07"  # the published text is kept


def test_an_extremist_organisation_keeps_its_court_decision_as_published():
    entries = entries_of(EXTREMIST, EXTREMIST.second)
    first, later = entries[1], entries[41]
    assert first.decision == "решение Московского городского суда от 19.04.2007 о запрете деятельности"
    assert first.listed_on == "" and first.entity_type == ORGANISATION
    assert later.decision == "решение Верховного Суда Российской Федерации от 17.11.2014"
    assert later.listed_on == "2015-01-26"  # «дата размещения сведений»
    assert (first.designated_by, first.designated_on) == ("Московского городского суда", "2007-04-19")
    assert all(e.status == LISTED for e in entries.values())
    _, problems = normalise_rows(canonical_rows(EXTREMIST, EXTREMIST.second),
                                 profile=Profile.of(load_source(EXTREMIST.source)))
    assert problems == []  # no inclusion date and no status column are this list's normal


def test_an_entry_stored_before_these_fields_existed_still_loads():
    old = ('{"entry_id":"ru_minjust_undesirable/1","number":1,"name":"X","name_ru":["X"],'
           '"designated_by":"Prosecutor General\'s Office of the Russian Federation","status":"listed",'
           '"raw":{"number":"1","name":"X"}}')
    entry = entry_from_json(old)
    assert (entry.entity_type, entry.identifiers, entry.aliases, entry.domains, entry.decision) == (
        ORGANISATION, (), (), (), "")
    stored = json.loads(entry_to_json(entry))  # an organisation's JSON reads as before
    assert not stored.keys() & {"entity_type", "agent_kind", "surname", "identifiers", "aliases", "domains",
                                "decision"}
    person = entries_of(FOREIGN_AGENTS, FOREIGN_AGENTS.second)[1]
    assert entry_from_json(entry_to_json(person)) == person  # identifiers come back as pairs


# --- the fake serves several registers --------------------------------------------------------

def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_fake_serves_several_registers_routed_by_registry_id_with_faults_for_one():
    with FakeMinjust(registers={r.registry_id: r.state(r.first) for r in NEW}) as fake:
        for register in NEW:
            status, body = _get(f"{fake.url}/rest/registry/{register.registry_id}/info")
            assert status == 200 and json.loads(body) == register.state(register.first).info
        assert _get(f"{fake.url}/rest/registry/c2d1692e-a9f6-5a79-13ee-5da5b42980df/info")[0] == 404
        fake.fail("html_200", route="info", registry_id=EXTREMIST.registry_id)
        assert _get(f"{fake.url}/rest/registry/{FOREIGN_AGENTS.registry_id}/info")[1].startswith(b"{")
        assert _get(f"{fake.url}/rest/registry/{EXTREMIST.registry_id}/info")[1].startswith(b"<!DOCTYPE")
        fake.serve(EXTREMIST.state(EXTREMIST.second), EXTREMIST.registry_id)
        fake.heal()
        status, body = _get(f"{fake.url}/rest/registry/{EXTREMIST.registry_id}/info")
        assert json.loads(body)["lastModified"] == EXTREMIST.state(EXTREMIST.second).info["lastModified"]


# --- two recorded states, crawled through the real spider -------------------------------------

def expected_changes(register) -> tuple[set[int], set[int]]:
    """(numbers added, numbers excluded) between the two recorded states, from their rows."""
    first, second = ({r["field_1_i"]: r for r in register.state(day).rows}
                     for day in (register.first, register.second))
    added = set(second) - set(first)
    if register is EXTREMIST:  # the list gives no exclusion dates (see its PROVENANCE.md)
        return added, set()
    excluded = {n for n, r in second.items() if r.get("field_5_s") and n in first and not first[n].get("field_5_s")}
    return added, excluded


def _dmy(text: str | None) -> date | None:
    return date(*reversed([int(x) for x in text.split(".")])) if text else None


@pytest.mark.skipif(not MIRROR.exists(), reason="the shared mirror is not beside the repository")
def test_the_recorded_states_hold_the_mirrors_real_additions_and_exclusions():
    rows = json.loads((MIRROR / "minjust_foreign_agents_2026-07-31.json").read_text(encoding="utf-8"))["entries"]
    cut, end = date(2026, 4, 30), date(2026, 7, 31)
    added = {int(r["id"].split("-")[1]) for r in rows if _dmy(r["included_at"]) > cut}
    excluded = {int(r["id"].split("-")[1]) for r in rows
                if r["excluded_at"] and cut < _dmy(r["excluded_at"]) <= end and _dmy(r["included_at"]) <= cut}
    assert expected_changes(FOREIGN_AGENTS) == (added, excluded)
    assert (len(added), len(excluded)) == (48, 10)
    rows = json.loads((MIRROR / "minjust_extremist_orgs.json").read_text(encoding="utf-8"))["entries"]
    placed = {int(r["id"].rsplit("-", 1)[1]): r["name"].split("дата размещения сведений: ")[-1][:10]
              for r in rows if "дата размещения сведений: " in r["name"]}
    assert expected_changes(EXTREMIST)[0] == {n for n, d in placed.items() if _dmy(d) > date(2026, 6, 30)}


@pytest.mark.parametrize("register", NEW, ids=lambda r: r.source)
def test_two_states_crawled_give_exactly_the_real_additions_and_exclusions(register, tmp_path):
    added, excluded = expected_changes(register)
    assert added  # real additions between the states
    with FakeMinjust(registers={r.registry_id: r.state(r.first) for r in NEW}) as fake:
        workspace = Workspace(fake, tmp_path / "out", source=register.source)
        first = workspace.crawl()
        assert first.code == 0, first.output
        assert f"{register.source}: baseline: {len(register.state(register.first).rows)} entries" in first.stdout
        assert {r.path.split("/")[3] for r in fake.requests} == {register.registry_id}

        fake.serve(register.state(register.second), register.registry_id)
        second = workspace.crawl()
        assert second.code == 0, second.output
        changes = workspace.changes()
        assert {c["number"] for c in changes if c["kind"] == "added"} == added
        assert {c["number"] for c in changes if c["kind"] == "excluded"} == excluded
        assert {c["kind"] for c in changes} <= {"added", "excluded"}  # nothing else moved

        rows = workspace.latest_rows()
        assert len(rows) == len(register.state(register.second).rows)
        with open(workspace.exports / "latest.csv", encoding="utf-8", newline="") as handle:
            assert tuple(next(csv.reader(handle))) == EXPORT_COLUMNS + PARTY_COLUMNS + (
                COURT_COLUMNS if register is EXTREMIST else ())
        by_number = {r["number"]: r for r in rows}
        for number in excluded:
            assert by_number[number]["status"] == EXCLUDED and by_number[number]["excluded_on"]
        check_first_and_last(register, rows[0], rows[-1])
        assert feeds.replay(workspace.exports / feeds.FEED_FOLDER) == rows  # the change feed agrees


@pytest.mark.parametrize("register", NEW, ids=lambda r: r.source)
def test_the_json_and_xlsx_channels_agree_on_every_row(register, tmp_path):
    """The recorded workbook is mapped by its header row, the same titles as /info."""
    with FakeMinjust(registers={register.registry_id: register.state(register.second)}) as fake:
        result = Workspace(fake, tmp_path / "out", source=register.source).regwatch("verify", register.source)
    assert result.code == 0, result.output
    assert f"{register.source}: the channels agree on every row" in result.stdout
    assert f"xlsx  {len(register.state(register.second).rows)} rows, data date" in result.stdout


def check_first_and_last(register, first: dict, last: dict) -> None:
    """The first and the last row of the second state, field by field."""
    url = f"https://reestrs.minjust.gov.ru/#/registry/{register.registry_id}"
    if register is FOREIGN_AGENTS:
        assert {k: first[k] for k in ("entry_id", "number", "name", "name_ru", "entity_type", "identifiers",
                                      "aliases", "domains", "listed_on", "excluded_on", "status",
                                      "designated_by", "source_url")} == {
            "entry_id": "ru_minjust_foreign_agents/1", "number": 1, "name": "Пахалюк Константин Александрович",
            "name_ru": ["Пахалюк Константин Александрович"], "entity_type": "person",
            "identifiers": {"inn": "390505077931"}, "aliases": [], "domains": [], "listed_on": "2024-06-28",
            "excluded_on": "", "status": "listed", "designated_by": "Ministry of Justice of the Russian Federation",
            "source_url": url}
        assert (last["number"], last["name"], last["entity_type"], last["listed_on"]) == (
            1267, "Курбангалеева Фарида Рашидовна", "person", "2024-06-28")
    else:
        assert (first["entry_id"], first["number"], first["entity_type"], first["aliases"], first["source_url"]) == (
            "ru_minjust_extremist/1", 1, "organisation", [], url)
        assert first["name"] == "Межрегиональная общественная организация «Национал-большевистская партия»"
        assert (last["number"], last["listed_on"], last["status"]) == (154, "2026-09-18", "listed")
        assert (last["designated_on"], last["decision_date"], last["designated_by"]) == (
            "2026-03-23", "2026-03-23", "Тверского районного суда г. Москвы")  # read from its decision
        assert last["name"].startswith("Объединение, членами которого являются Галицкий Александр Владимирович")


# --- what the exports and Scrapy say about them --------------------------------------------------

def test_the_foreign_agents_exports_are_a_valid_package_describing_the_new_columns(register_baselines, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    folder = tmp_path / "out"
    shutil.copytree(register_baselines[FOREIGN_AGENTS.source], folder)
    exports = folder / FOREIGN_AGENTS.source
    package = json.loads((exports / "datapackage.json").read_text(encoding="utf-8"))
    assert "organisations and persons" in package["description"]
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert list(fields)[-4:] == list(PARTY_COLUMNS)
    assert fields["entity_type"]["constraints"] == {"enum": ["organisation", "person"]}
    assert fields["identifiers"]["description"].startswith("Official identifiers")
    report = frictionless.validate(exports / "datapackage.json")
    assert report.valid, report.flatten(["type", "message"])[:5]


def test_scrapy_lists_a_spider_for_each_register():
    listed = subprocess.run([sys.executable, "-m", "scrapy.cmdline", "list"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.split()
    assert {"minjust_undesirable", "minjust_foreign_agents", "minjust_extremist"} <= set(listed)


def test_the_fsb_lists_rows_keep_their_decision_and_aliases_without_warnings():
    """A page source (no columns: its parser gives the canonical fields) is normalised by
    its metadata too: its authority, no inclusion date or status expected."""
    from scraper.parsers.fsb_page import parse_page

    page = parse_page((DEMO_FSB / "2026-09-16" / "terror.htm").read_bytes())
    entries, problems = normalise_rows(page.rows, profile=Profile.of(load_source("ru_fsb_terrorist")))
    assert problems == [] and len(entries) == len(page.rows) == 77
    assert all(e.decision and e.designated_on and "суд" in e.designated_by.lower() for e in entries)
    assert [e.aliases for e in entries] == [tuple(r["aliases"].split(" | ")) if r["aliases"] else ()
                                            for r in page.rows]  # the parser's list, as it gives it

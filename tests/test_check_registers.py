""""Am I listed anywhere?": `regwatch check` across registers, on a data folder holding the
real undesirable organisations (2026-07-29) and foreign agents (2026-07-31) crawled by the
real spider: one answer per register, people as typed, an INN exactly, exit 0 when listed
anywhere."""

from __future__ import annotations

import json

import pytest

from pipelines.matching.registers import identifier_of
from tests.conftest import Workspace
from tests.web_support import shared_two_registers


@pytest.fixture(scope="module")
def two_registers_dir(tmp_path_factory, baseline_dir):
    return shared_two_registers(tmp_path_factory, baseline_dir)


@pytest.fixture
def two(two_registers_dir, fake):
    return Workspace(fake, two_registers_dir)


def _line(stdout: str, register: str) -> str:
    return next(line for line in stdout.splitlines() if f" {register}" in line and line.startswith("  "))


def test_a_person_typed_in_latin_given_name_first_finds_the_russian_entry(two):
    result = two.regwatch("check", "Ekaterina Schulmann")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "LISTED: Ekaterina Schulmann"
    assert lines[1].endswith("Шульман Екатерина Михайловна")
    assert "patronymic was not typed" in result.stdout
    assert _line(result.stdout, "Foreign agents").split()[0] == "LISTED"
    assert "Шульман Екатерина Михайловна, since 2022-04-15" in _line(result.stdout, "Foreign agents")
    assert _line(result.stdout, "Undesirable organisations").startswith("  not listed")
    assert "never read here" in _line(result.stdout, "Terrorist organisations")  # never a bare "not listed"


def test_listed_in_one_register_and_not_the_other_says_so_per_register(two):
    record = json.loads(two.regwatch("check", "--json", "Free Russia Foundation").stdout)
    answers = {r["register"]: r for r in record["registers"]}
    terrorist = answers["ru_fsb_terrorist"]  # never read here: no answer, and a warning
    assert terrorist["verdict"] == "not checked" and terrorist["data"]["last_good_crawl"] is None
    assert terrorist["data"]["stale"] is True and "never crawled" in terrorist["data"]["warning"]
    assert answers["ru_minjust_undesirable"]["verdict"] == "listed"
    assert answers["ru_minjust_foreign_agents"]["verdict"] != "listed"
    assert record["register"] == "ru_minjust_undesirable" and record["listed"] is True
    data = answers["ru_minjust_foreign_agents"]["data"]
    assert data["last_good_crawl"] and data["stale_after_days"] == 10 and data["stale"] is False


def test_an_inn_finds_its_entry_exactly(two):
    for query in ("390505077931", "ИНН 3905 0507 7931"):
        result = two.regwatch("check", query)
        assert result.code == 0, result.output
        assert "Пахалюк Константин Александрович" in result.stdout and "found by its INN" in result.stdout
    unknown = two.regwatch("check", "390505077932")
    assert unknown.code == 1 and unknown.stdout.startswith("not listed: 390505077932")


def test_a_name_nobody_has_is_not_listed_anywhere(two):
    result = two.regwatch("check", "Ivan Petrov")
    assert result.code == 1
    assert _line(result.stdout, "Foreign agents").startswith("  not listed")


def test_register_narrows_the_check(two):
    only = two.regwatch("check", "--register", "ru_minjust_undesirable", "Ekaterina Schulmann")
    assert only.code == 1 and "in each register" not in only.stdout
    never = two.regwatch("check", "--register", "ru_minjust_undesirable", "--register", "ru_fsb_terrorist",
                         "Ekaterina Schulmann")
    assert never.code == 1 and "never read here" in _line(never.stdout, "Terrorist organisations")
    record = json.loads(two.regwatch("check", "--json", "--register", "ru_minjust_undesirable",
                                     "--register", "ru_fsb_terrorist", "Ekaterina Schulmann").stdout)
    terrorist = next(r for r in record["registers"] if r["register"] == "ru_fsb_terrorist")
    assert terrorist["verdict"] == "not checked" and terrorist["data"]["stale"] is True  # asked for: warned
    assert terrorist["data"]["warning"].startswith("ru_fsb_terrorist was never crawled successfully")


@pytest.mark.parametrize(("query", "expected"), [
    ("7707083893", ("inn", "7707083893")), ("ОГРН 1027700132195", ("ogrn", "1027700132195")),
    ("inn: 390505077931", ("inn", "390505077931")), ("123456789", None), ("Radio 1234567890", None),
])
def test_identifier_of(query, expected):
    assert identifier_of(query) == expected

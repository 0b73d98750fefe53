"""`regwatch export --format ftm`: FollowTheMoney entities, validated by the followthemoney
package itself (its model, its property types, its entity-id rule)."""

from __future__ import annotations

import json

import pytest
from followthemoney import model  # the test extra installs it: a missing package fails
from followthemoney.exc import InvalidData
from followthemoney.types import registry

from pipelines.publish.ftm import entities
from pipelines.register.models import EXCLUDED, Entry


def validated(entity: dict) -> None:
    """Raise unless `entity` is a valid FtM entity whose values are already clean."""
    proxy = model.get_proxy(entity, cleaned=False)  # unknown schema or property: InvalidData
    errors = proxy.schema.validate(entity)
    if errors:
        raise InvalidData(f"{entity['id']}: {errors}")
    if not registry.entity.validate(entity["id"]):
        raise InvalidData(f"not an FtM id: {entity['id']!r}")
    for prop, values in entity["properties"].items():
        cleaned = proxy.get(prop)
        if sorted(cleaned) != sorted(values):
            raise InvalidData(f"{entity['id']}.{prop}: {values} cleans to {cleaned}")


def test_an_invalid_entity_is_caught_by_the_validation():
    """The check itself can fail: a date FtM does not read, an unknown property."""
    with pytest.raises(InvalidData):
        validated({"id": "regwatch-x", "schema": "Sanction", "properties": {
            "entity": ["regwatch-y"], "listingDate": ["29.07.2015"]}})
    with pytest.raises(InvalidData):
        validated({"id": "regwatch-x", "schema": "Organization", "properties": {
            "name": ["A"], "shoeSize": ["42"]}})


def test_excluded_entry_with_all_fields():
    entry = Entry(entry_id="ru_minjust_undesirable/7", number=7, name="The Example Fund (США)",
                  name_ru=("Фонд «Пример»",), name_original=("The Example Fund",), acronyms=("TEF",),
                  country="США", country_code="US", designated_on="2015-07-08",
                  designated_by="Prosecutor General's Office of the Russian Federation",
                  listed_on="2015-07-29", listing_order="Решение от 08.07.2015", excluded_on="2020-01-02",
                  exclusion_order="Решение от 01.01.2020", status=EXCLUDED,
                  last_changed="2026-08-14T10:15:00+00:00",
                  source_url="https://reestrs.minjust.gov.ru/#/registry/c2d1692e")
    subject, sanction = entities([entry], "ru_minjust_undesirable", "Перечень", "Ministry of Justice")
    for entity in (subject, sanction):
        validated(entity)
    assert subject["schema"] == "Organization"
    assert subject["id"] == "regwatch-ru-minjust-undesirable-7"
    assert subject["properties"]["abbreviation"] == ["TEF"]
    assert subject["properties"]["country"] == ["us"]
    assert set(subject["properties"]["alias"]) == {"Фонд «Пример»", "The Example Fund"}
    assert sanction["properties"]["entity"] == [subject["id"]]
    assert sanction["properties"]["endDate"] == ["2020-01-02"]
    assert sanction["properties"]["startDate"] == ["2015-07-08"]
    assert sanction["properties"]["status"] == ["excluded"]


def test_export_ftm_of_the_real_register_validates(crawled):
    result = crawled.regwatch("export", "--format", "ftm")
    assert result.code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    latest = crawled.latest_rows()
    assert len(lines) == 2 * len(latest)
    ids = [e["id"] for e in lines]
    assert len(set(ids)) == len(ids)  # stable and unique
    subjects = {e["id"] for e in lines if e["schema"] != "Sanction"}
    for entity in lines:
        validated(entity)
        if entity["schema"] == "Sanction":  # every listing points at its subject
            assert entity["properties"]["entity"][0] in subjects
    again = crawled.regwatch("export", "--format", "ftm")
    assert again.stdout == result.stdout  # the same data gives the same ids and bytes

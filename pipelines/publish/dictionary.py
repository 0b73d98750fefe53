"""The data dictionary: what every exported column means (English and Russian) and its
type, and the Frictionless Data package (`datapackage.json`) written beside the exports
so the downloads load into any data tool with their types. Pure."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from pipelines.i18n.catalog import translator
from pipelines.register.normalise import Profile
from scraper.registers.metadata import load_source

# The exported columns, in their order.
EXPORT_COLUMNS = (
    "entry_id", "number", "name", "name_ru", "name_original", "acronyms", "country",
    "country_code", "designated_on", "designated_by", "listed_on", "listing_order",
    "excluded_on", "exclusion_order", "status", "first_seen", "last_changed", "source_url",
)
CHANGE_COLUMNS = ("detected_at", "kind", "entry_id", "number", "name", "field", "old", "new")
# …and after them, for registers of people and organisations (foreign agents, extremist
# and terrorist lists: whose metadata gives persons or their fields, see normalise.Profile).
PARTY_COLUMNS = ("entity_type", "identifiers", "aliases", "domains")
# …and last, for the lists whose rows cite a court decision (terrorist, extremist): the
# decision as published and what normalise reads from it (designated_on and designated_by too).
COURT_COLUMNS = ("decision", "decision_date", "decision_number")


@functools.lru_cache(maxsize=64)
def export_columns(source: str) -> tuple[str, ...]:
    """The exported columns of one register: the first register's, plus PARTY_COLUMNS where
    its rows carry them and COURT_COLUMNS where they cite court decisions. A source without
    metadata (a test's, a benchmark's) has the first's."""
    try:
        profile = Profile.of(load_source(source))
    except KeyError:
        return EXPORT_COLUMNS
    return (EXPORT_COLUMNS + (PARTY_COLUMNS if profile.parties else ())
            + (COURT_COLUMNS if profile.decisions else ()))


def column_meaning(column: str, language: str = "en") -> str:
    """What an exported column means, in English or Russian (`field.<column>.meaning` in
    the phrase catalog)."""
    return translator(language)(f"field.{column}.meaning")


# Frictionless Table Schema types; a column not named here is a string. Lists are
# joined with " | " in CSV (see export.py), so they are strings too.
FIELD_TYPES: dict[str, str] = {
    "number": "integer", "designated_on": "date", "listed_on": "date", "excluded_on": "date",
    "decision_date": "date",
    "first_seen": "datetime", "last_changed": "datetime", "detected_at": "datetime",
    "snapshot_taken_at": "datetime",  # the combined export's (combined.py)
}
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # as written: 2026-08-14T10:15:00+00:00


def table_schema(columns: Iterable[str], primary_key: str | None = None) -> dict[str, Any]:
    fields = []
    for column in columns:
        kind = FIELD_TYPES.get(column, "string")
        field: dict[str, Any] = {"name": column, "type": kind,
                                 "description": column_meaning(column)}
        if kind == "datetime":
            field["format"] = _DATETIME_FORMAT
        if column == "status":
            field["constraints"] = {"enum": ["listed", "excluded"]}
        if column == "entity_type":
            field["constraints"] = {"enum": ["organisation", "person"]}
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if primary_key:
        schema["primaryKey"] = primary_key
    return schema


def _csv(name: str, path: str, schema: dict[str, Any] | str, title: str) -> dict[str, Any]:
    return {"name": name, "title": title, "path": path, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": True},
            "schema": schema}


REGISTER_SCHEMA_FILE = "register.schema.json"


def latest_resources(columns: tuple[str, ...], path: str = "", name: str = "", of: str = "",
                     changes: bool = True) -> list[dict[str, Any]]:
    """A register's latest files (or the combined export's) as resources: `path` and `name`
    prefix their paths and names, `of` says whose they are in their titles."""
    said = f" ({of})" if of else ""
    resources = [_csv(f"{name}latest", f"{path}latest.csv", table_schema(columns, primary_key="entry_id"),
                      "The register as last read" + said)]
    if changes:
        resources.append(_csv(f"{name}changes", f"{path}changes.csv", table_schema(CHANGE_COLUMNS),
                              "Every change detected" + said))
    return [*resources,
            {"name": f"{name}latest-xlsx", "path": f"{path}latest.xlsx", "format": "xlsx",
             "title": "The register as last read, as a spreadsheet (every cell text)" + said,
             "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             # typed by the register's schema: left to guess, a tool reads a column empty in
             # its first rows (domains) as some other type
             "schema": f"{path}{REGISTER_SCHEMA_FILE}"},
            {"name": f"{name}latest-json", "path": f"{path}latest.json", "format": "json",
             "mediatype": "application/json",
             "title": "The register as last read, with lists as lists and the raw replies' SHA-256" + said}]


def datapackage(source: str, snapshot_files: list[str], generated_at: str,
                columns: tuple[str, ...] = EXPORT_COLUMNS) -> dict[str, Any]:
    """The package of one source's exports; `snapshot_files` relative to its folder."""
    resources = latest_resources(columns)
    # Each dated state is a resource of its own (each file has its header row), sharing
    # the register's schema from a file, so the package grows by a few lines a snapshot.
    resources += [_csv(f"snapshot-{name.rsplit('/', 1)[-1][:-4].lower()}", name, REGISTER_SCHEMA_FILE,
                       "The register as it stood then") for name in snapshot_files]
    return {"name": source.replace("_", "-"), "title": f"regwatch: {source}",
            "profile": "data-package", "created": generated_at,
            "description": ("Exports of an official register of 'undesirable' organisations, "
                            if columns == EXPORT_COLUMNS else
                            "Exports of an official Russian register of organisations and persons "
                            "(entity_type), with their identifiers, other names and web domains, ")
                           + "kept by regwatch; every row names its official source (source_url).",
            "resources": resources}

"""The data dictionary: what every exported column means (English and Russian) and its
type, and the Frictionless Data package (`datapackage.json`) written beside the exports
so the downloads load into any data tool with their types. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# The exported columns, in their order.
EXPORT_COLUMNS = (
    "entry_id", "number", "name", "name_ru", "name_original", "acronyms", "country",
    "country_code", "designated_on", "designated_by", "listed_on", "listing_order",
    "excluded_on", "exclusion_order", "status", "first_seen", "last_changed", "source_url",
)
CHANGE_COLUMNS = ("detected_at", "kind", "entry_id", "number", "name", "field", "old", "new")

# The meaning of every exported column: (English, Russian).
COLUMN_MEANINGS: dict[str, tuple[str, str]] = {
    "entry_id": ("regwatch's stable id of the entry: the source and the number it had when first "
                 "seen; never reused.",
                 "Постоянный идентификатор записи в regwatch: источник и номер при первом "
                 "появлении; не переиспользуется."),
    "number": ("The entry's number in the official register (it can change on a renumbering).",
               "Номер записи в официальном реестре (может измениться при перенумерации)."),
    "name": ("The name exactly as published, country included.",
             "Название точно как опубликовано, вместе со страной."),
    "name_ru": ("The Russian name(s) split out of the published name.",
                "Русское название (названия), выделенное из опубликованного."),
    "name_original": ("The original-language name(s) split out of the published name.",
                      "Название (названия) на языке оригинала, выделенное из опубликованного."),
    "acronyms": ("Acronyms given in the published name.",
                 "Аббревиатуры из опубликованного названия."),
    "country": ("The country as the register writes it (in Russian).",
                "Страна так, как её пишет реестр."),
    "country_code": ("The country as an ISO 3166-1 alpha-2 code; empty when none is stated.",
                     "Код страны по ISO 3166-1 alpha-2; пусто, если страна не указана."),
    "designated_on": ("Date of the Prosecutor General's decision declaring the organisation "
                      "undesirable.",
                      "Дата решения Генеральной прокуратуры о признании деятельности "
                      "нежелательной."),
    "designated_by": ("The authority that took that decision.", "Орган, принявший это решение."),
    "listed_on": ("Date of the Ministry of Justice order including the entry in the register.",
                  "Дата распоряжения Минюста о включении в реестр."),
    "listing_order": ("Number of that inclusion order.", "Номер распоряжения о включении."),
    "excluded_on": ("Date of exclusion from the register; empty while listed.",
                    "Дата исключения из реестра; пусто, пока организация в реестре."),
    "exclusion_order": ("Number of the exclusion order.", "Номер распоряжения об исключении."),
    "status": ("listed or excluded.", "listed (в реестре) или excluded (исключена)."),
    "first_seen": ("When regwatch first saw the entry (UTC).",
                   "Когда regwatch впервые увидел запись (UTC)."),
    "last_changed": ("When regwatch last saw the entry change (UTC).",
                     "Когда regwatch последний раз заметил изменение записи (UTC)."),
    "source_url": ("The official register the row was read from.",
                   "Официальный реестр, из которого прочитана строка."),
    "detected_at": ("When regwatch detected the change (UTC).",
                    "Когда regwatch заметил изменение (UTC)."),
    "kind": ("added, excluded, reinstated, removed, modified or renumbered.",
             "added, excluded, reinstated, removed, modified или renumbered."),
    "field": ("For an edit: the column that changed.", "Для правки: изменившийся столбец."),
    "old": ("For an edit: the value before.", "Для правки: прежнее значение."),
    "new": ("For an edit: the value after.", "Для правки: новое значение."),
}


# Frictionless Table Schema types; a column not named here is a string. Lists are
# joined with " | " in CSV (see export.py), so they are strings too.
FIELD_TYPES: dict[str, str] = {
    "number": "integer", "designated_on": "date", "listed_on": "date", "excluded_on": "date",
    "first_seen": "datetime", "last_changed": "datetime", "detected_at": "datetime",
}
_DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # as written: 2026-08-14T10:15:00+00:00


def table_schema(columns: Iterable[str], primary_key: str | None = None) -> dict[str, Any]:
    fields = []
    for column in columns:
        kind = FIELD_TYPES.get(column, "string")
        field: dict[str, Any] = {"name": column, "type": kind,
                                 "description": COLUMN_MEANINGS[column][0]}
        if kind == "datetime":
            field["format"] = _DATETIME_FORMAT
        if column == "status":
            field["constraints"] = {"enum": ["listed", "excluded"]}
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


def datapackage(source: str, snapshot_files: list[str], generated_at: str) -> dict[str, Any]:
    """The package of one source's exports; `snapshot_files` relative to its folder."""
    register = table_schema(EXPORT_COLUMNS, primary_key="entry_id")
    resources = [
        _csv("latest", "latest.csv", register, "The register as last read"),
        _csv("changes", "changes.csv", table_schema(CHANGE_COLUMNS), "Every change detected"),
        {"name": "latest-xlsx", "path": "latest.xlsx", "format": "xlsx", "title": "The register as "
         "last read, as a spreadsheet (every cell text)",
         "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        {"name": "latest-json", "path": "latest.json", "format": "json", "mediatype": "application/json",
         "title": "The register as last read, with lists as lists and the raw replies' SHA-256"},
    ]
    # Each dated state is a resource of its own (each file has its header row), sharing
    # the register's schema from a file, so the package grows by a few lines a snapshot.
    resources += [_csv(f"snapshot-{name.rsplit('/', 1)[-1][:-4].lower()}", name, REGISTER_SCHEMA_FILE,
                       "The register as it stood then") for name in snapshot_files]
    return {"name": source.replace("_", "-"), "title": f"regwatch: {source}",
            "profile": "data-package", "created": generated_at,
            "description": "Exports of an official register of 'undesirable' organisations, "
                           "kept by regwatch; every row names its official source (source_url).",
            "resources": resources}

"""The register as FollowTheMoney entities, the shape the large sanctions-data projects
publish and investigators' tools (Aleph, yente, nomenklatura) read.

Each entry becomes a subject (Person, or Organization) and one Sanction entity for its
listing (authority, programme, listing, designation and exclusion dates, the official
source). Ids are stable: made from the entry's id (which names its register), so the same
organisation keeps the same FtM id across exports and snapshots.

Built as plain dictionaries (`{"id", "schema", "properties"}`, one per line when written):
the `followthemoney` package is large and slow to import, so it is not needed to write
the file; the tests validate every entity with it. Pure: no I/O but the handle given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import IO, Any

from pipelines.register.models import EXCLUDED, Entry

_NOT_IN_ID = re.compile(r"[^0-9a-zA-Z.-]+")


def ftm_id(*parts: str) -> str:
    """An FtM entity id (letters, digits, dots and hyphens) made of `parts`, stable by them."""
    return "regwatch-" + "-".join(_NOT_IN_ID.sub("-", part).strip("-") for part in parts)


def _values(*groups: Iterable[str]) -> list[str]:
    """Non-empty values, first occurrence kept, in order."""
    seen: dict[str, None] = {}
    for group in groups:
        for value in group:
            if value and value.strip():
                seen.setdefault(value.strip(), None)
    return list(seen)


def _utc_seconds(stamp: str) -> str:
    """'2026-08-14T10:15:00.123+00:00' → '2026-08-14T10:15:00': FtM dates carry no offset."""
    return stamp[:19]


def _properties(**values: Iterable[str]) -> dict[str, list[str]]:
    return {key: found for key, group in values.items() if (found := _values(group))}


def subject(entry: Entry) -> dict[str, Any]:
    """The listed person or organisation."""
    person = getattr(entry, "entity_type", "organisation") == "person"
    identifiers = dict(getattr(entry, "identifiers", ()))
    names = _values(entry.name_ru, entry.name_original, getattr(entry, "aliases", ()))
    properties = _properties(
        name=[entry.name],
        alias=[n for n in names if n != entry.name],
        abbreviation=() if person else entry.acronyms,
        country=[entry.country_code.lower()] if entry.country_code else (),
        innCode=[identifiers.get("inn", "")],
        ogrnCode=() if person else [identifiers.get("ogrn", "")],
        website=getattr(entry, "domains", ()),
        sourceUrl=[entry.source_url],
    )
    return {"id": ftm_id(entry.entry_id), "schema": "Person" if person else "Organization",
            "properties": properties}


def sanction(entry: Entry, register: str, programme: str, publisher: str) -> dict[str, Any]:
    """The listing itself: who decided, under which list, from when to when."""
    properties = _properties(
        entity=[ftm_id(entry.entry_id)],
        authority=[entry.designated_by],
        program=[programme],
        programId=[register],
        recordId=[str(entry.number)],
        country=["ru"],
        listingDate=[entry.listed_on],
        startDate=[entry.designated_on or entry.listed_on],
        endDate=[entry.excluded_on],
        status=[entry.status],
        provisions=[entry.listing_order],
        reason=[getattr(entry, "decision", "")],
        sourceUrl=[entry.source_url],
        publisher=[publisher],
        modifiedAt=[_utc_seconds(entry.last_changed)],
    )
    if entry.status == EXCLUDED and entry.exclusion_order:
        properties.setdefault("summary", []).append(entry.exclusion_order)
    return {"id": ftm_id(entry.entry_id, "sanction"), "schema": "Sanction",
            "properties": properties}


def entities(entries: Iterable[Entry], register: str, programme: str,
             publisher: str) -> Iterator[dict[str, Any]]:
    """Each entry's subject, then its Sanction."""
    for entry in entries:
        yield subject(entry)
        yield sanction(entry, register, programme, publisher)


def write_ftm(handle: IO[bytes], entries: Iterable[Entry], register: str, programme: str,
              publisher: str) -> None:
    """Line-delimited FtM JSON (one entity per line), as `ftm` and Aleph import it."""
    for entity in entities(entries, register, programme, publisher):
        handle.write(json.dumps(entity, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n")

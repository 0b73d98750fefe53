"""The register's domain objects: a Pull (scraper.items) becomes Entries, compared into Changes."""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter

LISTED = "listed"
EXCLUDED = "excluded"

# Entity types: unregistered associations and media outlets are organisations too.
ORGANISATION = "organisation"
PERSON = "person"

# Change kinds, in the order a reader wants them.
ADDED = "added"
EXCLUDED_KIND = "excluded"
REINSTATED = "reinstated"
REMOVED = "removed"
MODIFIED = "modified"
RENUMBERED = "renumbered"


class SourceRefused(Exception):
    """A crawl whose data cannot be trusted; the message names the source and the problem."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One organisation in a register, normalised. Lists are tuples so entries compare by value."""

    entry_id: str
    number: int
    name: str
    name_ru: tuple[str, ...] = ()
    name_original: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    country: str = ""
    country_code: str = ""
    designated_on: str = ""
    designated_by: str = ""
    listed_on: str = ""
    listing_order: str = ""
    excluded_on: str = ""
    exclusion_order: str = ""
    status: str = LISTED
    first_seen: str = ""
    last_changed: str = ""
    source_url: str = ""
    raw: tuple[tuple[str, str], ...] = ()  # the published cells, for traceability
    # Registers of people and organisations (foreign agents, extremist, terrorist lists).
    # Appended with defaults: entries stored before they existed load unchanged.
    entity_type: str = ORGANISATION  # ORGANISATION or PERSON
    agent_kind: str = ""  # the register's own kind text ("Физическое лицо", "СМИ"…), as published
    surname: str = ""  # a person's name parts («Surname Given Patronymic»), for matching
    given_name: str = ""
    patronymic: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()  # (("inn", "…"), ("ogrn", "…")), as checked
    aliases: tuple[str, ...] = ()  # the other names the register gives (in «», a pseudonym)
    domains: tuple[str, ...] = ()  # web domains, lower case, without scheme or path
    decision: str = ""  # the grounds or court decision, as published
    # Read from `decision` on the court lists (terrorist, extremist): the first court act's
    # date and number (designated_on is its entry into force when given, designated_by its court).
    decision_date: str = ""
    decision_number: str = ""


_FIELD_NAMES = tuple(f.name for f in fields(Entry))
_after_identity = attrgetter(*_FIELD_NAMES[1:])
_FIRST_SEEN, _LAST_CHANGED = _FIELD_NAMES.index("first_seen"), _FIELD_NAMES.index("last_changed")


def with_identity(entry: Entry, entry_id: str, first_seen: str, last_changed: str) -> Entry:
    """`replace(entry, entry_id=…, first_seen=…, last_changed=…)`, built positionally: a
    first crawl gives 100 000 entries their ids, and `replace` costs three times as much."""
    values = [entry_id, *_after_identity(entry)]
    values[_FIRST_SEEN], values[_LAST_CHANGED] = first_seen, last_changed
    return Entry(*values)


# The fields whose change is a change of the entry (identity and bookkeeping excluded).
CONTENT_FIELDS = tuple(
    f.name
    for f in fields(Entry)
    if f.name not in ("entry_id", "first_seen", "last_changed", "raw", "source_url")
)


@dataclass(frozen=True)
class Change:
    kind: str
    entry_id: str
    number: int
    name: str
    field: str = ""
    old: str = ""
    new: str = ""
    detected_at: str = ""

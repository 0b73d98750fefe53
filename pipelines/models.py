"""The domain objects a crawl walks through: RawReply → Pull → Entry → Change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields

LISTED = "listed"
EXCLUDED = "excluded"

# Change kinds, in the order a reader wants them.
ADDED = "added"
EXCLUDED_KIND = "excluded"
REINSTATED = "reinstated"
REMOVED = "removed"
MODIFIED = "modified"
RENUMBERED = "renumbered"


class SourceRefused(Exception):
    """A crawl whose data cannot be trusted; the message names the source and the problem."""


@dataclass(frozen=True)
class RawReply:
    """One reply exactly as the server sent it, archived before anything parses it."""

    url: str
    method: str
    request_body: str
    status: int
    content_type: str
    body: bytes
    fetched_at: str  # ISO 8601 UTC

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class Pull:
    """Everything one crawl of a register brought back, before normalisation."""

    source: str  # e.g. "ru_minjust_undesirable"
    rows: list[dict[str, str]]  # canonical field name → published text
    size: int  # the total the service announced
    replies: list[RawReply] = field(default_factory=list)
    last_modified: int | None = None  # the service's own change stamp (epoch ms)
    started_at: str = ""
    source_url: str = ""  # the human view of the register, cited in every row
    channel: str = "api"  # "api" (/values) or "xlsx" (/export)
    as_of: str = ""  # the data date the source itself states (the XLSX's A2), ISO 8601
    captured_at: str = ""  # an archived copy: when the archive captured it (the snapshot's time)


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

"""A big pull normalised in two processes: a forked child parses the second half of the
rows while the crawl's own process parses the first (a first crawl of 100 000 rows spends
most of its time here, and the machine has two cores). The child sends its entries back
as plain tuples. The result is the one process's: the same entries, kept ids and problems,
in the same order, the duplicate numbers checked over every row.

One process does it all where fork does not exist, for a small pull, and when most rows
are stored already (a later crawl parses only what changed).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from operator import attrgetter
from typing import IO, Any, TypeVar

from pipelines.register.models import Entry
from pipelines.register.normalise import DEFAULT_PROFILE, Part, Problem, Profile, duplicate_numbers, normalise_part

MIN_ROWS = 20_000  # rows to parse: below this, a fork costs more than the half it saves
_CHUNK = 5000  # entries sent at a time
_PROTOCOL = pickle.HIGHEST_PROTOCOL

_T = TypeVar("_T")
RowOf = Callable[[Any], dict[str, str]]  # makes a row from what a list of rows holds
_entry_values = attrgetter(*(f.name for f in fields(Entry)))


def drained(items: list[_T]) -> Iterator[_T]:
    """The items in order, each gone from the list once handed out: a row's cells live on in
    its entry, and a 100 000-row pull never sits in memory beside its entries."""
    items.reverse()
    while items:
        yield items.pop()


def normalise_changed(rows: list[Any], source_url: str, stored: Mapping[str, str],
                      profile: Profile = DEFAULT_PROFILE, fingerprints: list[str] | None = None,
                      kept: Part | None = None, row_of: RowOf | None = None,
                      ) -> tuple[list[Entry], list[str], list[Problem]]:
    """normalise.normalise_changed of `rows` (and their `fingerprints`, when made), both
    lists emptied as they are read. `kept`: the pull's other rows, kept already
    (normalise.split_kept): in the kept ids, and in the check of duplicate numbers.
    `row_of`: makes each row from what `rows` holds (its line: scraper.items.Pull.lines) as
    it is normalised, in the process that normalises it: no list of every row is made."""
    if not hasattr(os, "fork") or len(rows) - len(stored) < MIN_ROWS:
        parts = [normalise_part(_made(drained(rows), row_of), source_url, stored, profile,
                                drained(fingerprints) if fingerprints else None)]
    else:
        parts = _in_two(rows, source_url, stored, profile, fingerprints or None, row_of)
    if kept is not None:
        parts.append(kept)
    numbers = [n for part in parts for n in part.numbers()]
    return ([e for part in parts for e in part.entries], [i for part in parts for i in part.kept],
            [p for part in parts for p in part.problems] + duplicate_numbers(numbers))


def _made(rows: Iterable[Any], row_of: RowOf | None) -> Iterable[dict[str, str]]:
    return rows if row_of is None else map(row_of, rows)


def _in_two(rows: list[Any], source_url: str, stored: Mapping[str, str], profile: Profile,
            fingerprints: list[str] | None, row_of: RowOf | None) -> list[Part]:
    half = len(rows) // 2
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(reader)
        _child(writer, _made(rows[half:], row_of), source_url, stored, profile,
               fingerprints[half:] if fingerprints else None)
    os.close(writer)
    del rows[half:]  # the child's now: the parent lets them go before it parses its own half
    if fingerprints:
        del fingerprints[half:]
    try:
        first = normalise_part(_made(drained(rows), row_of), source_url, stored, profile,
                               drained(fingerprints) if fingerprints else None)
        with os.fdopen(reader, "rb") as sent:
            reader = -1
            found = _received(sent)
    finally:
        if reader != -1:
            os.close(reader)  # the parent failed: the child's write fails and it ends
        _, status = os.waitpid(pid, 0)
    if isinstance(found, BaseException):
        raise found
    if found is None or status != 0:
        raise RuntimeError(f"the process normalising the second half of the rows failed "
                           f"(wait status {status})")
    return [first, found]


def _received(sent: IO[bytes]) -> Part | BaseException | None:
    """The child's part (its entries come in chunks, each made into entries before the next
    is read: the whole half never sits in memory twice), its error, or None if it died."""
    try:
        entries: list[Entry] = []
        while isinstance(found := pickle.load(sent), list):
            entries.extend(Entry(*values) for values in found)
        if isinstance(found, BaseException):
            return found
        kept, problems, kept_numbers = found
        return Part(entries, kept, problems, kept_numbers)
    except (EOFError, pickle.UnpicklingError):
        return None


def _child(writer: int, rows: Iterable[dict[str, str]], source_url: str, stored: Mapping[str, str],
           profile: Profile, fingerprints: list[str] | None) -> None:
    """Normalise `rows`, send the part (or the error) through `writer`, exit at once: none of
    the parent's cleanup (its database connection, its files, Scrapy) runs here."""
    code = 0
    sent: object = None  # the rest of the part, or the error
    entries: list[Entry] = []
    try:
        part = normalise_part(rows, source_url, stored, profile, fingerprints)
        entries, sent = part.entries, (part.kept, part.problems, part.kept_numbers)
    except Exception as exc:  # noqa: BLE001  (handed to the parent, which raises it)
        sent, code = exc, 1
    try:
        with os.fdopen(writer, "wb") as out:
            for start in range(0, len(entries), _CHUNK):  # plain tuples: cheap to pickle
                pickle.dump([_entry_values(e) for e in entries[start:start + _CHUNK]], out, _PROTOCOL)
            pickle.dump(sent, out, _PROTOCOL)
    except BaseException:  # noqa: BLE001  (an error that does not pickle, a parent gone)
        code = 1
    finally:
        os._exit(code)

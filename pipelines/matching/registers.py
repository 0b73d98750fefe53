""""Are we, or anyone we work with, on any list?": one answer per register.

Organisations are found by the register's name index (index.py); people by their names
as typed (persons.py: any transliteration, given name first or last, no patronymic);
anyone by an INN or OGRN, exactly. Pure: the indexes are built by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from pipelines.i18n.catalog import translator
from pipelines.matching.index import LISTED_SCORE, RegisterIndex, Verdict, verdict_record
from pipelines.matching.persons import PersonIndex
from pipelines.register.models import EXCLUDED, PERSON, Entry

LISTED, EXCLUDED_WORD, POSSIBLE, NOT_LISTED = "listed", "excluded", "possible", "not listed"
RULE_IDENTIFIER, RULE_PERSON = "identifier", "person"

# An INN has 10 (organisations) or 12 (people) digits, an OGRN 13 (organisations) or 15.
_SCHEME_BY_LENGTH = {10: "inn", 12: "inn", 13: "ogrn", 15: "ogrn"}
_IDENTIFIER = re.compile(r"^\s*(?:(?:инн|inn|огрнип|огрн|ogrn)\s*[:№#]?\s*)?(\d[\d\s-]*\d)\s*$", re.I)


def identifier_of(query: str) -> tuple[str, str] | None:
    """('inn' | 'ogrn', digits) when the query is an identifier ("7707083893", "ИНН 7707 083893")."""
    found = _IDENTIFIER.match(query)
    if not found:
        return None
    digits = re.sub(r"\D", "", found.group(1))
    scheme = _SCHEME_BY_LENGTH.get(len(digits))
    return (scheme, digits) if scheme else None


def verdict_word(verdict: Verdict) -> str:
    """listed; excluded (a confident match of an entry no longer listed); possible; not listed."""
    if verdict.listed:
        return LISTED
    if verdict.matches and verdict.matches[0].score >= LISTED_SCORE:
        return EXCLUDED_WORD
    return POSSIBLE if verdict.matches else NOT_LISTED


@dataclass(frozen=True)
class Found:
    """An entry found by its identifier or a person's name, and how."""

    entry: Entry
    how: str  # "inn" | "ogrn" | a PersonMatch's how: "name", "full_name", "pseudonym"


@dataclass(frozen=True)
class RegisterAnswer:
    source: str
    word: str  # LISTED | EXCLUDED_WORD | POSSIBLE | NOT_LISTED
    rule: str  # RULE_IDENTIFIER, RULE_PERSON, or the name verdict's rule
    found: tuple[Found, ...] = ()  # what decided an identifier's or a person's answer
    verdict: Verdict | None = None  # the organisations' name check, when it decided

    @property
    def listed(self) -> bool:
        return self.word == LISTED


class Register:
    """One register's ways of being found."""

    def __init__(self, source: str, entries: Iterable[Entry], names: RegisterIndex) -> None:
        self.source, self.names = source, names
        self.entries = list(entries)
        self.persons = PersonIndex(e for e in self.entries if e.entity_type == PERSON)
        self.by_identifier = _by_identifier(self.entries)

    def state(self) -> dict[str, object]:
        """The register and its indexes as plain data (pipelines.publish.name_index stores
        it): each entry a tuple of Entry's fields, without the published cells (a check never
        shows them); an index's entry by its position, unless announcements renamed it."""
        position_of = {id(entry): position for position, entry in enumerate(self.entries)}
        return {"source": self.source, "fields": _FIELDS, "entries": [_row(e) for e in self.entries],
                "names": {**self.names.state(),
                          "entries": [position_of.get(id(e), _row(e)) for e in self.names.entries]},
                "persons": self.persons.state(position_of)}

    @classmethod
    def restore(cls, state: dict) -> Register:
        """The register `state` describes; ValueError when Entry's fields have changed since."""
        if tuple(state["fields"]) != _FIELDS:
            raise ValueError("the index was stored with other entry fields")
        register = cls.__new__(cls)
        register.source, register.entries = state["source"], [Entry(*row) for row in state["entries"]]
        names = state["names"]
        register.names = RegisterIndex.restore(
            [register.entries[e] if isinstance(e, int) else Entry(*e) for e in names["entries"]], names)
        register.persons = PersonIndex.restore(register.entries, state["persons"])
        register.by_identifier = _by_identifier(register.entries)
        return register

    def check(self, query: str, limit: int = 5,
              false_positives: Collection[tuple[str, str]] = ()) -> RegisterAnswer:
        ruled = {entry_id for q, entry_id in false_positives if q.casefold() == query.strip().casefold()}
        if (identifier := identifier_of(query)) is not None:
            hits = [e for e in self.by_identifier.get(identifier, []) if e.entry_id not in ruled]
            return RegisterAnswer(self.source, _word_of(hits) if hits else NOT_LISTED, RULE_IDENTIFIER,
                                  tuple(Found(e, identifier[0]) for e in hits))
        people = [(e, m) for e, m in self.persons.find(query) if e.entry_id not in ruled]
        if people:
            return RegisterAnswer(self.source, _word_of([e for e, _ in people]), RULE_PERSON,
                                  tuple(Found(e, m.how) for e, m in people[:limit]))
        verdict = self.names.check(query, limit=limit, false_positives=false_positives)
        return RegisterAnswer(self.source, verdict_word(verdict), verdict.rule, verdict=verdict)


_FIELDS = tuple(f.name for f in fields(Entry))


def _row(entry: Entry) -> tuple:
    return tuple(() if name == "raw" else getattr(entry, name) for name in _FIELDS)


def _by_identifier(entries: Iterable[Entry]) -> dict[tuple[str, str], list[Entry]]:
    found: dict[tuple[str, str], list[Entry]] = {}
    for entry in entries:
        for scheme, value in entry.identifiers:
            found.setdefault((scheme, value), []).append(entry)
    return found


def _word_of(entries: Sequence[Entry]) -> str:
    return EXCLUDED_WORD if all(e.status == EXCLUDED for e in entries) else LISTED


def check_registers(registers: Mapping[str, Register], query: str, limit: int = 5,
                    false_positives: Collection[tuple[str, str]] = ()) -> list[RegisterAnswer]:
    """The answer of every register, in the order given."""
    return [register.check(query, limit, false_positives) for register in registers.values()]


def deciding(answers: Sequence[RegisterAnswer]) -> RegisterAnswer:
    """The answer a one-line verdict states: the first listed, else excluded, else possible,
    else the first register's."""
    for word in (LISTED, EXCLUDED_WORD, POSSIBLE):
        for answer in answers:
            if answer.word == word:
                return answer
    return answers[0]


def answer_record(answer: RegisterAnswer, query: str) -> dict[str, object]:
    """An answer as `verdict_record` gives a name verdict: found entries are its matches."""
    if answer.verdict is not None:
        return verdict_record(answer.verdict)
    return {"query": query, "listed": answer.listed, "rule": answer.rule,
            "explanation": translator("en")(f"cli.check.found.{answer.found[0].how}") if answer.found else "",
            "matches": [{"entry_id": f.entry.entry_id, "number": f.entry.number, "name": f.entry.name,
                         "status": f.entry.status, "designated_on": f.entry.designated_on,
                         "listed_on": f.entry.listed_on, "score": 100.0, "matched_on": f.entry.name,
                         "part": "identifier" if answer.rule == RULE_IDENTIFIER else "person",
                         "how": f.how, "rule": answer.rule, "alias_source": ""} for f in answer.found]}


def answer_entry(answer: RegisterAnswer) -> Entry | None:
    """The entry an answer names first: a found one, else the name verdict's best match."""
    if answer.found:
        return answer.found[0].entry
    if answer.verdict is not None and answer.verdict.matches:
        return answer.verdict.matches[0].entry
    return None

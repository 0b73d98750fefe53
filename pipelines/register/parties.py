"""What registers of people and organisations add to a name: whether it is a person, a
person's name parts, the other names in «», web domains, identifiers. Pure.

Persons are published «Surname Given Patronymic» in Russian only, sometimes with a
pseudonym in quotes ("Максим Блант") or an earlier surname in brackets («(Туркова)»):
they never go through the organisation-name splitter (names.split_name), which would
read them as an organisation's Russian name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipelines.register.models import ORGANISATION, PERSON
from pipelines.register.names import normalise_whitespace

# The register's own kind text that means a natural person («Физическое лицо»).
_PERSON_KIND = re.compile(r"физическ|^\s*лицо\s*$", re.IGNORECASE)
# INN: 10 digits (organisation) or 12 (person); OGRN: 13, or 15 (OGRNIP).
IDENTIFIER_DIGITS = {"inn": (10, 12), "ogrn": (13, 15)}


@dataclass(frozen=True)
class PersonName:
    surname: str
    given_name: str
    patronymic: str
    aliases: tuple[str, ...]  # pseudonyms in quotes, names in brackets
    name: str  # the name alone: «Surname Given Patronymic», without the aliases


def entity_type(agent_kind: str, entity_kinds: tuple[str, ...]) -> str:
    """PERSON when the row's kind says so, or when the register lists persons only."""
    if agent_kind:
        return PERSON if _PERSON_KIND.search(agent_kind) else ORGANISATION
    return PERSON if entity_kinds == (PERSON,) else ORGANISATION


_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|\(([^()]+)\)|«([^«»]+)»')


def split_person(published: str) -> PersonName:
    """'Матвейченков Максим Владимирович "Максим Блант"' → surname, given name,
    patronymic and the pseudonym as an alias. A name of two words has no patronymic;
    words past the third (a double patronymic such as «Оглы») stay with the patronymic."""
    text = normalise_whitespace(published)
    aliases = tuple(dict.fromkeys(
        alias for m in _QUOTED.finditer(text)
        for part in (next(g for g in m.groups() if g is not None),)
        for alias in (a.strip(" ,;") for a in part.split(","))
        if alias))
    name = normalise_whitespace(_QUOTED.sub(" ", text)).strip(" ,;")
    words = name.split()
    surname = words[0] if words else ""
    given = words[1] if len(words) > 1 else ""
    patronymic = " ".join(words[2:])
    return PersonName(surname, given, patronymic, aliases, name)


def quoted_names(published: str) -> list[str]:
    """The names in «» at the outer level, in order, each with its own inner quotes
    («Общество «Петербургская ЭГИДА»» is one name). A quote left open runs to the end."""
    names, depth, start = [], 0, 0
    for i, ch in enumerate(published):
        if ch == "«":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "»" and depth:
            depth -= 1
            if depth == 0:
                names.append(published[start:i])
    if depth:
        names.append(published[start:])
    return [n for n in (normalise_whitespace(n) for n in names) if n]


def organisation_aliases(published: str) -> tuple[str, ...]:
    """The other names of an organisation: every name in «» after the first, which is
    its own name («ЕЖ» («BRIEF», «ЕЖ/дневник») → BRIEF, ЕЖ/дневник)."""
    names = quoted_names(normalise_whitespace(published))
    first = names[0] if names else ""
    return tuple(dict.fromkeys(n for n in names[1:] if n != first))


_DOMAIN = re.compile(r"^(?:[a-z0-9а-яё](?:[a-z0-9а-яё-]*[a-z0-9а-яё])?\.)+[a-zа-яё]{2,}$")


def parse_domains(text: str) -> tuple[tuple[str, ...], list[str]]:
    """'https://theins.ru, www.theins.press;' → (('theins.ru', 'www.theins.press'), problems).
    Domains are compared in lower case; a scheme or path is dropped; anything that is not
    a domain name is a problem, left out."""
    if not text:  # most registers have no domains column: the common case costs nothing
        return (), []
    domains: list[str] = []
    problems: list[str] = []
    for token in re.split(r"[\s,;]+", text):
        if not token:
            continue
        host = re.sub(r"^[a-z]+://", "", token.lower()).split("/", 1)[0].rstrip(".")
        if _DOMAIN.match(host):
            if host not in domains:
                domains.append(host)
        else:
            problems.append(f"not a domain name: {token!r}; left out")
    return tuple(domains), problems


def parse_identifier(kind: str, text: str) -> tuple[str, str]:
    """('inn', ' 7707304743 ') → ('7707304743', ''); a wrong number of digits → ('', problem)."""
    value = re.sub(r"\s+", "", text) if text else ""
    if not value:
        return "", ""
    if value.isdigit() and len(value) in IDENTIFIER_DIGITS[kind]:
        return value, ""
    lengths = " or ".join(str(n) for n in IDENTIFIER_DIGITS[kind])
    return "", f"{kind.upper()} {text!r} is not {lengths} digits; left out of the identifiers"

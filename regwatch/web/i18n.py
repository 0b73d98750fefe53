"""How a request picks its language, and the pages' words in it (the phrase catalog,
`pipelines/i18n`: `web.*` for the pages' own words, `field.*` for the columns).

`?lang=en|ru` wins; else the first of the two named in Accept-Language; else English.
Every string is plain text: the templates escape it like any other value.
"""

from __future__ import annotations

import re

from pipelines.i18n.catalog import DEFAULT, LANGUAGES, Translator, translator
from pipelines.i18n.phrase import said_in

# Country names for the ISO codes the register uses (the register itself writes Russian).
COUNTRY_NAMES_EN: dict[str, str] = {
    "AM": "Armenia", "AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan", "BE": "Belgium",
    "BG": "Bulgaria", "BY": "Belarus", "CA": "Canada", "CH": "Switzerland", "CY": "Cyprus",
    "CZ": "Czechia", "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "ES": "Spain",
    "FI": "Finland", "FR": "France", "GB": "United Kingdom", "GE": "Georgia", "GR": "Greece",
    "HR": "Croatia", "HU": "Hungary", "IE": "Ireland", "IL": "Israel", "IS": "Iceland",
    "IT": "Italy", "JP": "Japan", "KZ": "Kazakhstan", "LI": "Liechtenstein", "LT": "Lithuania",
    "LU": "Luxembourg", "LV": "Latvia", "MC": "Monaco", "MD": "Moldova", "ME": "Montenegro",
    "MN": "Mongolia", "MT": "Malta", "NL": "Netherlands", "NO": "Norway", "PL": "Poland",
    "PT": "Portugal", "RO": "Romania", "RS": "Serbia", "SE": "Sweden", "SI": "Slovenia",
    "SK": "Slovakia", "TR": "Turkey", "UA": "Ukraine", "US": "United States",
}

_ACCEPT_PART = re.compile(r"\s*([A-Za-z]{1,8})(?:-[A-Za-z0-9]{1,8})*\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*")


def pick_language(asked: str | None, accept_language: str | None) -> str:
    """?lang= if it names a language we have; else the preferred one of Accept-Language."""
    if asked in LANGUAGES:
        return asked
    ranked = []
    for position, part in enumerate((accept_language or "")[:500].split(",")):
        found = _ACCEPT_PART.fullmatch(part)
        if found and found.group(1).lower() in LANGUAGES:
            try:
                quality = float(found.group(2) or 1)
            except ValueError:
                continue
            ranked.append((-quality, position, found.group(1).lower()))
    return min(ranked)[2] if ranked and min(ranked)[0] < 0 else DEFAULT


def how_text(how: str, lang: str) -> str:
    """The matcher's explanation of a candidate in the page's language."""
    return said_in(how, lang)


def column_label(column: str, lang: str) -> str:
    """A column's (or raw published cell's) one label; the column's name when it has none."""
    return translator(lang).get(f"field.{column}", column)


def outcome_label(outcome: str, t: Translator) -> str:
    """A crawl's outcome (status.json) in words; as written when the catalog lacks it."""
    return t.get(f"web.outcome.{outcome}", outcome)


def country_label(code: str, lang: str, published: str = "") -> str:
    """"United States (US)" in English, the register's own Russian name in Russian."""
    if lang == "en" and code in COUNTRY_NAMES_EN:
        return f"{COUNTRY_NAMES_EN[code]} ({code})"
    return published or code

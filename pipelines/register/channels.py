"""Do two channels of one register say the same? Pure: compares the published cells of
each row, paired by register number, and lists every disagreement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.register.models import Entry

ROW = "row"  # the field of a disagreement where a row is missing on one side


@dataclass(frozen=True)
class Disagreement:
    number: int
    field: str  # a canonical field ("name", "listed_on"…) or ROW
    first: str  # the text in the first channel ("absent" for a missing row)
    second: str


def compare_channels(first: Iterable[Entry], second: Iterable[Entry]) -> list[Disagreement]:
    """Every row where the channels differ, by number, then by field."""
    left = {e.number: dict(e.raw) for e in first}
    right = {e.number: dict(e.raw) for e in second}
    found = []
    for number in sorted(left.keys() | right.keys()):
        if number not in right or number not in left:
            found.append(Disagreement(number, ROW, "present" if number in left else "absent",
                                      "present" if number in right else "absent"))
            continue
        for field in sorted(left[number].keys() | right[number].keys()):
            a, b = left[number].get(field, ""), right[number].get(field, "")
            if a != b:
                found.append(Disagreement(number, field, a, b))
    return found

"""States of the register derived from the real fixtures, for the cases the ministry has
not (yet) produced: an exclusion, a reinstatement, an edit, a renumbering, a renamed column."""

from __future__ import annotations

import copy

from regwatch.fakes.minjust import State


def _copy(state: State) -> State:
    return State(copy.deepcopy(state.info), copy.deepcopy(state.rows), state.export)


def _row(state: State, number: int) -> dict:
    return next(r for r in state.rows if r["field_1_i"] == number)


def with_exclusion(state: State, number: int, day: str = "20.08.2026", order: str = "1234-р") -> State:
    new = _copy(state)
    row = _row(new, number)
    row.update(field_7_s=day, field_8_s=order, field_9_s="18.08.2026", field_10_s="Исключена")
    return new


def with_name(state: State, number: int, name: str) -> State:
    new = _copy(state)
    _row(new, number)["field_5_s"] = name
    return new


def with_numbers_swapped(state: State, a: int, b: int) -> State:
    new = _copy(state)
    row_a, row_b = _row(new, a), _row(new, b)
    row_a["field_1_i"], row_b["field_1_i"] = b, a
    return new


def without_rows(state: State, *numbers: int) -> State:
    new = _copy(state)
    new.rows = [r for r in new.rows if r["field_1_i"] not in numbers]
    return new


def with_inserted_row(state: State, at: int, row: dict) -> State:
    """A row slipped in at position `at`: every later row's number goes up by one."""
    new = _copy(state)
    for r in new.rows:
        if r["field_1_i"] >= at:
            r["field_1_i"] += 1
    new.rows.append({**row, "field_1_i": at})
    return new


def with_column_title(state: State, field: str, title: str) -> State:
    new = _copy(state)
    for column in new.info["columns"]:
        if column["name"] == field:
            column["title"] = title
    return new


def without_column(state: State, field: str) -> State:
    new = _copy(state)
    new.info["columns"] = [c for c in new.info["columns"] if c["name"] != field]
    for row in new.rows:
        row.pop(field, None)
    return new

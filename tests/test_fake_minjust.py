"""The ministry's fake encodes a state's pages ahead (benchmarks/run.py does, so that the
fake's own work is not timed with the crawl): the same bytes as encoded on request, and
never a stale page once the state's rows were replaced or grew."""

from __future__ import annotations

import json

from regwatch.fakes.minjust import State, encoded
from tests.conftest import FIRST_DAY, load_state


def test_pages_encoded_ahead_are_the_pages_encoded_on_request():
    state = load_state(FIRST_DAY)
    offsets = range(0, len(state.rows) + 100, 100)
    on_request = [encoded(state.page(offset, 100)) for offset in offsets]
    state.encode_pages(100)
    assert [state.encoded_page(offset, 100) for offset in offsets] == on_request
    assert json.loads(on_request[-1])["values"] == []  # past the end: still a reply


def test_a_replaced_or_grown_state_forgets_the_pages_encoded_ahead():
    state = load_state(FIRST_DAY)
    state.encode_pages(1000)
    size = len(state.rows)
    state.rows.append({**state.rows[0], "field_1_i": 99_999})
    assert json.loads(state.encoded_page(0, 1000))["size"] == size + 1
    state.encode_pages(1000)
    state.rows = state.rows[:10]
    assert json.loads(state.encoded_page(0, 1000))["size"] == 10


def test_an_unprepared_state_encodes_each_page_on_request():
    state = State(info={}, rows=[{"field_1_i": 2}, {"field_1_i": 1}])
    assert json.loads(state.encoded_page(0, 1))["values"] == [{"field_1_i": 1}]

"""pipelines/collector.py: the cyclic collector paused for work that makes no garbage, and
always given back as it was found."""

from __future__ import annotations

import gc

import pytest

from pipelines import collector


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_back_on_after_even_when_the_work_fails():
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector.paused():
        raise RuntimeError("the crawl failed")
    assert gc.isenabled()


def test_nested_the_outermost_turns_it_back_on():
    with collector.paused():
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner one found it off: it leaves it off
    assert gc.isenabled()


def test_a_collector_found_off_stays_off():
    gc.disable()
    with collector.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()

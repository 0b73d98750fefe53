"""pipelines/forked.py: work done in a forked child comes back as it would have been made here,
its error is raised here, and a child that dies or is let go leaves no process behind."""

from __future__ import annotations

import os
import threading
import time

import pytest

from pipelines import forked


@pytest.fixture(autouse=True)
def alone(monkeypatch):
    """pytest-xdist's worker runs execnet's I/O thread beside the tests, and the work here takes
    no lock: fork as a process with no other thread would."""
    monkeypatch.setattr(forked, "_alone", lambda: True)


def test_the_childs_result_comes_back_and_the_child_is_reaped():
    parent = os.getpid()
    child = forked.started(lambda: {"pid": os.getpid(), "words": ("фонд", "open") * 3}, "testing")
    assert child is not None
    found = child.result()
    assert found["words"] == ("фонд", "open") * 3 and found["pid"] != parent
    with pytest.raises(ChildProcessError):
        os.waitpid(found["pid"], os.WNOHANG)  # reaped already: no zombie left


def test_the_childs_error_is_raised_here():
    def fails() -> None:
        raise ValueError("bad name part «Фонд»")

    child = forked.started(fails, "testing")
    assert child is not None
    with pytest.raises(ValueError, match="bad name part"):
        child.result()


def test_a_child_that_dies_is_an_error_that_says_what_it_did():
    child = forked.started(lambda: os._exit(3), "reading the register's names")
    assert child is not None
    with pytest.raises(forked.ChildDied, match="reading the register's names ended without its result"):
        child.result()


def test_a_child_let_go_is_killed_not_waited_for():
    child = forked.started(lambda: time.sleep(60), "testing")
    assert child is not None
    started = time.monotonic()
    child.close()
    assert time.monotonic() - started < 30  # not the child's 60 s: it was killed
    child.close()  # twice is nothing


def test_no_fork_beside_other_threads(monkeypatch):
    monkeypatch.undo()  # the real test of being alone
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked._alone()
        assert forked.started(lambda: 1, "testing") is None
    finally:
        stop.set()
        thread.join()


def test_no_child_when_none_can_be_made(monkeypatch):
    def fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(forked.os, "fork", fork)
    assert forked.started(lambda: 1, "testing") is None

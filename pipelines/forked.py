"""Pure work done in a forked child while this process does its own share (the machine has
two cores): the child inherits what it needs at the fork, so only its result crosses, pickled.

Where a fork is unsafe or impossible (no os.fork; other threads running, whose locks the
child would inherit held) `started` returns None and the caller does the work itself.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

_T = TypeVar("_T")


class ChildDied(RuntimeError):
    """The child ended without a result (killed, out of memory): the work itself may be sound."""


class Child(Generic[_T]):
    """A forked child's work; `result()` waits for it (raising the child's error, if any)."""

    def __init__(self, pid: int, reader: int, what: str) -> None:
        self._pid, self._reader, self._what = pid, reader, what
        self._status = -1

    def result(self) -> _T:
        try:
            with os.fdopen(self._reader, "rb") as sent:
                self._reader = -1
                data = sent.read()
        finally:
            status = self._reaped()
        try:
            found = pickle.loads(data) if data else None
        except (pickle.UnpicklingError, EOFError) as exc:
            raise ChildDied(f"the process {self._what} sent an unreadable result") from exc
        if isinstance(found, _Failed):
            raise found.error
        if not isinstance(found, _Done) or status != 0:
            raise ChildDied(f"the process {self._what} ended without its result (wait status {status})")
        return found.value

    def close(self) -> None:
        """End the child without its result (this process failed first); nothing once it is read."""
        if self._reader != -1:
            os.close(self._reader)
            self._reader = -1
            if self._pid:
                os.kill(self._pid, signal.SIGKILL)
        self._reaped()

    def _reaped(self) -> int:
        if self._pid:
            _, self._status = os.waitpid(self._pid, 0)
            self._pid = 0
        return self._status


class _Done(Generic[_T]):
    def __init__(self, value: _T) -> None:
        self.value = value


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def started(work: Callable[[], _T], what: str) -> Child[_T] | None:
    """`work()` begun in a forked child (`what` it does, for errors: "building …"), or None
    where this process cannot fork (safely). The child pickles its whole result before it
    writes, so it never waits for this process to read, and exits at once: none of this
    process's cleanup (database connections, files, Scrapy) runs there."""
    if not hasattr(os, "fork") or not _alone():
        return None
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or no process left for a child: this process does the work
        os.close(reader)
        os.close(writer)
        return None
    if pid:
        os.close(writer)
        return Child(pid, reader, what)
    os.close(reader)  # the child: never returns
    code = 0
    try:
        try:
            data = pickle.dumps(_Done(work()), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001  (handed to the parent, which raises it)
            code = 1
            data = pickle.dumps(_Failed(exc), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writer, "wb") as out:
            out.write(data)
    except BaseException:  # noqa: BLE001  (an error that does not pickle, a parent gone)
        code = 1
    finally:
        os._exit(code)


def _alone() -> bool:
    """No other thread in this process: none holds a lock the child would inherit held."""
    return threading.active_count() == 1

"""The cyclic garbage collector, paused for work that makes many long-lived objects and
no garbage (a crawl's rows and entries, a command's imports): the collector would walk
every one of them again each time enough are made, for nothing."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside, back on after (if it was on): whatever cycle was made
    meanwhile is collected then. Nested, the outermost turns it back on."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()

"""Rendered pages kept per snapshot: a register's page depends only on the snapshot shown,
the address (path and query), the language, status.json and the day, so twenty visitors
of `/` share one rendering instead of each filtering and rendering the whole register."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from starlette.responses import HTMLResponse, Response


class PageCache:
    """The last `size` pages rendered (least recently used goes first). A key names the
    snapshot, so a new crawl's pages are rendered afresh and the old ones age out."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[bytes, int]] = OrderedDict()
        self._lock = threading.Lock()

    def page(self, key: Hashable, render: Callable[[], Response]) -> Response:
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
        if found is None:  # rendered outside the lock: two first visitors may both render it
            made = render()
            found = (bytes(made.body), made.status_code)
            with self._lock:
                self._pages[key] = found
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return HTMLResponse(found[0], status_code=found[1])

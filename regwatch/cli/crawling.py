"""`regwatch import-html`: saved or web-archived copies of the old official page, loaded as
historical snapshots in date order (scraper/spiders/minjust_undesirable_html.py)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

_WAYBACK = re.compile(r"/web/(\d{14})")  # web.archive.org/web/20240502123456/https://…
_NAME_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})|(\d{14})")


class ImportError_(ValueError):
    """An input that cannot be imported; the message names it."""


def capture_time(name: str, as_of: str | None) -> str:
    """When the copy was captured, ISO UTC: --as-of when given, else the web archive's
    timestamp in the URL, else a date (or a 14-digit stamp) in the file name."""
    if as_of:
        return f"{as_of}T00:00:00+00:00"
    found = _WAYBACK.search(name) or _NAME_DATE.search(Path(name).name)
    if not found:
        raise ImportError_(f"{name}: cannot tell when this copy was captured: give --as-of "
                           "YYYY-MM-DD, or a web-archive URL, or a file named by its date")
    stamp = next(g for g in found.groups() if g)
    try:
        if len(stamp) == 14:
            moment = datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        else:
            moment = datetime.combine(date.fromisoformat(stamp), datetime.min.time(), UTC)
    except ValueError:
        raise ImportError_(f"{name}: {stamp!r} is not a capture date") from None
    return moment.isoformat(timespec="seconds")


def pages_to_import(inputs: list[str], as_of: str | None) -> list[tuple[str, str]]:
    """(URL, capture time) for every input: URLs as given, files (and the *.html files of a
    folder) as file:// URLs; oldest first."""
    pages = []
    for item in inputs:
        if item.startswith(("http://", "https://")):
            pages.append((item, capture_time(item, as_of)))
            continue
        path = Path(item)
        if not path.exists():
            raise ImportError_(f"{item}: no such file or folder")
        files = sorted(path.glob("*.htm*")) if path.is_dir() else [path]
        if not files:
            raise ImportError_(f"{item}: no .html files in this folder")
        pages += [(f.resolve().as_uri(), capture_time(str(f), as_of)) for f in files]
    return sorted(pages, key=lambda page: page[1])

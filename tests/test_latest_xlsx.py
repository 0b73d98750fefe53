"""latest_xlsx remembers the SHA-256 of the latest.json it last read at each path, so a
long-lived process (the web, the daemon) that sees the file replaced crawl after crawl
keeps one digest per path, never one per version it ever saw, and never a stale one."""

from __future__ import annotations

import hashlib

from pipelines.publish import latest_xlsx
from pipelines.storage.atomic import atomic_write_bytes


def test_one_digest_per_path_and_each_version_hashed_when_it_is_new(tmp_path):
    latest = tmp_path / "latest.json"
    for version in range(5):  # replaced whole, as publish does
        content = b'{"count": %d, "entries": [\n]}\n' % version
        atomic_write_bytes(latest, content)
        with open(latest, "rb") as read:
            comment = latest_xlsx.made_from(read)
            assert read.tell() == 0  # left at its start, for the workbook's maker
        assert comment == latest_xlsx._MADE_FROM + hashlib.sha256(content).hexdigest().encode()
    assert [path for path in latest_xlsx._digests if path.startswith(str(tmp_path))] == [str(latest)]

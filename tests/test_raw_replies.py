"""The raw replies live in the database too (raw_bodies): a worker or web process whose
data directory is empty reparses and shows the replies another process archived."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from pipelines.storage.data_config import DataConfig
from pipelines.storage.raw_archive import Packer, archive_replies, read_reply
from pipelines.storage.store import Store
from regwatch.cli.reparse import reparse
from regwatch.web.app import create_app
from scraper.items import RawReply
from tests.conftest import SECOND_DAY, load_state

pytestmark = pytest.mark.both_backends
SOURCE = "ru_minjust_undesirable"


def test_a_worker_with_an_empty_data_dir_reparses_and_serves_the_replies(crawled, tmp_path):
    crawled.fake.serve(load_state(SECOND_DAY))
    assert crawled.crawl().code == 0  # the other worker: two snapshots, 23 changes
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    store = Store(crawled.database_url)
    try:
        changes = store.changes(SOURCE)
        delta = reparse(store, empty, SOURCE)
        assert (delta.new_changes, delta.dropped_changes, delta.entries_changed) == ([], [], [])
        assert store.changes(SOURCE) == changes and len(changes) == 23
    finally:
        store.close()
    assert not (empty / "raw").exists()  # read from the database, not archived again

    with TestClient(create_app(DataConfig(empty, crawled.database_url), recheck_seconds=0)) as client:
        page = client.get(f"/entry/{SOURCE}/371")  # added by the second crawl
        links = re.findall(r'href="/raw/([0-9a-f]{64})"', page.text)
        assert page.status_code == 200 and len(links) == 2  # /info and the one page of /values
        reply = client.get(f"/raw/{links[1]}")
        assert reply.status_code == 200 and hashlib.sha256(reply.content).hexdigest() == links[1]
        assert "default-src 'none'" in reply.headers["content-security-policy"]  # an HTML reply runs nothing
        assert '"values"' in reply.text
        assert client.get("/raw/" + "0" * 64).status_code == 404
        assert client.get("/raw/not-a-hash").status_code == 404


def test_replies_packed_as_they_arrived_are_archived_as_those_bytes(db_url, tmp_path):
    """A crawl's replies are compressed on a thread as they arrive (raw_archive.Packer): the
    archive stores those very bytes, and they give back what the service sent."""
    bodies = [b'{"size": 2, "values": []}' * 50, "Ёлка".encode() * 40]
    replies = [RawReply(f"https://example.org/{i}", "POST", "{}", 200, "application/json", body,
                        "2026-08-14T10:00:00+00:00") for i, body in enumerate(bodies)]
    packer = Packer()
    for body in bodies:
        packer.add(body)
    ready = packer.ready()
    packer.close()
    assert sorted(ready) == sorted(reply.sha256 for reply in replies) and packer.ready() == {}
    store = Store(db_url)
    try:
        hashes = archive_replies(store, tmp_path, SOURCE, replies, ready=ready)
        assert [store.reply_body(sha) for sha in hashes] == [ready[sha] for sha in hashes]
        assert [read_reply(store, tmp_path, SOURCE, sha) for sha in hashes] == bodies
    finally:
        store.close()

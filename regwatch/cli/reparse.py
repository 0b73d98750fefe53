"""`regwatch reparse`: rebuild a register's snapshots, versions and changes from the raw
replies kept (on disk, or in a PostgreSQL database: pipelines.storage.raw_archive; never
re-downloaded), in one transaction, then rewrite the exports and say what changed in the
rebuilt history."""

from __future__ import annotations

from pathlib import Path

from pipelines.publish.feeds import write_feeds
from pipelines.publish.sync import publish
from pipelines.register.normalise import Profile
from pipelines.register.rebuild import HistoryDelta, SnapshotRows, compare, rebuild
from pipelines.storage.locks import source_lock
from pipelines.storage.raw_archive import read_reply
from pipelines.storage.store import Snapshot, Store
from scraper.items import utc_now
from scraper.parsers.replies import ReplyParseError, rows_from_replies
from scraper.registers.metadata import load_source
from scraper.spiders.minjust_undesirable_html import OLD_PAGE

REPARSED = "reparsed"  # the outcome named in the change feed's file for a rebuild


def snapshot_rows(store: Store, data_dir: Path, source: str, snapshot: Snapshot) -> SnapshotRows:
    meta = load_source(source)
    described = store.reply_rows(snapshot.replies)
    try:
        replies = [(described[h], read_reply(store, data_dir, source, h)) for h in snapshot.replies]
        rows = rows_from_replies(snapshot.channel, replies, meta.columns)
    except (KeyError, OSError, ValueError) as exc:  # a missing file, or bytes that no longer parse
        detail = exc.args[0] if isinstance(exc, ReplyParseError) else f"{type(exc).__name__}: {exc}"
        raise ValueError(f"{source}: snapshot {snapshot.id} ({snapshot.taken_at}): {detail}") from None
    source_url = OLD_PAGE if snapshot.channel == "html" else meta.view_url()
    return SnapshotRows(snapshot.id, snapshot.taken_at, rows, source_url)


def reparse(store: Store, data_dir: Path, source: str) -> HistoryDelta:
    """Raises ValueError naming the snapshot when one cannot be read again; then nothing
    is changed."""
    with source_lock(data_dir, source, database_url=store.url):  # no crawl writes in between
        snapshots = store.snapshots_of(source)
        if not snapshots:
            raise ValueError(f"{source}: nothing stored yet")
        states = rebuild(source, (snapshot_rows(store, data_dir, source, s) for s in snapshots),
                         Profile.of(load_source(source)))
        old_changes, old_entries = store.changes(source), store.current_entries(source)
        store.replace_history(source, [(s.snapshot_id, s.taken_at, s.result) for s in states])
        new_entries = store.current_entries(source)
        last = snapshots[-1]
        publish(store, data_dir, source, current=new_entries, force=True)  # the history was rebuilt
        delta = compare(old_changes, store.changes(source), old_entries, new_entries)
        # The change feed is what was published at the time; one more file restates the
        # entries that read differently now, so replaying it still gives latest.json.
        moved = set(delta.entries_changed)
        if moved:
            write_feeds(data_dir, source, REPARSED, utc_now(), last.taken_at, [], [],
                        restated=[e for e in new_entries if e.entry_id in moved], snapshot_id=last.id)
        return delta

"""`regwatch show ENTRY_ID`: an entry's whole history, each version with the cells exactly
as published and the snapshot it came from (channel, time, the source's data date, and
every raw reply: URL, retrieval time, SHA-256 and the archived file)."""

from __future__ import annotations

from typing import Any

from pipelines.publish.export import change_record, entry_record
from pipelines.storage.store import EntryHistory, Provenance, Store


def history_record(history: EntryHistory, store: Store) -> dict[str, Any]:
    """The history as JSON-ready data, versions oldest first."""
    versions = []
    for version in history.versions:
        source = store.provenance(version.snapshot_id)
        versions.append({"valid_from": version.valid_from, "published": dict(version.entry.raw),
                         "entry": entry_record(version.entry), "source": _source_record(source)})
    return {"entry": entry_record(history.entry), "present": history.present,
            "versions": versions, "changes": [change_record(c) for c in history.changes]}


def _source_record(source: Provenance | None) -> dict[str, Any] | None:
    if source is None:
        return None
    snapshot = source.snapshot
    return {"snapshot_id": snapshot.id, "channel": snapshot.channel, "taken_at": snapshot.taken_at,
            "source_data_date": snapshot.as_of, "row_count": snapshot.row_count,
            "raw_replies": [{key: reply[key] for key in ("sha256", "method", "url", "status",
                                                        "fetched_at", "size", "path")}
                            for reply in source.replies]}


def history_text(record: dict[str, Any]) -> list[str]:
    entry = record["entry"]
    lines = [f"{entry['entry_id']}  №{entry['number']}  {entry['name']}",
             f"status: {entry['status']}"
             + ("" if record["present"] else " (no longer in the published list)"),
             f"first seen {entry['first_seen']}, last changed {entry['last_changed']}",
             f"official source: {entry['source_url']}", ""]
    for i, version in enumerate(record["versions"], 1):
        lines.append(f"version {i}, valid from {version['valid_from']}")
        lines += [f"    {field}: {text}" for field, text in version["published"].items()]
        lines += _source_text(version["source"])
    if record["changes"]:
        lines.append("changes:")
        lines += [f"    {c['detected_at']}  {c['kind']}" + (f"  {c['field']}: {c['old']!r} → {c['new']!r}"
                                                            if c["field"] else "")
                  for c in record["changes"]]
    return lines


def _source_text(source: dict[str, Any] | None) -> list[str]:
    if source is None:
        return ["  from: (snapshot not found)"]
    date = f", the source's data date {source['source_data_date']}" if source["source_data_date"] else ""
    lines = [f"  from snapshot {source['snapshot_id']}: {source['channel']} channel, taken "
             f"{source['taken_at']}{date}, {source['row_count']} rows"]
    lines += [f"    {r['method']} {r['url']}  fetched {r['fetched_at']}  HTTP {r['status']}  "
              f"{r['size']:,} bytes  sha256 {r['sha256']}  ({r['path']})" for r in source["raw_replies"]]
    return lines

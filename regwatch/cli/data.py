"""The stored data: `regwatch export` (the register, latest or on a date), `regwatch changes`
and `regwatch show`.

`regwatch show ENTRY_ID`: an entry's whole history, each version with the cells exactly
as published and the snapshot it came from (channel, time, the source's data date, and
every raw reply: URL, retrieval time, SHA-256 and the archived file)."""

from __future__ import annotations

import io
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from pipelines.publish.export import (
    change_record,
    changes_csv,
    changes_json,
    entry_record,
    register_at,
    render,
)
from pipelines.publish.ftm import write_ftm
from pipelines.storage.store import EntryHistory, Provenance, Store
from regwatch.cli.app import (
    DEFAULT_SOURCE,
    EXIT_REFUSED,
    _count,
    _emit,
    _iso_day,
    _open_store,
    _open_to_read,
    _say,
    _source,
    cli,
    describe,
)
from regwatch.cli.options import source_option
from scraper.items import utc_now
from scraper.registers.metadata import load_source


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
              f"{r['size']:,} bytes  sha256 {r['sha256']}  ({r['path'] or 'in the database'})"
              for r in source["raw_replies"]]
    return lines


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json", "ftm"]), default="csv", show_default=True,
              help="ftm: FollowTheMoney entities, one JSON object per line (a Person or Organization "
                   "and a Sanction per entry), for Aleph, yente and the sanctions-data tools.")
@click.option("--at", "at", callback=_iso_day, metavar="YYYY-MM-DD",
              help="The register as it officially stood that day (by the dates of the inclusion and exclusion orders).")
@click.option("--as-seen", "as_seen", callback=_iso_day, metavar="YYYY-MM-DD",
              help="What the official list showed that day (the last snapshot taken by then).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (atomically) instead of standard output.")
@click.option("--repair", is_flag=True,
              help="Instead: rebuild the files under the data folder (exports, change feed) that "
                   "lag behind the database, e.g. after a crash, and say which.")
@source_option()
def export(fmt: str, at: str | None, as_seen: str | None, output: Path | None, repair: bool,
           source: str) -> None:
    """Export the register: the latest state, as it officially stood --at a date, or as
    the official list showed it --as-seen on a date. The two differ when the list lagged
    an order."""
    source = _source(source)
    if repair:
        if at or as_seen or output:
            raise click.UsageError(_say("cli.error.repair_alone"))
        _repair(source)
        return
    if at and as_seen:
        raise click.UsageError(_say("cli.error.at_and_as_seen"))
    if (at or as_seen or "") > date.today().isoformat():
        raise click.UsageError(_say("cli.error.future", day=at or as_seen))
    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise click.UsageError(_say("cli.error.xlsx_to_terminal"))
    _, store = _open_to_read()
    if store is None or store.last_snapshot(source) is None:
        click.echo(_say("cli.nothing_crawled", source=source), err=True)
        sys.exit(EXIT_REFUSED)
    if as_seen:
        snapshot, entries = store.entries_as_seen(source, as_seen + "T23:59:59+00:00")
        if snapshot is None:
            click.echo(_say("cli.export.no_snapshot", source=source, day=as_seen), err=True)
            sys.exit(EXIT_REFUSED)
        click.echo(_count("cli.export.as_seen", len(entries), source=source, taken=snapshot.taken_at,
                          channel=snapshot.channel), err=True)
    elif at is None:
        entries = store.current_entries(source)
    else:
        entries = register_at(store.entries_known_at(source, at + "T23:59:59+00:00"), at)
    if fmt == "ftm":
        _emit(_ftm(entries, source), output)
    else:
        _emit(render(entries, fmt, source, utc_now()), output)


def _ftm(entries: list, source: str) -> bytes:
    meta = load_source(source)
    handle = io.BytesIO()
    write_ftm(handle, entries, source, programme=meta.title, publisher=meta.publisher)
    return handle.getvalue()


def _repair(source: str) -> None:
    """`export --repair`: exit 0 with a line saying what was rebuilt (or that nothing
    lagged); 1 when nothing was crawled yet."""
    from pipelines.publish.status import restamp_status
    from pipelines.publish.sync import publish
    from pipelines.storage.locks import source_lock

    config, store = _open_store()
    try:
        with source_lock(config.data_dir, source):  # no crawl writes the files meanwhile
            done = publish(store, config.data_dir, source, index=True)
            if done.shows is not None:
                restamp_status(config.data_dir, source, done.shows)
    finally:
        store.close()
    if done.shows is None:
        click.echo(_say("cli.nothing_crawled", source=source), err=True)
        sys.exit(EXIT_REFUSED)
    if done.rebuilt:
        click.echo(_count("cli.export.repaired", len(done.rebuilt), source=source,
                          files=", ".join(done.rebuilt), taken=done.shows.taken_at))
    else:
        click.echo(_say("cli.export.nothing_to_repair", source=source, taken=done.shows.taken_at))


@cli.command()
@click.option("--since", callback=_iso_day, metavar="YYYY-MM-DD", help="Only changes detected on or after this day.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@source_option(every=True)
def changes(since: str | None, fmt: str, source: str | None) -> None:
    """List every change regwatch detected: added, excluded, reinstated, removed, modified, renumbered."""
    source = _source(source) if source else None
    _, store = _open_to_read()
    found = store.changes(source, since or "") if store else []
    if fmt == "json":
        _emit(changes_json(found), None)
    elif fmt == "csv":
        _emit(changes_csv(found), None)
    else:
        for change in found:
            click.echo(f"{change.detected_at}  {describe(change)}")
        click.echo(_count("cli.count.changes", len(found)), err=True)


@cli.command()
@click.argument("entry_id")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def show(entry_id: str, as_json: bool) -> None:
    """An entry's whole history: every version as published, with the snapshot and the raw
    replies it came from (channel, URL, time, SHA-256). ENTRY_ID as in the exports,
    e.g. ru_minjust_undesirable/57, or the bare number (57) for the default register.

    Exit 0, or 1 when no entry has that id.
    """
    if entry_id.strip().isdigit():  # a number alone: an entry of the default register
        entry_id = f"{DEFAULT_SOURCE}/{entry_id.strip()}"
    _, store = _open_to_read()
    try:
        history = store.entry_history(entry_id) if store else None
        if history is None:
            click.echo(_say("cli.error.no_entry", entry_id=repr(entry_id)), err=True)
            sys.exit(EXIT_REFUSED)
        record = history_record(history, store)
    finally:
        if store:
            store.close()
    if as_json:
        _emit(json.dumps(record, ensure_ascii=False, indent=1).encode() + b"\n", None)
    else:
        click.echo("\n".join(history_text(record)))

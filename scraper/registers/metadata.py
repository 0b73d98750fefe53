"""Each register described by data: one TOML file per register beside the spiders
(title, publisher, law, official URLs, entity kinds, columns, expected size, how often
it changes, how old its data may grow), read into a frozen `SourceMeta`.

Shipped files sit in this folder; REGWATCH_REGISTER_DIRS (folders, `:`-separated) adds
more, so a register can be tried without a code change. Any mistake in a file is a
`MetadataError` naming the file and the key.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.parsers.columns import ROW_FIELDS, Column, ColumnRules

SHIPPED = Path(__file__).parent
EXTRA_DIRS_VARIABLE = "REGWATCH_REGISTER_DIRS"
# The shapes of source a spider exists for; a register names one (`service`).
SERVICES = ("minjust_json", "fsb_html")
# Sources read from one HTML page: no registry id and no columns to map by title (the
# page's parser gives the canonical fields); `view_path` is the page itself.
PAGE_SERVICES = ("fsb_html",)
ENTITY_KINDS = ("organisation", "person")
# How a register's `decision` cells are written, for the court-decision reader
# (pipelines/register/decisions.py): the FSB's form or the Ministry of Justice's.
DECISION_FORMS = ("terrorist", "extremist")


class MetadataError(ValueError):
    """A register's metadata file that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Thresholds:
    min_rows: int = 1  # fewer rows than this is never a real register
    max_rows: int = 1_000_000  # more only warns: a register can grow past what we expected
    max_drop: float = 0.05  # refuse a pull with this share of rows fewer than the last good one
    mass_change: float = 0.05  # hold a diff that edits more than this share of entries…
    mass_change_floor: int = 10  # …and more than this many
    # A reply or a cell bigger than these is not the register (a 50 MB "name"): refuse it
    # before it is parsed, stored or put in an alert.
    max_cell_chars: int = 10_000
    max_reply_bytes: int = 64_000_000
    earliest_date: str = ""  # ISO; no date of the register can be older (its law); "": no bound
    changes_every_days: int = 7  # how often it changes: additions across a longer gap are expected


@dataclass(frozen=True)
class SourceMeta:
    source: str  # the register's id, e.g. "ru_minjust_undesirable" (the file's name)
    spider: str  # the spider's name, e.g. "minjust_undesirable"
    service: str  # the source's shape, one of SERVICES
    title: str  # official title, in Russian
    title_en: str
    short_ru: str  # a few words a reader knows it by: the web's register switcher, `check`'s lines
    short_en: str
    publisher: str
    authority: str
    law: str
    entity_kinds: tuple[str, ...]
    base_url: str
    registry_id: str
    view_path: str  # the human view, "{registry_id}" filled in
    columns: ColumnRules
    changes: str  # how the register changes, in words
    changes_every_days: int
    stale_after_days: int  # older data makes a "not listed" answer carry a warning
    thresholds: Thresholds
    path: Path  # the metadata file
    decisions: str = ""  # one of DECISION_FORMS when its rows cite court decisions, else ""

    def short(self, language: str) -> str:
        return self.short_ru if language == "ru" else self.short_en

    def view_url(self, base_url: str | None = None) -> str:
        base = (base_url or self.base_url).rstrip("/")
        return base + self.view_path.format(registry_id=self.registry_id)

    def api_url(self, base_url: str = "") -> str:
        """The register on the JSON service (+ /info, /values, /export); `base_url` stands
        in for the official host (a local fake, REGWATCH_MINJUST_URL)."""
        return f"{(base_url or self.base_url).rstrip('/')}/rest/registry/{self.registry_id}"


def register_files() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(EXTRA_DIRS_VARIABLE, "").split(os.pathsep) if p]
    return [path for folder in (SHIPPED, *extra) for path in sorted(folder.glob("*.toml"))]


def all_sources() -> list[SourceMeta]:
    """Every register, checked: ids and spider names are unique."""
    sources: list[SourceMeta] = []
    for meta in map(_read_once, register_files()):
        for other in sources:
            for key in ("source", "spider"):
                if getattr(meta, key) == getattr(other, key):
                    raise MetadataError(f"{meta.path}: {'id' if key == 'source' else key}: "
                                        f"{getattr(meta, key)!r} is taken by {other.path}")
        sources.append(meta)
    return sources


def _read_once(path: Path) -> SourceMeta:
    """read_metadata, once per version of the file (a command asks for its registers often)."""
    try:
        found = path.stat()
    except OSError:
        return read_metadata(path)  # says what is wrong
    return _read_version(path, found.st_mtime_ns, found.st_size)


@functools.lru_cache(maxsize=256)
def _read_version(path: Path, _mtime_ns: int, _size: int) -> SourceMeta:
    return read_metadata(path)


def load_source(name: str) -> SourceMeta:
    """By register id ("ru_minjust_undesirable") or spider name ("minjust_undesirable")."""
    sources = all_sources()
    for meta in sources:
        if name in (meta.source, meta.spider):
            return meta
    raise KeyError(f"unknown source {name!r}; known: {', '.join(m.source for m in sources)}")


def source_names() -> list[str]:
    return [meta.source for meta in all_sources()]


def read_metadata(path: Path) -> SourceMeta:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read it as TOML: {exc}") from None
    top = _Table(path, "", data)
    title, changes = top.table("title"), top.table("changes")
    assertions, guardrails = top.table("assertions"), top.table("guardrails")
    source = top.text("id")
    if source != path.stem:
        raise MetadataError(f"{path}: id: {source!r} must be the file's name ({path.stem!r})")
    service = top.choice("service", SERVICES)
    page = service in PAGE_SERVICES
    meta = SourceMeta(
        source=source, spider=top.text("spider"), service=service,
        title=title.text("ru"), title_en=title.text("en"), short_ru=title.text("short_ru"),
        short_en=title.text("short_en"), publisher=top.text("publisher"),
        authority=top.text("authority"), law=top.text("law"),
        entity_kinds=top.texts("entity_kinds", ENTITY_KINDS),
        base_url=top.url("base_url"), registry_id="" if page else top.text("registry_id"),
        view_path=top.text("view_path"),
        columns=ColumnRules((), ()) if page else _columns(top.table("columns")),
        changes=changes.text("pattern"), changes_every_days=changes.count("every_days"),
        stale_after_days=top.count("stale_after_days"),
        thresholds=_thresholds(assertions, guardrails, changes.count("every_days")), path=path,
        decisions=top.choice("decisions", DECISION_FORMS) if "decisions" in data else "")
    for table in (top, title, changes, assertions, guardrails):
        table.no_other_keys()
    return meta


def _thresholds(assertions: _Table, guardrails: _Table, every_days: int) -> Thresholds:
    defaults = Thresholds()
    earliest = assertions.date("earliest_date")
    thresholds = Thresholds(
        min_rows=assertions.count("min_rows"), max_rows=assertions.count("max_rows"),
        max_drop=guardrails.share("max_drop"), mass_change=guardrails.share("mass_change"),
        mass_change_floor=guardrails.count("mass_change_floor"),
        max_cell_chars=assertions.count("max_cell_chars", defaults.max_cell_chars),
        max_reply_bytes=assertions.count("max_reply_bytes", defaults.max_reply_bytes),
        earliest_date=earliest.isoformat() if earliest else "", changes_every_days=every_days)
    if thresholds.min_rows > thresholds.max_rows:
        raise assertions.error("min_rows", f"{thresholds.min_rows} is more than max_rows "
                                           f"({thresholds.max_rows})")
    return thresholds


def _columns(table: _Table) -> ColumnRules:
    columns: list[Column] = []
    for column in table.tables("column"):
        field = column.choice("field", ROW_FIELDS)
        if field in (c.field for c in columns):
            raise column.error("field", f"{field!r} is mapped twice")
        columns.append(Column(field=field, key=column.text("key"), title_words=column.texts("title_words"),
                              title_exact=column.texts("title_exact", optional=True),
                              required=column.flag("required")))
        column.no_other_keys()
    order = table.texts("match_order")
    if sorted(order) != sorted(c.field for c in columns):
        raise table.error("match_order", "must name each column's field once: "
                                         f"{', '.join(c.field for c in columns)}")
    table.no_other_keys()
    rules = ColumnRules(tuple(columns), order)
    if not rules.required:
        raise table.error("column", "no column is required: a pull would need no data at all")
    return rules


class _Table:
    """One TOML table of a metadata file: typed reads whose errors name the file and key."""

    def __init__(self, path: Path, where: str, data: dict[str, Any]) -> None:
        self.path, self.where, self.data = path, where, data
        self.read: set[str] = set()

    def error(self, key: str, problem: str) -> MetadataError:
        return MetadataError(f"{self.path}: {self.where}{key}: {problem}")

    def _get(self, key: str, kind: str, test: Callable[[Any], bool], default: Any = None) -> Any:
        self.read.add(key)
        if key not in self.data:
            if default is not None:
                return default
            raise self.error(key, "missing")
        value = self.data[key]
        if not test(value):
            raise self.error(key, f"must be {kind}, not {value!r}")
        return value

    def text(self, key: str) -> str:
        return self._get(key, "non-empty text", lambda v: isinstance(v, str) and bool(v.strip()))

    def url(self, key: str) -> str:
        return self._get(key, "an http(s):// URL",
                         lambda v: isinstance(v, str) and v.startswith(("http://", "https://")))

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        return self._get(key, f"one of {', '.join(choices)}", lambda v: v in choices)

    def texts(self, key: str, choices: tuple[str, ...] = (), optional: bool = False) -> tuple[str, ...]:
        kind = f"a list of {', '.join(choices)}" if choices else "a list of texts"
        value = self._get(key, kind, lambda v: isinstance(v, list) and (optional or bool(v)) and all(
            isinstance(x, str) and x.strip() and (not choices or x in choices) for x in v),
            default=[] if optional else None)
        return tuple(value)

    def count(self, key: str, default: int | None = None) -> int:
        return self._get(key, "a whole number above 0",
                         lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 0, default)

    def date(self, key: str) -> dt.date | None:
        """An optional TOML date (2015-05-23, unquoted); None when the key is absent."""
        if key not in self.data:
            self.read.add(key)
            return None
        return self._get(key, "a date such as 2015-05-23 (unquoted)",
                         lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime))

    def share(self, key: str) -> float:
        return float(self._get(key, "a share between 0 and 1", lambda v: isinstance(
            v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1))

    def flag(self, key: str) -> bool:
        return self._get(key, "true or false", lambda v: isinstance(v, bool), default=False)

    def table(self, key: str) -> _Table:
        return _Table(self.path, f"{self.where}{key}.", self._get(key, "a table", lambda v: isinstance(v, dict)))

    def tables(self, key: str) -> list[_Table]:
        value = self._get(key, f"a list of [[{self.where}{key}]] tables",
                          lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v))
        return [_Table(self.path, f"{self.where}{key}[{i}].", item) for i, item in enumerate(value)]

    def no_other_keys(self) -> None:
        unknown = sorted(set(self.data) - self.read)
        if unknown:
            raise self.error(unknown[0], "unknown key (a typo?)")

"""Metadata of each source, kept beside its spider: title, publisher, law, URL, expected size."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Thresholds:
    min_rows: int = 1  # fewer rows than this is never a real register
    max_rows: int = 1_000_000  # more only warns: a register can grow past what we expected
    max_drop: float = 0.05  # refuse a pull with this share of rows fewer than the last good one
    mass_change: float = 0.05  # hold a diff that edits more than this share of entries…
    mass_change_floor: int = 10  # …and more than this many


@dataclass(frozen=True)
class SourceMeta:
    source: str
    spider: str
    title: str
    title_en: str
    publisher: str
    authority: str
    law: str
    base_url: str
    registry_id: str
    view_path: str
    min_rows: int
    max_rows: int
    thresholds: Thresholds

    def view_url(self, base_url: str | None = None) -> str:
        base = (base_url or self.base_url).rstrip("/")
        return base + self.view_path.format(registry_id=self.registry_id)


def load_source(name: str) -> SourceMeta:
    """By source id ("ru_minjust_undesirable") or spider name ("minjust_undesirable")."""
    for path in sorted(_HERE.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if name in (data["source"], data["spider"]):
            assertions, guardrails = data["assertions"], data["guardrails"]
            return SourceMeta(
                source=data["source"], spider=data["spider"], title=data["title"],
                title_en=data["title_en"], publisher=data["publisher"],
                authority=data["authority"], law=data["law"], base_url=data["base_url"],
                registry_id=data["registry_id"], view_path=data["view_path"],
                min_rows=assertions["min_rows"], max_rows=assertions["max_rows"],
                thresholds=Thresholds(min_rows=assertions["min_rows"],
                                      max_rows=assertions["max_rows"], **guardrails),
            )
    raise KeyError(f"unknown source {name!r}; known: {', '.join(source_names())}")


def source_names() -> list[str]:
    return [tomllib.loads(p.read_text(encoding="utf-8"))["source"] for p in sorted(_HERE.glob("*.toml"))]

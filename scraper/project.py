"""Scrapy's settings for regwatch, as every process that fetches reads them."""

from __future__ import annotations

from scrapy.settings import Settings


def scrapy_settings(overrides: dict[str, object] | None = None) -> Settings:
    # The settings module reads REGWATCH_* from the environment when imported.
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings

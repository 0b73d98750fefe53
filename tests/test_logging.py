"""The crawl log rotates (a scheduler polling every minute must not fill the disk) and
never carries credentials."""

from __future__ import annotations

import logging

from regwatch import runner
from scraper.redact import RedactingFilter, redact


def test_the_log_file_rotates_within_its_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "LOG_MAX_BYTES", 2000)
    log_file = tmp_path / "regwatch.log"
    root = logging.getLogger()
    before = list(root.handlers)
    runner.log_to_file(log_file, "INFO")
    try:
        for i in range(500):
            logging.getLogger("regwatch.test").info("line %d of a long crawl log", i)
    finally:
        for handler in set(root.handlers) - set(before):
            root.removeHandler(handler)
            handler.close()
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["regwatch.log"] + [f"regwatch.log.{i}" for i in range(1, runner.LOG_BACKUPS + 1)]
    assert all((tmp_path / name).stat().st_size <= 2100 for name in files)
    assert "line 499 of a long crawl log" in log_file.read_text(encoding="utf-8")


def test_redaction():
    assert redact("socks5://user:pa:ss@host:1080 and https://tok@api/x") == \
        "socks5://***@host:1080 and https://***@api/x"
    assert redact("http://host:8080/path?user=a@b") == "http://host:8080/path?user=a@b"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "proxy %s", ("http://u:p@h:1",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "proxy http://***@h:1"

"""Keep proxy credentials and tokens out of logs, messages and outputs."""

from __future__ import annotations

import logging
import re

_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/\s@:]*(?::[^/\s@]*)?@", re.I)


def redact(text: str) -> str:
    """'socks5://user:secret@host:1080' → 'socks5://***@host:1080'."""
    return _USERINFO.sub(lambda m: m.group("scheme") + "***@", text)


class RedactingFilter(logging.Filter):
    """A logging filter that removes credentials from every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def install_redaction() -> None:
    """Attach the filter to every handler of the root logger (Scrapy's included)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())


def quiet_request_logs() -> None:
    """HTTP client libraries log every request's URL at INFO; a webhook URL may be a
    credential (Slack-style hooks carry their token in the path). Warnings still show."""
    for name in ("httpx2", "httpx", "httpcore2", "httpcore", "apprise"):
        logging.getLogger(name).setLevel(logging.WARNING)

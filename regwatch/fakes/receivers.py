"""Real local receivers for alert channels, for the tests, the benchmarks and the alerts
demo: an HTTP server that records webhook calls and checks their signatures, and an
SMTP server (aiosmtpd) for Apprise's mailto:// channel. Both listen on 127.0.0.1 only."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float = 30.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return bool(condition())


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    at: float = field(default_factory=time.time)

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers.get("X-Regwatch-Delivery", "")


@dataclass
class WebhookReceiver:
    """Records every POST. `fail_next(n)`: answer 503 to the next n calls (they are
    recorded in `refused`, not in `calls`). `stall`: hang every request, never answer
    and never record it (a delivery that did not complete). `delay`: a slow but working
    receiver: record each call at once, answer it that many seconds later."""

    secret: str
    calls: list[Call] = field(default_factory=list)
    refused: list[Call] = field(default_factory=list)
    failures_left: int = 0
    stall: bool = False
    delay: float = 0.0
    path: str = "/hook"  # any path is accepted; `url` shows this one

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{self.path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stall = False
        self._server.shutdown()
        self._server.server_close()

    def fail_next(self, times: int) -> None:
        with self._lock:
            self.failures_left = times

    def verify(self, body: bytes, header: str) -> bool:
        """What a subscriber does: recompute the HMAC of the raw body, compare in constant time."""
        expected = "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header)

    def _record(self, call: Call) -> int:
        with self._lock:
            if self.failures_left > 0:
                self.failures_left -= 1
                self.refused.append(call)
                return 503
            self.calls.append(call)
            return 200 if call.signature_ok else 401

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.stall:  # hang; by the time it ends, the sender is long gone
                    while receiver.stall:
                        time.sleep(0.05)
                    return
                call = Call(dict(self.headers), body,
                            receiver.verify(body, self.headers.get("X-Regwatch-Signature", "")))
                status = receiver._record(call)
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        return Handler


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


class SmtpReceiver:
    """A real SMTP server on 127.0.0.1; `messages` are the parsed mails it accepted."""

    def __init__(self) -> None:
        self.port = free_port()
        self._inbox = _Inbox()
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self._inbox.messages

    def apprise_url(self, to: str = "monitor@example.org") -> str:
        return (f"mailto://127.0.0.1:{self.port}?from=regwatch@example.org&to={to}"
                "&mode=insecure")

    def __enter__(self) -> SmtpReceiver:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


def mail_text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""

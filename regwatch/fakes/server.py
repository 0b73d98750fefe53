"""What every local fake of an official service shares: a threaded HTTP server on
127.0.0.1, run in the background while a `with` block lasts; faults taken one request at
a time (each says how many requests it hits); and a quiet HTTP/1.1 handler that sends a
reply whole, or one byte at a time."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


class LocalServer:
    """Subclasses call `_listen` in their __init__ with their handler class."""

    _server: ThreadingHTTPServer
    _thread: threading.Thread
    faults: list[Any]  # the subclass's Fault: `times` is how many requests it hits (None: all)

    def _listen(self, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self.faults = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def heal(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_fault(self, hits: Callable[[Any], bool] = lambda fault: True) -> Any | None:
        """The first fault that `hits` this request and has requests left, one of them used."""
        with self._lock:
            for fault in self.faults:
                if hits(fault) and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 (keep-alive, as the real hosts), and no request log on stderr."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet in tests
        pass

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self, data: bytes, pause: float, content_type: str) -> None:
        """The reply, one byte every `pause` seconds: each read succeeds, the whole never ends."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client gave up: stop
            for i in range(len(data)):
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
                time.sleep(pause)

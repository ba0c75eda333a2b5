"""A local HTTP server that answers from a table and records every request it got.

For the SSRF tests: an "internal service" on loopback proves a refusal by never being
called, and a provider or media host shows which requests carried credentials.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Recorder:
    """routes: path -> (status, headers, body); anything else answers 404."""

    routes: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def authorizations(self) -> list[str | None]:
        return [s.headers.get("authorization") for s in self.seen]


def _handler(recorder: Recorder) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            recorder.seen.append(
                Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()})
            )
            status, headers, body = recorder.routes.get(self.path, (404, {}, b""))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

        def log_message(self, *args):
            pass

    return Handler


class serving:  # noqa: N801 - used as `with serving(recorder):`
    """Run `recorder` on a free loopback port for the block."""

    def __init__(self, recorder: Recorder):
        self.recorder = recorder
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(recorder))
        recorder.port = self.server.server_address[1]

    def __enter__(self) -> Recorder:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.recorder

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

"""A small HTTP server on a loopback port standing in for a dependency of the thing under test (Rasa's REST
channel, the backend's hand-off route, a host site). Standard library only: both environments' tests use it."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Request:
    method: str
    path: str
    headers: Message
    body: bytes
    client_port: int

    def json(self):
        return json.loads(self.body or b"{}")


# What the stub answers a request with: (status, body) or (status, body, content type). A body of bytes or str goes
# out as it is (text/plain unless a content type is given); anything else as JSON.
Answer = Callable[[Request], tuple]


class StubServer:
    """Answers every GET and POST with `answer(request)`; keeps each request in `requests`.

    `keep_alive` answers in HTTP/1.1, so that a client reusing its connection shows in `Request.client_port`."""

    def __init__(self, answer: Answer, port: int = 0, keep_alive: bool = False) -> None:
        self.answer = answer
        self.requests: list[Request] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def do_GET(self):
                self._handle()

            def do_POST(self):
                self._handle()

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Request(self.command, self.path, self.headers, body, self.client_address[1])
                stub.requests.append(request)
                status, payload, *content_type = stub.answer(request)
                if isinstance(payload, (bytes, str)):
                    kind = content_type[0] if content_type else "text/plain"
                    data = payload.encode() if isinstance(payload, str) else payload
                else:
                    kind, data = "application/json", json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (timeout tests)
                    pass

            def log_message(self, *args):  # keep test output quiet
                pass

        self._handler, self.port = Handler, port
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StubServer:
        """Listen from now on (on `port`, or on a free one when it is 0)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

"""HTTP plumbing: route requests to the WHMCS API endpoint or the control API."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from bot.sandbox.api import answer_api
from bot.sandbox.control import answer_control
from bot.sandbox.install import Install
from bot.sandbox.render import JSON_TYPE, Reply

log = logging.getLogger(__name__)

API_PATH = "/includes/api.php"
CONTROL_PREFIX = "/_sandbox/"


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server that carries the install it serves."""

    daemon_threads = True
    # socketserver's backlog of 5 drops bursts of new connections (the bot opens up to 16).
    request_queue_size = 128
    # Stopping must not wait for a request that hangs on purpose (timeout_after_write).
    block_on_close = False

    def __init__(self, address: tuple[str, int], install: Install) -> None:
        super().__init__(address, SandboxHandler)
        self.install = install
        self.stopping = threading.Event()


class SandboxHandler(BaseHTTPRequestHandler):
    """Answer one HTTP request."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this each answer waits for a delayed ACK.
    disable_nagle_algorithm = True
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        """Serve the API (WHMCS reads query parameters too) or a control read."""
        self._dispatch("GET")

    def do_POST(self) -> None:
        """Serve the API or a control write."""
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        """Serve a control delete."""
        self._dispatch("DELETE")

    def log_message(self, format: str, *args: object) -> None:
        """Keep request lines out of stderr; query strings may carry credentials."""

    def _dispatch(self, method: str) -> None:
        try:
            reply = self._reply(method)
        except Exception:
            log.exception("sandbox failed on %s %s", method, urlsplit(self.path).path)
            reply = Reply(500, b'{"error": "sandbox failure"}', JSON_TYPE)
        self._send(reply)

    def _reply(self, method: str) -> Reply:
        url = urlsplit(self.path)
        body = self._body()
        if url.path == API_PATH:
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            if method == "POST":
                params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
            return answer_api(self.server.install, self.client_address[0], params, self._wait)
        if url.path.startswith(CONTROL_PREFIX):
            status, value = answer_control(self.server.install, method, url.path, body)
            return Reply(status, json.dumps(value).encode(), JSON_TYPE)
        return Reply(404, b'{"error": "not found"}', JSON_TYPE)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _wait(self, seconds: float) -> None:
        self.server.stopping.wait(seconds)

    def _send(self, reply: Reply) -> None:
        if reply.status is None:
            # The "close" fault: drop the connection without a single byte of answer.
            self.close_connection = True
            return
        if reply.hang:
            # The "timeout_after_write" fault: the action ran, the answer comes too late.
            self._wait(reply.hang)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the answer was sent")

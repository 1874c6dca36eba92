"""Serve Slack's HTTP requests with a production WSGI server (waitress)."""

from __future__ import annotations

import io
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from waitress.server import create_server

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY = 1024 * 1024
# waitress refuses a body this large from its Content-Length alone, before reading any of it;
# bodies between MAX_BODY and this reach SlackWsgi, which refuses them with a log line.
SERVER_MAX_BODY = 2 * MAX_BODY
CONNECTION_LIMIT = 1000
# Slack sends slash commands and interactions form-encoded, and Events API callbacks as JSON.
CONTENT_TYPES = ("application/x-www-form-urlencoded", "application/json")
# Slack: refuse a request whose timestamp is more than 5 minutes from now (replay protection).
TIMESTAMP_WINDOW = 5 * 60
TIMESTAMP = re.compile(r"[0-9]{1,12}")

StartResponse = Callable[..., Any]


class Refusal(NamedTuple):
    """Why a request to the Slack endpoint is answered without reaching Bolt."""

    status: str
    reason: str


STATUS_400 = "400 Bad Request"
STATUS_401 = "401 Unauthorized"
STATUS_413 = "413 Content Too Large"


class SlackWsgi:
    """Route `/slack/events` to Bolt and answer `/healthz` once the bot is ready.

    Every POST to `/slack/events` is checked before Bolt sees it: its size, its content type,
    its timestamp and its signature. Bolt logs a refused request with its whole body, and
    raises on bodies it cannot parse, so nothing unchecked may reach it.
    """

    def __init__(self, app: App, signing_secret: str) -> None:
        self.bolt = SlackRequestHandler(app, path=EVENTS_PATH)
        self.verifier = SignatureVerifier(signing_secret)
        self.ready = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one WSGI request."""
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            ok = self.ready.is_set()
            status = "200 OK" if ok else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n" if ok else b"starting\n"]
        if path != EVENTS_PATH:
            return self.bolt(environ, start_response)
        if environ.get("REQUEST_METHOD") != "POST":
            start_response(
                "405 Method Not Allowed", [("Allow", "POST"), ("Content-Type", "text/plain")]
            )
            return [b"POST only\n"]

        body = self.checked_body(environ)
        if isinstance(body, Refusal):
            log.info(
                "refused a request to %s from %s: %s (HTTP %s)",
                EVENTS_PATH,
                environ.get("REMOTE_ADDR", "?"),
                body.reason,
                body.status[:3],
            )
            start_response(body.status, [("Content-Type", "text/plain; charset=utf-8")])
            return [body.status[4:].encode() + b"\n"]

        # Bolt reads the body again from wsgi.input: hand it the very bytes that were checked.
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.bolt(environ, start_response)

    def checked_body(self, environ: dict[str, Any]) -> bytes | Refusal:
        """Return the request's body if Slack signed it and Bolt can read it, else a Refusal."""
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        if declared and not declared.isdigit():
            return Refusal(STATUS_400, "Content-Length is not a number")
        if declared and int(declared) > MAX_BODY:
            return Refusal(STATUS_413, "body over 1 MiB")
        media_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if media_type not in CONTENT_TYPES:
            return Refusal(STATUS_400, "content type is neither form-encoded nor JSON")
        timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
        if not TIMESTAMP.fullmatch(timestamp):
            return Refusal(STATUS_401, "signature timestamp missing or not a number")
        if abs(time.time() - int(timestamp)) > TIMESTAMP_WINDOW:
            return Refusal(STATUS_401, "stale signature timestamp (over 5 minutes off)")
        signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
        if not signature:
            return Refusal(STATUS_401, "no signature")

        stream = environ.get("wsgi.input")
        body: bytes = stream.read(int(declared) if declared else MAX_BODY + 1) if stream else b""
        if len(body) > MAX_BODY:
            return Refusal(STATUS_413, "body over 1 MiB")

        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return Refusal(STATUS_401, "bad signature (body is not UTF-8)")
        if not self.verifier.is_valid(text, timestamp, signature):
            return Refusal(STATUS_401, "bad signature")

        if not _readable(text, media_type):
            return Refusal(STATUS_400, "signed, but not a Slack payload Bolt can read")
        return body


def _readable(text: str, media_type: str) -> bool:
    """Say whether Bolt can turn the body into a payload; it raises on anything else."""
    try:
        payload = parse_body(text, media_type)
    except ValueError:
        return False
    if not isinstance(payload, dict):
        return False
    # Bolt reads the first of a payload's actions as an object without checking there is one.
    actions = payload.get("actions", [{}])
    return isinstance(actions, list) and bool(actions) and isinstance(actions[0], dict)


# Form submissions, options requests and the ticket picker each hold a request thread for up
# to ACK_WAIT (2 s) while WHMCS is slow; Slack drops any ack later than 3 s. 32 threads leave
# room for everyone else's acks while 16 of those wait at once.
THREADS = 32


class HttpServer:
    """A waitress server for the Slack endpoint, startable in the foreground or a thread."""

    def __init__(
        self, app: App, signing_secret: str, host: str, port: int, threads: int = THREADS
    ) -> None:
        self.wsgi = SlackWsgi(app, signing_secret)
        self._closing = False
        self._server = create_server(
            self.wsgi,
            host=host,
            port=port,
            threads=threads,
            ident="ticketbot",
            clear_untrusted_proxy_headers=True,
            max_request_body_size=SERVER_MAX_BODY,
            # Past waitress's default of 100 open connections a new request waits for an idle
            # one to time out, far beyond the 3 seconds Slack gives an ack.
            connection_limit=CONNECTION_LIMIT,
        )

    @property
    def port(self) -> int:
        """Return the port actually bound (useful with port 0)."""
        return int(self._server.effective_port)  # type: ignore[union-attr]

    def serve_forever(self) -> None:
        """Serve until closed."""
        self.wsgi.ready.set()
        try:
            self._server.run()
        except (OSError, ValueError):
            # NOTE: waitress's select loop fails on the closed socket when close() is called from
            # another thread; that is the normal way out here.
            if not self._closing:
                raise

    def start(self) -> HttpServer:
        """Serve from a daemon thread and return self."""
        threading.Thread(target=self.serve_forever, name="http", daemon=True).start()
        return self

    def close(self) -> None:
        """Stop serving."""
        self._closing = True
        self.wsgi.ready.clear()
        self._server.close()
        self._server.task_dispatcher.shutdown()

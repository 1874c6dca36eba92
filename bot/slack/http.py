"""Serve Slack's HTTP requests with a production WSGI server (waitress)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import create_server

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

StartResponse = Callable[..., Any]


class SlackWsgi:
    """Route `/slack/events` to Bolt and answer `/healthz` once the bot is ready."""

    def __init__(self, app: App) -> None:
        self.bolt = SlackRequestHandler(app, path=EVENTS_PATH)
        self.ready = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one WSGI request."""
        path = environ.get("PATH_INFO", "")
        if path == HEALTH_PATH:
            ok = self.ready.is_set()
            status = "200 OK" if ok else "503 Service Unavailable"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [b"ok\n" if ok else b"starting\n"]
        if path == EVENTS_PATH and environ.get("REQUEST_METHOD") != "POST":
            start_response(
                "405 Method Not Allowed", [("Allow", "POST"), ("Content-Type", "text/plain")]
            )
            return [b"POST only\n"]
        return self.bolt(environ, start_response)


class HttpServer:
    """A waitress server for the Slack endpoint, startable in the foreground or a thread."""

    def __init__(self, app: App, host: str, port: int, threads: int = 8) -> None:
        self.wsgi = SlackWsgi(app)
        self._closing = False
        self._server = create_server(
            self.wsgi,
            host=host,
            port=port,
            threads=threads,
            ident="ticketbot",
            clear_untrusted_proxy_headers=True,
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

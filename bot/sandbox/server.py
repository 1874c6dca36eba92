"""The sandbox WHMCS install as a real HTTP server, in a background thread or in the foreground."""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any, Self

from bot.sandbox.handler import API_PATH, SandboxHTTPServer
from bot.sandbox.install import Install

log = logging.getLogger(__name__)

DEFAULT_IDENTIFIER = "ticketbot-demo"
DEFAULT_SECRET = "sandbox-secret-change-me"
# How often the serving loop looks for a stop request; keeps stop() quick.
POLL_SECONDS = 0.05


class CountingHTTPServer(SandboxHTTPServer):
    """The sandbox's HTTP server, counting each TCP connection it accepts in the install."""

    def get_request(self) -> tuple[Any, Any]:
        """Accept one connection and count it."""
        accepted = super().get_request()
        self.install.connections.accepted()
        return accepted


class Sandbox:
    """Serve a WHMCS-compatible API with demo data, for the demo and the tests.

    Args:
        port: 0 picks a free port; the socket is bound at construction, so `url` is known
            before `start()`.
        db_path: a SQLite file whose state survives restarts; None keeps everything in memory.
        access_key: the key that lets a caller past the IP allow-list.
        seed_demo: False seeds the configuration (departments, admins, statuses) but no tickets.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str | None = None,
        identifier: str = DEFAULT_IDENTIFIER,
        secret: str = DEFAULT_SECRET,
        access_key: str | None = None,
        seed_demo: bool = True,
    ) -> None:
        self.identifier = identifier
        self.secret = secret
        self.install = Install(db_path, identifier, secret, access_key, seed_demo)
        try:
            self._httpd = CountingHTTPServer((host, port), self.install)
        except OSError:
            self.install.close()
            raise
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the install's base URL, e.g. `http://127.0.0.1:8470`."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        """Return the API endpoint's URL."""
        return self.url + API_PATH

    def start(self) -> Self:
        """Serve in a daemon thread and return self."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                args=(POLL_SECONDS,),
                name="whmcs-sandbox",
                daemon=True,
            )
            self._thread.start()
            log.info("sandbox serving at %s", self.api_url)
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until `stop()` or KeyboardInterrupt."""
        log.info("sandbox serving at %s", self.api_url)
        self._httpd.serve_forever(POLL_SECONDS)

    def stop(self) -> None:
        """Stop serving, wake requests that hang on purpose, and close the database."""
        self._httpd.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        self.install.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

"""A tiny loopback HTTP server that answers WHMCS API calls with canned bodies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest

from bot.whmcs import Transport

IDENTIFIER = "ident-Qv7Zk2"
SECRET = "secret-Xr9Lw4Pz"
ACCESS_KEY = "akey-Hm3Tn8"


@dataclass
class Canned:
    """One canned HTTP answer."""

    body: str | bytes = ""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    drop: bool = False
    headers: dict[str, str] = field(default_factory=dict)


def json_answer(payload: Any, status: int = 200) -> Canned:
    """Return a canned JSON answer."""
    return Canned(json.dumps(payload), status)


class CannedServer(ThreadingHTTPServer):
    """Record each POSTed form and answer it with `self.answer(form)`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.forms: list[dict[str, str]] = []
        self.connections = 0
        self.answer: Callable[[dict[str, str]], Canned] = lambda form: json_answer(
            {"result": "success"}
        )

    @property
    def url(self) -> str:
        """Return the install URL (without /includes/api.php)."""
        return f"http://127.0.0.1:{self.server_address[1]}"

    def reply(self, canned: Canned) -> None:
        """Answer every call with the same canned answer."""
        self.answer = lambda form: canned

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet when a client gave up before a slow answer was written."""

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: CannedServer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
        form["_path"] = self.path
        form["_content_type"] = self.headers.get("Content-Type", "")
        form["_authorization"] = self.headers.get("Authorization", "")
        form["_proxy_authorization"] = self.headers.get("Proxy-Authorization", "")
        self.server.forms.append(form)
        canned = self.server.answer(form)

        if canned.delay:
            time.sleep(canned.delay)
        if canned.drop:
            self.close_connection = True
            return
        body = canned.body.encode("utf-8") if isinstance(canned.body, str) else canned.body
        self.send_response(canned.status)
        self.send_header("Content-Type", canned.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test request on loopback, whatever proxy the environment names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.fixture
def server() -> Iterator[CannedServer]:
    """Run a canned WHMCS answer server on a free loopback port."""
    canned_server = CannedServer()
    thread = threading.Thread(
        target=canned_server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield canned_server
    canned_server.shutdown()
    canned_server.server_close()


@pytest.fixture
def transport(server: CannedServer) -> Iterator[Transport]:
    """Return a Transport aimed at the canned server, with a short timeout."""
    whmcs = Transport(server.url, IDENTIFIER, SECRET, access_key=ACCESS_KEY, timeout=0.3)
    yield whmcs
    whmcs.close()

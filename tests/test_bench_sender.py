"""The benchmark's command sender counts each ack, status and failure of the server it times."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from bench.load import CommandLoad
from bench.servers import SIGNING_SECRET, fake_slack
from bench.slack import TimedSlack
from tests.slackreq import sign

ACK_TIMEOUT = 0.5
# A connection idle this long is closed by the server on its next request ("expire").
IDLE_LIMIT = 0.9
# How long the server holds a "slow" command, so that every sender's command is in flight.
SLOW = 0.1


class TinyServer(socketserver.ThreadingTCPServer):
    """A keep-alive HTTP/1.1 server on loopback whose answer is chosen by the command's text.

    ok: 200 with a Content-Length; chunked: 200, chunked; refuse: 401; slow: 200 after SLOW
    seconds; bye: 200, then the connection closes unannounced; close: closes without answering;
    hang: never answers; expire: closes without answering if the connection sat idle for
    IDLE_LIMIT seconds, as waitress does to idle connections, else 200. A request whose Slack
    signature is wrong gets 401 whatever its text.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), TinyHandler)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.connections = 0
        self.in_progress = 0
        self.most_in_progress = 0
        self.texts: list[str] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/slack/events"


class TinyHandler(socketserver.StreamRequestHandler):
    server: TinyServer

    def handle(self) -> None:
        with self.server.lock:
            self.server.connections += 1
        answered_at = time.monotonic()
        while True:
            request = self.read_request()
            if request is None:
                return
            text, signed = request
            fresh = text == "expire" and time.monotonic() - answered_at < IDLE_LIMIT
            with self.server.lock:
                self.server.texts.append(text)
                self.server.in_progress += 1
                self.server.most_in_progress = max(
                    self.server.most_in_progress, self.server.in_progress
                )
            try:
                if not self.answer("refuse" if not signed else "ok" if fresh else text):
                    return
            finally:
                answered_at = time.monotonic()
                with self.server.lock:
                    self.server.in_progress -= 1

    def read_request(self) -> tuple[str, bool] | None:
        """Return the command's text and whether its signature is right; None at the end."""
        line = self.rfile.readline()
        if not line:
            return None
        headers: dict[str, str] = {}
        while (line := self.rfile.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers["content-length"]))
        timestamp = int(headers.get("x-slack-request-timestamp", "0"))
        expected = sign(SIGNING_SECRET, body, timestamp)["X-Slack-Signature"]
        text = parse_qs(body.decode())["text"][0]
        return text, headers.get("x-slack-signature") == expected

    def answer(self, text: str) -> bool:
        """Answer as the text asks; return whether the connection stays open."""
        if text == "hang":
            self.server.stopping.wait(10)
            return False
        if text in ("close", "expire"):
            return False
        if text == "slow":
            time.sleep(SLOW)
        if text == "chunked":
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"5\r\nhello\r\n6;x=1\r\n world\r\n0\r\n\r\n"
            )
            return True
        status = b"401 Unauthorized" if text == "refuse" else b"200 OK"
        self.wfile.write(b"HTTP/1.1 " + status + b"\r\nContent-Length: 2\r\n\r\nok")
        return text != "bye"


@pytest.fixture
def server() -> Iterator[TinyServer]:
    tiny = TinyServer()
    threading.Thread(target=tiny.serve_forever, args=(0.05,), daemon=True).start()
    yield tiny
    tiny.stopping.set()
    tiny.shutdown()
    tiny.server_close()


@pytest.fixture(scope="module")
def slack() -> Iterator[TimedSlack]:
    timed = fake_slack()
    yield timed
    timed.stop()


def load(slack: TimedSlack, workdir: Path, in_flight: int) -> CommandLoad:
    return CommandLoad(slack, SIGNING_SECRET, ["UBENCH001"], workdir, in_flight, ACK_TIMEOUT)


def test_each_command_gets_its_status_or_the_way_it_failed(
    server: TinyServer, slack: TimedSlack, tmp_path: Path
) -> None:
    texts = ["ok", "chunked", "refuse", "close", "hang", "ok"]
    sender = load(slack, tmp_path, in_flight=3)
    before = time.monotonic()
    try:
        sent = sender.send(server.url, texts)
    finally:
        sender.close()
    after = time.monotonic()

    assert [s.text for s in sent] == texts
    assert [s.status for s in sent] == [200, 200, 401, None, None, 200]
    assert [s.error for s in sent] == [None, None, None, "closed", "timeout", None]
    answered = [s.ack_seconds for s in sent if s.status is not None]
    assert all(seconds is not None and 0 < seconds < ACK_TIMEOUT for seconds in answered)
    assert sent[3].ack_seconds is None and sent[4].ack_seconds is None
    # The sender's clock is this process's time.monotonic(), as the fake Slack's is.
    assert all(before < s.sent_at < after for s in sent)
    assert after - sent[4].sent_at >= ACK_TIMEOUT
    assert sorted(server.texts) == sorted(texts)
    assert len({s.response_url for s in sent}) == len(texts)


def test_exactly_in_flight_commands_are_in_flight_over_as_many_connections(
    server: TinyServer, slack: TimedSlack, tmp_path: Path
) -> None:
    sender = load(slack, tmp_path, in_flight=5)
    try:
        first = sender.send(server.url, ["slow"] * 20)
        second = sender.send(server.url, ["slow"] * 10)
    finally:
        sender.close()

    assert [s.status for s in first + second] == [200] * 30
    assert server.most_in_progress == 5
    # The second batch goes over the first batch's keep-alive connections.
    assert server.connections == 5
    assert all(s.ack_seconds is not None and s.ack_seconds >= SLOW for s in first + second)


def test_a_connection_the_server_closed_while_idle_is_replaced_without_a_failure(
    server: TinyServer, slack: TimedSlack, tmp_path: Path
) -> None:
    sender = load(slack, tmp_path, in_flight=2)
    try:
        sent = sender.send(server.url, ["bye"] * 2)
        time.sleep(0.1)
        again = sender.send(server.url, ["ok"] * 2)
    finally:
        sender.close()

    assert [(s.status, s.error) for s in sent + again] == [(200, None)] * 4
    assert server.connections == 4


def test_a_request_the_server_drops_as_it_closes_an_idle_connection_goes_again(
    server: TinyServer, slack: TimedSlack, tmp_path: Path
) -> None:
    sender = load(slack, tmp_path, in_flight=1)
    try:
        sender.send(server.url, ["ok"])
        time.sleep(IDLE_LIMIT + 0.2)
        sent = sender.send(server.url, ["expire"])
    finally:
        sender.close()

    assert [(s.status, s.error) for s in sent] == [(200, None)]
    # Once on the idle connection, which the server closed, then on a new one.
    assert server.texts == ["ok", "expire", "expire"]
    assert server.connections == 2


def test_a_port_nobody_listens_on_fails_every_command_as_refused(
    slack: TimedSlack, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = load(slack, tmp_path, in_flight=2)
    try:
        sent = sender.send(f"http://127.0.0.1:{port}/slack/events", ["ok"] * 3)
    finally:
        sender.close()

    assert [(s.status, s.error, s.ack_seconds) for s in sent] == [(None, "refused", None)] * 3

"""The keep-alive HTTP client against scripted servers: framing, reuse, TLS and proxies."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot import http_answer, keepalive
from bot.keepalive import NoAnswer, NotSent, Origin, Pool, tls_context

HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
IDLE_CLOSE = b""


def ok(body: bytes, *headers: str, version: str = "HTTP/1.1") -> bytes:
    lines = [f"{version} 200 OK", *headers, f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Scripted:
    """A loopback server that reads each request whole and answers with the next script line.

    A script entry is the bytes to send, None to close the connection without answering, or
    IDLE_CLOSE to close the connection, after the answer before it, without waiting for another
    request. A connection also closes after an answer that says `Connection: close`.
    """

    answers: list[bytes | None]
    tls: ssl.SSLContext | None = None
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/includes/api.php"

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(sock,), daemon=True).start()

    def _talk(self, sock: socket.socket) -> None:
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            with sock, sock.makefile("rb") as reader:
                while self.answers:
                    head = b""
                    while not head.endswith(b"\r\n\r\n"):
                        line = reader.readline()
                        if not line:
                            return
                        head += line
                    length = 0
                    for line in head.split(b"\r\n"):
                        if line.lower().startswith(b"content-length:"):
                            length = int(line.split(b":")[1])
                    self.requests.append(head + reader.read(length))
                    answer = self.answers.pop(0)
                    if answer is None:
                        return
                    sock.sendall(answer)
                    if b"connection: close" in answer.lower():
                        return
                    if self.answers and self.answers[0] == IDLE_CLOSE:
                        self.answers.pop(0)
                        return
        except (OSError, ssl.SSLError):
            return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def scripted() -> Iterator[Callable[..., Scripted]]:
    made: list[Scripted] = []

    def make(*answers: bytes | None, tls: ssl.SSLContext | None = None) -> Scripted:
        server = Scripted(list(answers), tls)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


def post(pool: Pool, body: bytes = b"action=GetSupportStatuses") -> bytes:
    answer = pool.post("/includes/api.php", HEADERS, body, timeout=2)
    assert answer.status == 200
    return answer.body


def test_sequential_posts_share_one_connection(scripted: Callable[..., Scripted]) -> None:
    server = scripted(ok(b'{"a":1}'), ok(b'{"b":2}'), ok(b'{"c":3}'))
    pool = Pool(Origin.parse(server.url), 4)

    assert [post(pool) for _ in range(3)] == [b'{"a":1}', b'{"b":2}', b'{"c":3}']
    assert server.connections == 1
    head = server.requests[0].split(b"\r\n")
    assert head[0] == b"POST /includes/api.php HTTP/1.1"
    assert f"Host: 127.0.0.1:{server.port}".encode() in head
    assert server.requests[0].endswith(b"\r\n\r\naction=GetSupportStatuses")


def test_chunked_and_gzip_answers_are_read_whole(scripted: Callable[..., Scripted]) -> None:
    chunked = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3;x=1\r\n:1}\r\n0\r\n\r\n'
    packed = gzip.compress(b'{"zipped":true}')
    server = scripted(chunked, ok(packed, "Content-Encoding: gzip"), ok(b"{}"))
    pool = Pool(Origin.parse(server.url), 4)

    assert post(pool) == b'{"a":1}'
    assert post(pool) == b'{"zipped":true}'
    assert post(pool) == b"{}"
    assert server.connections == 1


def test_an_interim_100_answer_is_skipped(scripted: Callable[..., Scripted]) -> None:
    server = scripted(b"HTTP/1.1 100 Continue\r\n\r\n" + ok(b"{}"))

    assert post(Pool(Origin.parse(server.url), 4)) == b"{}"


@pytest.mark.parametrize(
    "answer",
    [
        ok(b"{}", "Connection: close"),
        ok(b"{}", version="HTTP/1.0"),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}",  # no length: the body ends at close
    ],
)
def test_a_connection_the_server_closes_is_not_reused(
    scripted: Callable[..., Scripted], answer: bytes
) -> None:
    server = scripted(answer, ok(b"{}"))
    pool = Pool(Origin.parse(server.url), 4)

    assert post(pool) == b"{}"
    # The script serves each connection from the same list: the second call needs a new one.
    assert post(pool) == b"{}"
    assert server.connections == 2


def test_an_idle_connection_closed_by_the_server_is_replaced(
    scripted: Callable[..., Scripted],
) -> None:
    # The server answers once, then closes the idle connection (a keep-alive timeout).
    server = scripted(ok(b"{}"), IDLE_CLOSE, ok(b'{"fresh":1}'))
    pool = Pool(Origin.parse(server.url), 4)
    post(pool)
    time.sleep(0.1)  # the close arrives between two commands

    assert post(pool) == b'{"fresh":1}'
    assert server.connections == 2
    assert len(server.requests) == 2


def test_a_connection_dropped_after_sending_is_no_answer(
    scripted: Callable[..., Scripted],
) -> None:
    server = scripted(None)

    with pytest.raises(NoAnswer, match="dropped"):
        post(Pool(Origin.parse(server.url), 4))

    assert len(server.requests) == 1  # it was sent: the outcome is unknown


def test_garbage_instead_of_http_is_no_answer(scripted: Callable[..., Scripted]) -> None:
    server = scripted(b"<html>Welcome to nginx</html>\r\n\r\n")

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(Origin.parse(server.url), 4))


def test_a_refused_connection_was_never_sent() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        pool = Pool(Origin.parse(f"http://127.0.0.1:{closed.getsockname()[1]}/"), 4)

        with pytest.raises(NotSent, match="connection refused"):
            post(pool)


def test_credentials_in_the_url_go_as_basic_auth(scripted: Callable[..., Scripted]) -> None:
    server = scripted(ok(b"{}"))
    url = server.url.replace("http://", "http://gate:p%40ss@")

    post(Pool(Origin.parse(url), 4))

    # base64 of "gate:p@ss"
    assert b"Authorization: Basic Z2F0ZTpwQHNz\r\n" in server.requests[0]


@pytest.mark.parametrize("url", ["ftp://example.com/", "example.com", "http://", "http://h:99999/"])
def test_only_http_urls_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(ValueError):
        Origin.parse(url)


# TLS: a certificate made for the test by the openssl command line tool.


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_https_with_a_trusted_certificate_keeps_its_connection(
    scripted: Callable[..., Scripted], certificate: tuple[Path, Path]
) -> None:
    server = scripted(ok(b'{"a":1}'), ok(b'{"b":2}'), tls=server_tls(certificate))
    pool = Pool(Origin.parse(server.url), 4, tls=tls_context(cafile=str(certificate[0])))

    assert post(pool) == b'{"a":1}'
    assert post(pool) == b'{"b":2}'
    assert server.connections == 1


def test_https_with_an_untrusted_certificate_is_never_sent(
    scripted: Callable[..., Scripted], certificate: tuple[Path, Path]
) -> None:
    server = scripted(ok(b"{}"), tls=server_tls(certificate))
    pool = Pool(Origin.parse(server.url), 4)  # the default trust: the test CA is not in it

    with pytest.raises(NotSent, match="certificate not accepted .*self.signed"):
        post(pool)

    assert server.requests == []


class Tunnel:
    """An http proxy on loopback that serves CONNECT by piping bytes to the asked-for port."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.heads: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += client.recv(1)
        self.heads.append(head)
        target = head.split(b" ")[1].decode()
        host, port = target.rsplit(":", 1)
        upstream = socket.create_connection((host, int(port)))
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            sink.close()


def test_https_through_a_proxy_uses_a_connect_tunnel(
    scripted: Callable[..., Scripted], certificate: tuple[Path, Path]
) -> None:
    server = scripted(ok(b'{"via":"tunnel"}'), tls=server_tls(certificate))
    proxy = Tunnel()
    pool = Pool(
        Origin.parse(server.url),
        4,
        proxy=Origin.parse(f"http://squid:pw@127.0.0.1:{proxy.port}"),
        tls=tls_context(cafile=str(certificate[0])),
    )

    assert post(pool) == b'{"via":"tunnel"}'
    (head,) = proxy.heads
    assert head.startswith(f"CONNECT 127.0.0.1:{server.port} HTTP/1.1\r\n".encode())
    assert b"Proxy-Authorization: Basic c3F1aWQ6cHc=\r\n" in head  # squid:pw
    proxy.listener.close()


def test_an_answer_trickling_in_past_the_timeout_is_no_answer() -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def trickle() -> None:
        sock, _ = listener.accept()
        with sock:
            sock.recv(65536)
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 100:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.05)

    threading.Thread(target=trickle, daemon=True).start()
    pool = Pool(Origin.parse(f"http://127.0.0.1:{listener.getsockname()[1]}/"), 4)
    started = time.monotonic()

    with pytest.raises(NoAnswer, match="timed out"):
        pool.post("/", HEADERS, b"x=1", timeout=0.5)

    assert time.monotonic() - started < 1.5  # each byte came in time; the whole did not
    listener.close()


def test_an_answer_past_the_size_limit_is_refused(
    scripted: Callable[..., Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_answer, "MAX_BODY", 1024 * 1024)
    huge = b"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + b"x" * 2_000_000
    bomb = ok(gzip.compress(b"y" * 2_000_000), "Content-Encoding: gzip")
    server = scripted(huge, bomb)
    pool = Pool(Origin.parse(server.url), 4)

    for _ in range(2):
        with pytest.raises(NoAnswer, match="over 1 MiB"):
            post(pool)


def test_a_write_never_goes_over_a_connection_idle_past_the_servers_patience(
    scripted: Callable[..., Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write sent just as the server closes an idle connection has an unknown outcome: a
    # write takes only a connection used moments ago. A read may reuse an older one.
    monkeypatch.setattr(keepalive, "MAX_IDLE", 0.05)
    server = scripted(ok(b"{}"), ok(b"{}"), ok(b"{}"))
    pool = Pool(Origin.parse(server.url), 4)

    post(pool)
    time.sleep(0.1)
    post(pool)  # a read: the same connection
    assert server.connections == 1
    pool.post("/includes/api.php", HEADERS, b"action=UpdateTicket", timeout=2, fresh=True)
    assert server.connections == 1  # used moments ago by the read
    time.sleep(0.1)
    server.answers.append(ok(b"{}"))
    pool.post("/includes/api.php", HEADERS, b"action=UpdateTicket", timeout=2, fresh=True)

    assert server.connections == 2

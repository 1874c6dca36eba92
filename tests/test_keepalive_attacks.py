"""The keep-alive client against hostile or broken servers and proxies, all on loopback.

Each server here is scripted byte by byte. What matters most: a request that may have reached
the server is never reported as NotSent (the bot would then tell a person nothing was changed),
no later call ever reads bytes left over from an earlier answer, and nothing the bot sends can
add a line to its own request head.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot import http_answer
from bot.keepalive import Answer, NoAnswer, NotSent, Origin, Pool, tls_context
from bot.slack.response_urls import ResponseUrls
from bot.whmcs import Transport, WhmcsUnknownOutcome, WhmcsUnreachable

HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
SUCCESS = b'{"result":"success"}'


def ok(body: bytes, *headers: str, status: str = "200 OK") -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Peer:
    """One accepted connection, read through a buffer so that nothing past a request is lost."""

    def __init__(self, sock: socket.socket, server: Server) -> None:
        self.sock = sock
        self.server = server
        self.reader = sock.makefile("rb")

    def request(self) -> bytes | None:
        """Read one whole request (head and Content-Length body); None when the client left."""
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.reader.readline(70000)
            if not line:
                return None
            head += line
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        request = head + self.reader.read(length)
        self.server.requests.append(request)
        return request

    def send(self, *pieces: bytes, gap: float = 0.0) -> None:
        """Send the pieces one by one, `gap` seconds apart."""
        for number, piece in enumerate(pieces):
            if number and gap:
                time.sleep(gap)
            self.sock.sendall(piece)


Talk = Callable[[Peer], None]


class Server:
    """A loopback server that runs `talk` for each connection, each in its own thread."""

    def __init__(
        self, talk: Talk, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1"
    ) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.listener = socket.create_server((host, 0), family=family)
        self.host = f"[{host}]" if ":" in host else host
        self.port = self.listener.getsockname()[1]
        self.talk = talk
        self.tls = tls
        self.requests: list[bytes] = []
        self.received: list[bytes] = []  # every byte read by talks that record raw input
        self.connections = 0
        self.live = 0
        self._lock = threading.Lock()
        threading.Thread(target=self._serve, daemon=True).start()

    def url(self, path: str = "/includes/api.php") -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{path}"

    @property
    def origin(self) -> Origin:
        return Origin.parse(self.url())

    def _serve(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self.live += 1
            threading.Thread(target=self._run, args=(sock,), daemon=True).start()

    def _run(self, sock: socket.socket) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peer = None
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(sock, server_side=True)
            peer = Peer(sock, self)
            self.talk(peer)
        except (OSError, ValueError):
            pass
        finally:
            if peer is not None:
                peer.reader.close()
            sock.close()
            with self._lock:
                self.live -= 1

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    made: list[Server] = []

    def make(talk: Talk, tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Server:
        server = Server(talk, tls, host)
        made.append(server)
        return server

    yield make
    for server in made:
        server.close()


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every request on loopback, whatever proxy the environment names."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("no_proxy", "*")


def use_proxy(monkeypatch: pytest.MonkeyPatch, scheme: str, proxy: str) -> None:
    monkeypatch.setenv(f"{scheme}_proxy", proxy)
    monkeypatch.setenv("no_proxy", "")


def replies(*answers: bytes | None) -> Talk:
    """Answer each request, on whatever connection, with the next answer; None hangs up."""
    left = list(answers)

    def talk(peer: Peer) -> None:
        while left and peer.request() is not None:
            answer = left.pop(0)
            if answer is None:
                return
            peer.send(answer)

    return talk


def answered_then(answer: bytes, then: Callable[[Peer], None]) -> Talk:
    """Read one request, send `answer`, then do `then` on the same connection."""

    def talk(peer: Peer) -> None:
        if peer.request() is not None:
            peer.send(answer)
            then(peer)

    return talk


def hold(seconds: float) -> Callable[[Peer], None]:
    return lambda peer: time.sleep(seconds)


def post(pool: Pool, body: bytes = b"action=GetSupportStatuses", timeout: float = 2) -> Answer:
    return pool.post("/includes/api.php", HEADERS, body, timeout)


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def open_connections(*servers: Server) -> int:
    """Count this process's open TCP connections, either end, that involve the servers' ports."""
    ports = {server.port for server in servers}
    ours = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            ours.add(link[len("socket:[") : -1])
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, remote, state, inode = (row.split()[i] for i in (1, 2, 3, 9))
            ends = {int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16)}
            if state != "0A" and inode in ours and ends & ports:  # 0A: listening
                count += 1
    return count


def wait_until(condition: Callable[[], bool], seconds: float = 2.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


# Framing: every way of splitting or mangling an answer.

SPLIT_ANSWERS = {
    "content-length": ok(b'{"result":"success","ticketid":42}', "Content-Type: application/json"),
    "chunked with extensions and trailers": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4;name="x"\r\n{"a"\r\nA\r\n:"0123456"\r\n1\r\n}\r\n0\r\nX-Trailer: 1\r\n\r\n'
    ),
    "interim answers then gzip": (
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\nX: y\r\n\r\n"
        + ok(gzip.compress(b'{"zipped":true}', mtime=0), "Content-Encoding: gzip")
    ),
}
SPLIT_BODIES = {
    "content-length": b'{"result":"success","ticketid":42}',
    "chunked with extensions and trailers": b'{"a":"0123456"}',
    "interim answers then gzip": b'{"zipped":true}',
}


@pytest.mark.parametrize("kind", list(SPLIT_ANSWERS))
def test_an_answer_split_at_any_byte_is_read_whole_on_one_connection(
    serve: Callable[..., Server], kind: str
) -> None:
    answer = SPLIT_ANSWERS[kind]

    def talk(peer: Peer) -> None:
        for cut in range(len(answer) + 1):
            if peer.request() is None:
                return
            peer.send(answer[:cut], answer[cut:], gap=0.001)

    server = serve(talk)
    pool = Pool(server.origin, 4)

    bodies = [post(pool).body for _ in range(len(answer) + 1)]

    assert bodies == [SPLIT_BODIES[kind]] * (len(answer) + 1)
    assert server.connections == 1


@pytest.mark.parametrize(
    "status_line",
    [
        b"HTTP/1.1 OK",
        b"HTTP/1.1 -200 OK",
        b"HTTP/1.1 2OO OK",
        b"HTTP/1.1",
        b"SIP/2.0 200 OK",
        b"200 OK",
        b"",
        b"\x00\x01\x02\x03",
    ],
)
def test_a_malformed_status_line_is_no_answer(
    serve: Callable[..., Server], status_line: bytes
) -> None:
    server = serve(replies(status_line + b"\r\nContent-Length: 2\r\n\r\n{}"))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4))


@pytest.mark.parametrize(
    "length", [b"-1", b"-0x5", b"five", b"5, 5", b"0x5", b"", b"5 5", b"9" * 5000]
)
def test_a_content_length_that_is_not_a_number_is_no_answer(
    serve: Callable[..., Server], length: bytes
) -> None:
    server = serve(replies(b"HTTP/1.1 200 OK\r\nContent-Length: " + length + b"\r\n\r\nhello"))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4))


@pytest.mark.parametrize(
    "lengths",
    [
        (b"5", b"3"),  # two that disagree: RFC 9112 6.3 calls this unrecoverable
        (b"1_0",),
        (b"+5",),
        (b" \xa05",),  # a no-break space: latin-1 text that str.strip() takes for a space
    ],
    ids=["two that disagree", "1_0", "+5", "no-break space"],
)
def test_a_loosely_written_or_doubled_content_length_is_no_answer(
    serve: Callable[..., Server], lengths: tuple[bytes, ...]
) -> None:
    head = b"".join(b"Content-Length: " + length + b"\r\n" for length in lengths)
    server = serve(replies(b"HTTP/1.1 200 OK\r\n" + head + b"\r\n0123456789"))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4), timeout=0.5)


@pytest.mark.parametrize(
    "body",
    [
        b"zz\r\nhello\r\n0\r\n\r\n",  # not hex
        b"\r\nhello\r\n0\r\n\r\n",  # no size
        b"5\r\nhelloX\r\n0\r\n\r\n",  # data longer than its size
        b"5 5\r\nhello\r\n0\r\n\r\n",
        b"FFFFFFFFFFFFFFFF\r\nhello\r\n0\r\n\r\n",  # past the size limit
    ],
)
def test_a_bad_chunk_is_no_answer(serve: Callable[..., Server], body: bytes) -> None:
    server = serve(
        answered_then(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body, hold(1))
    )

    with pytest.raises(NoAnswer, match="not valid HTTP|over 64 MiB"):
        post(Pool(server.origin, 4), timeout=0.5)


@pytest.mark.parametrize("size", [b"0x5", b"+5", b"0_5"])
def test_a_chunk_size_that_is_not_plain_hex_is_no_answer(
    serve: Callable[..., Server], size: bytes
) -> None:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size
    server = serve(replies(answer + b"\r\nhello\r\n0\r\n\r\n"))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4))


def test_negative_chunk_sizes_cannot_carry_an_answer_past_the_size_limit(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_answer, "MAX_BODY", 1024 * 1024)
    mebibyte = b"x" * 0x100000
    # Each real chunk is followed by a "-100000" chunk that takes nothing but 1 MiB off the count.
    rounds = (b"100000\r\n" + mebibyte + b"\r\n-100000\r\n\r\n") * 3
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + rounds + b"0\r\n\r\n"
    server = serve(replies(answer))

    with pytest.raises(NoAnswer, match="not valid HTTP|over 1 MiB"):
        post(Pool(server.origin, 4))


@pytest.mark.parametrize("status", ["204 No Content", "304 Not Modified"])
def test_204_and_304_end_at_their_blank_line(serve: Callable[..., Server], status: str) -> None:
    server = serve(
        answered_then(f"HTTP/1.1 {status}\r\nContent-Length: 7\r\n\r\n".encode(), hold(1))
    )

    answer = post(Pool(server.origin, 4), timeout=0.4)

    assert (answer.status, answer.body) == (int(status[:3]), b"")


def test_an_answer_with_both_length_and_chunked_does_not_keep_its_connection(
    serve: Callable[..., Server],
) -> None:
    both = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
    server = serve(replies(both + b"5\r\nhello\r\n0\r\n\r\n", ok(b"fresh")))
    pool = Pool(server.origin, 4)

    post(pool)
    assert post(pool).body == b"fresh"

    assert server.connections == 2


def test_a_cut_off_gzip_body_is_no_answer(serve: Callable[..., Server]) -> None:
    packed = gzip.compress(b'{"result":"success","tickets":[1,2,3,4,5,6,7,8,9]}')
    server = serve(replies(ok(packed[: len(packed) // 2], "Content-Encoding: gzip")))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4))


def test_a_content_length_past_the_size_limit_is_no_answer(serve: Callable[..., Server]) -> None:
    huge = b"HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\nhello"
    server = serve(answered_then(huge, lambda peer: None))

    with pytest.raises(NoAnswer, match="dropped|over 64 MiB"):
        post(Pool(server.origin, 4), timeout=1)


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 200 OK\r\n" + b"X-Flood: 1\r\n" * 201 + b"Content-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 200_000 + b"\r\nContent-Length: 2\r\n\r\n{}",
        b"HTTP/1.1 200 OK\nContent-Length: 2\n\n{}" + b"a" * 70000,  # bare LF: no line ends
    ],
    ids=["too many headers", "overlong header line", "bare LF line ends"],
)
def test_an_oversized_head_is_no_answer(serve: Callable[..., Server], head: bytes) -> None:
    server = serve(answered_then(head, hold(1)))

    with pytest.raises(NoAnswer, match="not valid HTTP"):
        post(Pool(server.origin, 4), timeout=0.5)


def test_an_endless_run_of_interim_answers_ends_at_the_timeout(
    serve: Callable[..., Server],
) -> None:
    def storm(peer: Peer) -> None:
        peer.request()
        for _ in range(200):
            peer.send(b"HTTP/1.1 100 Continue\r\n\r\n")
            time.sleep(0.01)

    server = serve(storm)
    started = time.monotonic()

    with pytest.raises(NoAnswer, match="timed out"):
        post(Pool(server.origin, 4), timeout=0.4)

    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "partial",
    [
        b"HTTP/1.1 200 OK\r\nContent-Le",
        b'HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{"result":',
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"result":',
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n",
        b"HTTP/1.1 100 Continue\r\n\r\n",
    ],
    ids=["in the head", "in a sized body", "in a chunk", "between chunks", "after a 100"],
)
def test_a_server_closing_mid_answer_is_no_answer(
    serve: Callable[..., Server], partial: bytes
) -> None:
    server = serve(answered_then(partial, lambda peer: None))

    with pytest.raises(NoAnswer, match="dropped"):
        post(Pool(server.origin, 4))

    assert len(server.requests) == 1  # it was sent: the outcome is unknown


# Desync: a later call must never read what was left of an earlier answer.

STALE = ok(b'{"stale":true}')


def leftover_then_fresh(send_first: Callable[[Peer], None]) -> Talk:
    """Send the first answer and a stale one on the first connection; answer fresh elsewhere."""
    first = threading.Event()

    def talk(peer: Peer) -> None:
        if not first.is_set():
            first.set()
            if peer.request() is not None:
                send_first(peer)
        while peer.request() is not None:
            peer.send(ok(b'{"fresh":true}'))

    return talk


@pytest.mark.parametrize(
    "send_first",
    [
        lambda peer: peer.send(ok(b'{"n":1}') + STALE),
        lambda peer: peer.send(ok(b'{"n":1}'), STALE, gap=0.05),
        lambda peer: peer.send(ok(b'{"n":1}'), b"\r\n", gap=0.05),
        lambda peer: peer.send(ok(b'{"n":1}') + b"HTTP/1.1 100 Continue\r\n\r\n" + STALE),
    ],
    ids=["in the same write", "arriving while idle", "a stray line end", "after an interim"],
)
def test_bytes_past_an_answer_never_answer_a_later_call(
    serve: Callable[..., Server], send_first: Callable[[Peer], None]
) -> None:
    server = serve(leftover_then_fresh(send_first))
    pool = Pool(server.origin, 4)

    post(pool)
    time.sleep(0.15)

    assert post(pool).body == b'{"fresh":true}'
    assert server.connections == 2  # a connection out of step is never used again


def test_bytes_past_an_answer_over_tls_never_answer_a_later_call(
    serve: Callable[..., Server], certificates: dict[str, Path]
) -> None:
    # Two TLS records back to back: the stale one may sit in the TLS layer, not the socket.
    server = serve(
        leftover_then_fresh(lambda peer: peer.send(ok(b'{"n":1}'), STALE)),
        tls=server_tls(certificates, "good"),
    )
    pool = Pool(server.origin, 4, tls=tls_context(cafile=str(certificates["good"])))

    post(pool)
    time.sleep(0.15)

    assert post(pool).body == b'{"fresh":true}'
    assert server.connections == 2  # a connection out of step is never used again


def test_a_connection_given_up_mid_answer_is_never_reused(serve: Callable[..., Server]) -> None:
    def late(peer: Peer) -> None:
        if peer.request() is None:
            return
        peer.send(b'HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n{"late"')
        time.sleep(0.6)
        peer.send(b":true}" + STALE)

    first = threading.Event()

    def talk(peer: Peer) -> None:
        if not first.is_set():
            first.set()
            late(peer)
        else:
            replies(ok(b'{"fresh":true}'))(peer)

    server = serve(talk)
    pool = Pool(server.origin, 4)

    with pytest.raises(NoAnswer, match="timed out"):
        post(pool, timeout=0.3)
    assert post(pool).body == b'{"fresh":true}'

    assert server.connections == 2


# The request head: nothing the bot sends may add a line to it.


def head_lines(request: bytes) -> list[bytes]:
    return request.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def header_names(request: bytes) -> list[bytes]:
    return [line.split(b":", 1)[0].lower() for line in head_lines(request)[1:]]


def test_form_values_stay_in_the_body(serve: Callable[..., Server]) -> None:
    server = serve(replies(ok(SUCCESS)))
    transport = Transport(server.url("/"), "ident", "secret", timeout=2)
    smuggled = "hi\r\n\r\nPOST /evil HTTP/1.1\r\nX-Injected: 1\r\nContent-Length: 0\r\n\r\n"

    transport.call("AddTicketNote", {"ticketid": 42, "message": smuggled, "x\r\nY: 1": "z"})

    (request,) = server.requests
    assert header_names(request) == [
        b"host",
        b"content-length",
        b"accept",
        b"content-type",
        b"user-agent",
    ]
    assert b"\r\n" not in request.split(b"\r\n\r\n", 1)[1]
    transport.close()


@pytest.mark.parametrize(
    ("userinfo", "credentials"),
    [
        ("gate%0D%0AX-Injected:%201:pw%0D%0A", b"gate\r\nX-Injected: 1:pw\r\n"),
        ("gate\r\nX-Injected:1:pw", b"gateX-Injected:1:pw"),  # raw line ends are dropped
    ],
)
def test_crlf_in_url_credentials_and_path_cannot_add_a_header(
    serve: Callable[..., Server], userinfo: str, credentials: bytes
) -> None:
    server = serve(replies(ok(SUCCESS)))
    url = f"http://{userinfo}@127.0.0.1:{server.port}/wh\r\nmcs%0D%0AX-Injected:%203/"
    transport = Transport(url, "ident", "secret", timeout=2)

    transport.call("GetSupportStatuses")

    (request,) = server.requests
    assert b"x-injected" not in header_names(request)
    lines = head_lines(request)
    assert lines[0] == b"POST /whmcs%0D%0AX-Injected:%203/includes/api.php HTTP/1.1"
    assert b"Authorization: Basic " + base64.b64encode(credentials) in lines
    transport.close()


@pytest.mark.parametrize("folder", ["my whmcs", "whmcs\x00", "whmcs\x7f"])
def test_a_space_or_control_byte_in_the_path_is_percent_encoded(
    serve: Callable[..., Server], folder: str
) -> None:
    server = serve(replies(ok(SUCCESS)))
    transport = Transport(f"http://127.0.0.1:{server.port}/{folder}/", "ident", "secret")

    transport.call("GetSupportStatuses")

    request_line = head_lines(server.requests[0])[0]
    assert request_line.count(b" ") == 2
    assert all(0x20 < byte < 0x7F for byte in request_line.replace(b" ", b""))
    transport.close()


@pytest.mark.parametrize("origin_scheme", ["http", "https"])
def test_crlf_in_proxy_credentials_cannot_add_a_header(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch, origin_scheme: str
) -> None:
    proxy = serve(replies(ok(SUCCESS, status="407 Proxy Authentication Required")))
    credentials = "squid%0D%0AX-Injected:%201:pw%0D%0AX-Injected:%202"
    use_proxy(monkeypatch, origin_scheme, f"http://{credentials}@127.0.0.1:{proxy.port}")
    transport = Transport(f"{origin_scheme}://billing.whmcs.invalid/", "ident", "secret")

    with pytest.raises((WhmcsUnreachable, WhmcsUnknownOutcome)):
        transport.call("GetSupportStatuses")

    (request,) = proxy.requests
    assert b"x-injected" not in header_names(request)
    expected = base64.b64encode(b"squid\r\nX-Injected: 1:pw\r\nX-Injected: 2")
    assert b"Proxy-Authorization: Basic " + expected in head_lines(request)
    transport.close()


def test_a_response_url_keeps_its_path_escapes_and_query(serve: Callable[..., Server]) -> None:
    server = serve(replies(ok(b"ok")))
    urls = ResponseUrls()
    url = server.url("/actions/T1/B2/x%0D%0AX-Injected:%201?a=1&b=%20%0D%0A#fragment")

    message = {"text": "Closed #42 — für dich €\r\n\r\nX-Injected: 2"}

    status, body = urls.post(url, message)

    assert (status, body) == (200, "ok")
    (request,) = server.requests
    assert json.loads(request.split(b"\r\n\r\n", 1)[1]) == message  # Content-Length in bytes
    assert head_lines(request)[0] == (
        b"POST /actions/T1/B2/x%0D%0AX-Injected:%201?a=1&b=%20%0D%0A HTTP/1.1"
    )
    assert b"x-injected" not in header_names(request)
    urls.close()


def test_a_response_url_with_only_a_query_posts_to_the_root(serve: Callable[..., Server]) -> None:
    server = serve(replies(ok(b"ok")))

    ResponseUrls().post(f"http://127.0.0.1:{server.port}?a=1", {"text": "Closed #42"})

    assert head_lines(server.requests[0])[0] == b"POST /?a=1 HTTP/1.1"


@pytest.mark.parametrize(
    ("host", "ascii_host"),
    [("bïlling.test", b"xn--blling-iwa.test"), ("例え.test", b"xn--r8jz45g.test")],
)
def test_an_international_host_name_goes_out_in_punycode(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch, host: str, ascii_host: bytes
) -> None:
    proxy = serve(replies(ok(SUCCESS)))
    use_proxy(monkeypatch, "http", f"http://127.0.0.1:{proxy.port}")
    transport = Transport(f"http://{host}/", "ident", "secret", timeout=2)

    assert transport.call("GetSupportStatuses") == {"result": "success"}

    assert b"Host: " + ascii_host in head_lines(proxy.requests[0])
    transport.close()


def test_port_zero_is_refused() -> None:
    with pytest.raises(ValueError):
        Origin.parse("http://127.0.0.1:0/includes/api.php")


def test_default_ports_and_ipv6_literals_shape_the_host_header() -> None:
    assert Origin.parse("https://Billing.Example:443/").authority == "billing.example"
    assert Origin.parse("http://billing.example:443/").authority == "billing.example:443"
    assert Origin.parse("https://[::1]/").authority == "[::1]"
    assert Origin.parse("http://[2001:db8::1]:8080/").authority == "[2001:db8::1]:8080"


def ipv6_loopback() -> bool:
    try:
        with socket.create_server(("::1", 0), family=socket.AF_INET6):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback here")
def test_an_ipv6_literal_host_is_reached(serve: Callable[..., Server]) -> None:
    server = serve(replies(ok(SUCCESS), ok(SUCCESS)), host="::1")
    transport = Transport(f"http://[::1]:{server.port}/whmcs/", "ident", "secret", timeout=2)

    transport.call("GetSupportStatuses")
    transport.call("GetSupportStatuses")

    assert head_lines(server.requests[0])[:2] == [
        b"POST /whmcs/includes/api.php HTTP/1.1",
        f"Host: [::1]:{server.port}".encode(),
    ]
    assert server.connections == 1
    transport.close()


# TLS and proxies: whatever fails before the request is written is NotSent, and nothing else.


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Make self-signed certificates: good, another, for another name, and expired."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    folder = tmp_path_factory.mktemp("tls")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    made: dict[str, Path] = {}
    for name, alt in (("good", "IP:127.0.0.1"), ("other", "IP:127.0.0.1"), ("named", "DNS:x")):
        made[name] = folder / f"{name}.pem"
        subprocess.run(
            ["openssl", "req", "-x509", *ec, "-days", "1", "-subj", "/CN=test",
             "-addext", f"subjectAltName={alt}",
             "-keyout", str(folder / f"{name}.key"), "-out", str(made[name])],
            check=True, capture_output=True,
        )  # fmt: skip
    # An expired one: only `openssl ca` takes a start and an end date in the past.
    (folder / "index.txt").touch()
    (folder / "serial").write_text("01\n")
    (folder / "ca.cnf").write_text(
        "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\n"
        "serial = serial\ndefault_md = sha256\npolicy = any\ncopy_extensions = copy\n"
        "[any]\ncommonName = supplied\n"
    )
    subprocess.run(
        ["openssl", "req", "-new", *ec, "-subj", "/CN=test",
         "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", "expired.key", "-out", "expired.csr"],
        check=True, capture_output=True, cwd=folder,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "expired.key",
         "-in", "expired.csr", "-out", "expired.pem",
         "-startdate", "20200101000000Z", "-enddate", "20200102000000Z"],
        check=True, capture_output=True, cwd=folder,
    )  # fmt: skip
    made["expired"] = folder / "expired.pem"
    return made


def server_tls(certificates: dict[str, Path], name: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    key = certificates[name].with_suffix(".key")
    context.load_cert_chain(certificates[name], key)
    return context


@pytest.mark.parametrize(
    ("served", "trusted"),
    [("named", "named"), ("expired", "expired"), ("good", "other")],
    ids=["wrong host name", "expired", "self-signed, not trusted"],
)
def test_an_untrustworthy_certificate_is_never_sent(
    serve: Callable[..., Server], certificates: dict[str, Path], served: str, trusted: str
) -> None:
    server = serve(replies(ok(SUCCESS)), tls=server_tls(certificates, served))
    pool = Pool(server.origin, 4, tls=tls_context(cafile=str(certificates[trusted])))

    with pytest.raises(NotSent, match="TLS handshake failed"):
        post(pool)

    assert server.requests == []
    assert pool.opened == 0


def test_an_untrustworthy_certificate_tells_the_person_nothing_was_changed(
    serve: Callable[..., Server], certificates: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = serve(replies(ok(SUCCESS)), tls=server_tls(certificates, "expired"))
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates["expired"]))
    transport = Transport(server.url("/"), "ident", "secret", timeout=2)

    with pytest.raises(WhmcsUnreachable, match="nothing was changed"):
        transport.call("UpdateTicket", {"ticketid": 42, "status": "Closed"})

    transport.close()


def test_a_slow_tls_handshake_is_never_sent_and_ends_at_the_timeout(
    serve: Callable[..., Server],
) -> None:
    def trickle(peer: Peer) -> None:
        peer.sock.recv(65536)  # the ClientHello
        peer.send(b"\x16\x03\x03\x40\x00")  # a handshake record of 16 KiB, then a byte at a time
        for _ in range(40):
            time.sleep(0.05)
            peer.send(b"\x00")

    server = serve(trickle)
    pool = Pool(Origin.parse(f"https://127.0.0.1:{server.port}/"), 4)
    started = time.monotonic()

    with pytest.raises(NotSent, match="timed out"):
        post(pool, timeout=0.4)

    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "reply",
    [b"", b"HTTP/1.1 200 OK\r\n\r\n", b"\x15\x03\x03\x00\x02\x02\x28"],
    ids=["closed", "plain HTTP", "an alert"],
)
def test_a_tls_handshake_cut_short_is_never_sent(
    serve: Callable[..., Server], reply: bytes
) -> None:
    def cut(peer: Peer) -> None:
        peer.sock.recv(65536)
        peer.send(reply)

    server = serve(cut)

    with pytest.raises(NotSent, match="TLS handshake failed"):
        post(Pool(Origin.parse(f"https://127.0.0.1:{server.port}/"), 4))


def connect_proxy(answer: bytes, then: Callable[[Peer], None] = lambda peer: None) -> Talk:
    """Read a CONNECT head, send `answer`, then record every further byte from the client."""

    def talk(peer: Peer) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = peer.reader.readline()
            if not line:
                return
            head += line
        peer.server.requests.append(head)
        peer.send(answer)
        then(peer)
        peer.sock.settimeout(0.3)
        try:
            while piece := peer.reader.read1(65536):
                peer.server.received.append(piece)
        except OSError:
            pass

    return talk


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\nnope!",
        b"HTTP/1.1 200 Connection established\r\n\r\n",  # then closes instead of tunnelling
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"",
    ],
    ids=["407", "502", "200 then closed", "not HTTP", "closed"],
)
def test_a_proxy_that_will_not_tunnel_is_never_sent(
    serve: Callable[..., Server], monkeypatch: pytest.MonkeyPatch, answer: bytes
) -> None:
    proxy = serve(connect_proxy(answer, then=lambda peer: peer.sock.shutdown(socket.SHUT_WR)))
    use_proxy(monkeypatch, "https", f"http://127.0.0.1:{proxy.port}")
    transport = Transport("https://billing.whmcs.invalid/", "ident", "secret", timeout=1)

    with pytest.raises(WhmcsUnreachable, match="nothing was changed"):
        transport.call("UpdateTicket", {"ticketid": 42, "status": "Closed"})

    (head,) = proxy.requests
    assert head.startswith(b"CONNECT billing.whmcs.invalid")
    # Past the CONNECT, at most a TLS handshake was started: no application data record.
    assert tls_record_types(b"".join(proxy.received)) <= {0x15, 0x16}
    transport.close()


def tls_record_types(stream: bytes) -> set[int]:
    """Return the content types of the TLS records in a byte stream."""
    types = set()
    while len(stream) >= 5:
        types.add(stream[0])
        stream = stream[5 + int.from_bytes(stream[3:5], "big") :]
    return types


def test_connect_names_the_port_even_when_it_is_the_default(serve: Callable[..., Server]) -> None:
    proxy = serve(connect_proxy(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
    pool = Pool(
        Origin.parse("https://billing.whmcs.invalid/"),
        4,
        proxy=Origin.parse(f"http://127.0.0.1:{proxy.port}"),
    )

    with pytest.raises(NotSent):
        post(pool)

    assert proxy.requests[0].startswith(b"CONNECT billing.whmcs.invalid:443 HTTP/1.1\r\n")


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://billing.whmcs.invalid:8443/", b"billing.whmcs.invalid:8443"),
        ("https://[2001:db8::1]:8443/", b"[2001:db8::1]:8443"),
    ],
)
def test_connect_asks_for_the_origin_host_and_port(
    serve: Callable[..., Server], url: str, target: bytes
) -> None:
    proxy = serve(connect_proxy(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
    pool = Pool(Origin.parse(url), 4, proxy=Origin.parse(f"http://127.0.0.1:{proxy.port}"))

    with pytest.raises(NotSent, match="proxy refused"):
        post(pool)

    assert head_lines(proxy.requests[0])[:2] == [
        b"CONNECT " + target + b" HTTP/1.1",
        b"Host: " + target,
    ]


def test_a_proxy_that_never_answers_connect_is_never_sent(serve: Callable[..., Server]) -> None:
    proxy = serve(connect_proxy(b"", then=hold(2)))
    pool = Pool(
        Origin.parse("https://billing.whmcs.invalid/"),
        4,
        proxy=Origin.parse(f"http://127.0.0.1:{proxy.port}"),
    )
    started = time.monotonic()

    with pytest.raises(NotSent, match="timed out"):
        post(pool, timeout=0.4)

    assert time.monotonic() - started < 1.0


# What is and is not NotSent when the request did leave.


def test_an_answer_before_the_body_was_read_is_never_not_sent(
    serve: Callable[..., Server],
) -> None:
    def early(peer: Peer) -> None:
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            head += peer.reader.readline()
        peer.send(ok(b"too large", "Connection: close", status="413 Payload Too Large"))

    server = serve(early)

    try:
        answer = post(Pool(server.origin, 4), body=b"x" * 8_000_000)
    except NoAnswer:
        return  # the head reached the server: unknown outcome is the honest verdict
    assert answer.status == 413


def test_a_kept_connection_dropped_by_a_reset_is_no_answer(serve: Callable[..., Server]) -> None:
    def reset(peer: Peer) -> None:
        peer.request()
        peer.send(ok(b'{"n":1}'))
        peer.request()
        # An abortive close (RST) after reading the second request.
        peer.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    server = serve(reset)
    pool = Pool(server.origin, 4)
    post(pool)

    with pytest.raises(NoAnswer, match="dropped"):
        post(pool)

    assert len(server.requests) == 2


# Many threads on one pool.


def test_threads_sharing_a_pool_never_share_a_connection(serve: Callable[..., Server]) -> None:
    overlaps: list[bytes] = []

    def echo(peer: Peer) -> None:
        while (request := peer.request()) is not None:
            time.sleep(0.002)
            peer.sock.setblocking(False)
            try:
                if peer.reader.peek(1):
                    overlaps.append(request)  # a second request came before this answer
            finally:
                peer.sock.setblocking(True)
            body = request.split(b"\r\n\r\n", 1)[1]
            peer.send(ok(b'{"echo":"' + body + b'"}'))

    server = serve(echo)
    before = open_files()
    pool = Pool(server.origin, 3)
    mixups: list[tuple[bytes, bytes]] = []

    def worker(number: int) -> None:
        for call in range(15):
            body = f"w{number}c{call}".encode()
            answer = post(pool, body=body)
            if answer.body != b'{"echo":"' + body + b'"}':
                mixups.append((body, answer.body))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert mixups == []
    assert overlaps == []
    assert len(server.requests) == 12 * 15
    assert pool.opened == server.connections <= 12
    pool.close()
    wait_until(lambda: server.live == 0)
    assert open_connections(server) == 0
    assert open_files() <= before  # other tests' servers may close theirs meanwhile


def test_failed_calls_leave_no_socket_open(
    serve: Callable[..., Server], certificates: dict[str, Path]
) -> None:
    garbage = serve(replies(*[b"<html>nope</html>\r\n\r\n"] * 3))
    dropped = serve(replies(None, None, None))
    tls = serve(replies(ok(SUCCESS)), tls=server_tls(certificates, "expired"))
    refusing = serve(connect_proxy(b"HTTP/1.1 407 No\r\n\r\n"))
    slow = serve(answered_then(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{", hold(0.3)))
    untrusted = tls_context(cafile=str(certificates["good"]))
    pools = [
        Pool(garbage.origin, 4),
        Pool(dropped.origin, 4),
        Pool(tls.origin, 4, tls=untrusted),
        Pool(
            Origin.parse("https://billing.whmcs.invalid/"),
            4,
            proxy=Origin.parse(f"http://127.0.0.1:{refusing.port}"),
        ),
        Pool(slow.origin, 4),
    ]
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        pools.append(Pool(Origin.parse(f"http://127.0.0.1:{closed.getsockname()[1]}/"), 4))
        before = open_files()

        for pool in pools * 3:
            with pytest.raises((NotSent, NoAnswer)):
                post(pool, timeout=0.2)

        servers = (garbage, dropped, tls, refusing, slow)
        wait_until(lambda: all(server.live == 0 for server in servers))
        assert open_connections(*servers) == 0
        assert open_files() <= before  # other tests' servers may close theirs meanwhile

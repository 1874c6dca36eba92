"""A small HTTP/1.1 client that POSTs over kept-alive connections to one origin.

The bot makes three or four HTTP calls for every change (WHMCS's read, write and note, then the
answer to Slack), so the client's own cost is most of what a change costs. The general-purpose
clients spend several times the CPU of the exchange itself on layers this job does not need;
this one sends a prepared request and reads the answer, nothing more. TLS is the standard
library's, with certificates checked. Proxies: plain http:// proxies, with CONNECT for https.
"""

from __future__ import annotations

import base64
import select
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

MAX_HEADER_LINE = 65536
MAX_HEADERS = 200
# The largest answer read: far above any WHMCS answer, far below what would strain memory.
MAX_BODY = 64 * 1024 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


class NotSent(Exception):
    """No connection could be made: the request never left this host."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoAnswer(Exception):
    """The request may have been sent, but no complete answer came back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and its body."""

    status: int
    body: bytes


@dataclass(frozen=True)
class Origin:
    """Where connections go: scheme, host and port, and basic-auth credentials if any."""

    scheme: str
    host: str
    port: int
    auth: str | None = None

    @classmethod
    def parse(cls, url: str) -> Origin:
        """Return the origin of an http(s) URL; raise ValueError for anything else."""
        parts = urlsplit(url.strip())
        if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
            raise ValueError("not an http(s) URL with a host")
        port = parts.port or _DEFAULT_PORTS[parts.scheme]  # raises ValueError for a bad port
        auth = None
        if parts.username is not None:
            auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        return cls(parts.scheme, parts.hostname, port, auth)

    @property
    def authority(self) -> str:
        """Return host[:port] as the Host header has it, the port left out when it is default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return host
        return f"{host}:{self.port}"


class Pool:
    """Kept-alive connections to one origin, shared by threads; at most `size` are kept idle.

    Args:
        proxy: an http:// proxy to go through: a CONNECT tunnel for https, else the request
            goes to the proxy with the full URL.
        tls: the TLS context for https; None makes one that checks certificates against
            the system's or `cafile`'s CAs.
    """

    def __init__(
        self,
        origin: Origin,
        size: int,
        proxy: Origin | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        if proxy is not None and proxy.scheme != "http":
            raise ValueError("only http:// proxies are supported")
        self.origin = origin
        self.size = size
        self.proxy = proxy
        self.tls = tls if tls is not None or origin.scheme == "http" else tls_context()
        self._idle: list[socket.socket] = []
        self._lock = threading.Lock()
        self.opened = 0

    def post(self, path: str, headers: dict[str, str], body: bytes, timeout: float) -> Answer:
        """Send one POST and return the answer; raise NotSent or NoAnswer without one."""
        request = self._request(path, headers, body)
        sock = self._idle_connection() or self._connect(timeout)
        try:
            sock.settimeout(timeout)
            sock.sendall(request)
            # The whole answer must come within `timeout`, not each piece of it.
            answer, reusable = _read_answer(sock, time.monotonic() + timeout)
        except (OSError, ValueError, zlib.error) as error:
            sock.close()
            raise NoAnswer(_no_answer_reason(error)) from None
        if reusable:
            self._keep(sock)
        else:
            sock.close()
        return answer

    def close(self) -> None:
        """Close the idle connections."""
        with self._lock:
            idle, self._idle = self._idle, []
        for sock in idle:
            sock.close()

    def _request(self, path: str, headers: dict[str, str], body: bytes) -> bytes:
        target = path
        lines = [f"Host: {self.origin.authority}", f"Content-Length: {len(body)}"]
        if self.proxy is not None and self.origin.scheme == "http":
            target = f"http://{self.origin.authority}{path}"
            if self.proxy.auth:
                lines.append(f"Proxy-Authorization: {_basic(self.proxy.auth)}")
        if self.origin.auth:
            lines.append(f"Authorization: {_basic(self.origin.auth)}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head = f"POST {target} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + body

    def _idle_connection(self) -> socket.socket | None:
        """Return a kept connection the server has not closed meanwhile, or None."""
        while True:
            with self._lock:
                if not self._idle:
                    return None
                sock = self._idle.pop()
            if not _dropped(sock):
                return sock
            sock.close()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append(sock)
                return
        sock.close()

    def _connect(self, timeout: float) -> socket.socket:
        """Open a connection (through the proxy, with TLS when https); raise NotSent if none."""
        first = self.proxy or self.origin
        try:
            sock = socket.create_connection((first.host, first.port), timeout=timeout)
        except socket.gaierror:
            raise NotSent("the host name does not resolve") from None
        except TimeoutError:
            raise NotSent(f"connecting timed out after {timeout:g} s") from None
        except ConnectionRefusedError:
            refused = "the proxy refused the connection" if self.proxy else "connection refused"
            raise NotSent(refused) from None
        except OSError:
            raise NotSent("could not connect") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            return self._secure(sock, timeout)
        except BaseException:
            sock.close()
            raise

    def _secure(self, sock: socket.socket, timeout: float) -> socket.socket:
        """Tunnel through the proxy and start TLS, as the origin needs."""
        if self.proxy is not None and self.origin.scheme == "https":
            try:
                self._tunnel(sock)
            except TimeoutError:
                raise NotSent(f"connecting timed out after {timeout:g} s") from None
            except (OSError, ValueError):
                raise NotSent("the proxy refused the connection") from None
        if self.tls is not None:
            try:
                sock = self.tls.wrap_socket(sock, server_hostname=self.origin.host)
            except TimeoutError:
                raise NotSent(f"connecting timed out after {timeout:g} s") from None
            except OSError:  # ssl.SSLError and a reset during the handshake
                raise NotSent("TLS handshake failed") from None
        with self._lock:
            self.opened += 1
        return sock

    def _tunnel(self, sock: socket.socket) -> None:
        """Ask the proxy for a tunnel to the origin; raise ValueError when it says no."""
        lines = [f"CONNECT {self.origin.authority} HTTP/1.1", f"Host: {self.origin.authority}"]
        if self.proxy is not None and self.proxy.auth:
            lines.append(f"Proxy-Authorization: {_basic(self.proxy.auth)}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reader = _Reader(sock, time.monotonic() + (sock.gettimeout() or 30.0))
        status, _ = reader.head()
        if status != 200:
            raise ValueError(f"proxy answered {status}")


def tls_context(cafile: str | None = None, capath: str | None = None) -> ssl.SSLContext:
    """Return a TLS context that checks certificates and host names."""
    return ssl.create_default_context(cafile=cafile, capath=capath)


class _Reader:
    """Read an HTTP answer from a socket, byte-exact: nothing past the answer is consumed."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = bytearray()

    def _fill(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no whole answer in time")
        if len(self.buffer) > MAX_BODY:
            raise ValueError("answer too large")
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed by the server")
        self.buffer += chunk

    def line(self) -> bytes:
        start = 0
        while True:
            end = self.buffer.find(b"\r\n", start)
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 2]
                return line
            if len(self.buffer) > MAX_HEADER_LINE:
                raise ValueError("header line too long")
            start = max(0, len(self.buffer) - 1)
            self._fill()

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def rest(self) -> bytes:
        """Read until the server closes the connection."""
        while True:
            try:
                self._fill()
            except ConnectionResetError:
                data = bytes(self.buffer)
                self.buffer.clear()
                return data

    def head(self) -> tuple[int, dict[str, str]]:
        """Read a status line and headers; skip interim (1xx) answers."""
        while True:
            parts = self.line().split(None, 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
                raise ValueError("not an HTTP answer")
            status = int(parts[1])
            headers = {"_version": parts[0].decode("latin-1")}
            for _ in range(MAX_HEADERS):
                line = self.line()
                if not line:
                    break
                name, _, value = line.decode("latin-1").partition(":")
                name = name.strip().lower()
                # Repeated headers matter here only for their last value, or not at all.
                headers[name] = value.strip()
            else:
                raise ValueError("too many headers")
            if not 100 <= status < 200:
                return status, headers


def _read_answer(sock: socket.socket, deadline: float) -> tuple[Answer, bool]:
    """Read one answer; return it and whether the connection can carry another request."""
    reader = _Reader(sock, deadline)
    status, headers = reader.head()
    connection = headers.get("connection", "").lower()
    reusable = headers["_version"] == "HTTP/1.1" and "close" not in connection
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _chunked(reader)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if length < 0:
            raise ValueError("negative Content-Length")
        body = reader.exactly(length)
    elif status in (204, 304):
        body = b""
    else:
        body, reusable = reader.rest(), False
    if reader.buffer:
        reusable = False  # bytes past the answer: the connection is out of step
    encoding = headers.get("content-encoding", "").lower()
    if encoding in ("gzip", "deflate"):
        body = _inflate(body)
    return Answer(status, body), reusable


def _inflate(body: bytes) -> bytes:
    """Return a gzip or deflate body unpacked, refusing one that unpacks past MAX_BODY."""
    unpacker = zlib.decompressobj(47)  # 47: a gzip or a zlib header, told apart by zlib
    plain = unpacker.decompress(body, MAX_BODY)
    if unpacker.unconsumed_tail:
        raise ValueError("answer too large")
    return plain


def _chunked(reader: _Reader) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size = int(reader.line().split(b";", 1)[0].strip() or b"x", 16)
        if size == 0:
            while reader.line():  # trailers, then the blank line
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise ValueError("answer too large")
        parts.append(reader.exactly(size))
        if reader.line():
            raise ValueError("chunk not followed by CRLF")


def _dropped(sock: socket.socket) -> bool:
    """Tell whether an idle connection was closed (or written to) by the server."""
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    try:
        return bool(poller.poll(0))
    except OSError:
        return True


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")


def _no_answer_reason(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ValueError) and str(error) == "answer too large":
        return f"the answer was over {MAX_BODY // (1024 * 1024)} MiB"
    if isinstance(error, (ValueError, zlib.error)):
        return "the answer was not valid HTTP"
    return "connection dropped before the answer"

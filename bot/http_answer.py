"""Read one HTTP/1.1 answer from a socket, strictly: anything doubtful is refused, not guessed.

Nothing past the answer is consumed, and an answer framed in a way two readers could take
differently (two lengths, a length beside chunked) never leaves its connection open for the
next request.
"""

from __future__ import annotations

import re
import socket
import time
import zlib
from dataclasses import dataclass

MAX_HEADER_LINE = 65536
MAX_HEADERS = 200
# The largest answer read: far above any WHMCS answer, far below what would strain memory.
MAX_BODY = 64 * 1024 * 1024
TOO_LARGE = "answer too large"
_DIGITS = re.compile(rb"[0-9]{1,18}")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_STATUS = re.compile(rb"HTTP/1\.[01] ([0-9]{3})(?: .*)?")
# Interim answers to skip; 101 (switching protocols) is never asked for, so it is an error.
_INTERIM = frozenset({100, 102, 103})
_OWS = " \t"


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: its status and its body."""

    status: int
    body: bytes


@dataclass(frozen=True)
class Head:
    """A status line and its headers, names lower-cased, every value of each kept in order."""

    version: str
    status: int
    headers: dict[str, list[str]]

    def values(self, name: str) -> list[str]:
        """Return every value of a header, in order; [] when it is absent."""
        return self.headers.get(name, [])

    def has(self, name: str, token: str) -> bool:
        """Tell whether a comma-separated header lists `token` (case-insensitively)."""
        listed = (part.strip().lower() for value in self.values(name) for part in value.split(","))
        return token in listed


class Reader:
    """Read from a socket until `deadline` (time.monotonic()), byte-exact."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline
        self.buffer = bytearray()

    def _fill(self) -> None:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no whole answer in time")
        if len(self.buffer) > MAX_BODY:
            raise ValueError(TOO_LARGE)
        self.sock.settimeout(left)
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionResetError("closed by the server")
        self.buffer += chunk

    def line(self) -> bytes:
        """Read one CRLF-ended line, without its CRLF."""
        start = 0
        while True:
            end = self.buffer.find(b"\r\n", start)
            if end > MAX_HEADER_LINE or (end < 0 and len(self.buffer) > MAX_HEADER_LINE):
                raise ValueError("header line too long")
            if end >= 0:
                line = bytes(self.buffer[:end])
                del self.buffer[: end + 2]
                return line
            start = max(0, len(self.buffer) - 1)
            self._fill()

    def exactly(self, size: int) -> bytes:
        """Read exactly `size` bytes."""
        if size > MAX_BODY:
            raise ValueError(TOO_LARGE)
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

    def head(self) -> Head:
        """Read a status line and headers; skip interim answers (100, 102, 103)."""
        while True:
            matched = _STATUS.fullmatch(self.line())
            if matched is None:
                raise ValueError("not an HTTP answer")
            status = int(matched.group(1))
            version = matched.group(0)[:8].decode("ascii")
            headers: dict[str, list[str]] = {}
            for _ in range(MAX_HEADERS):
                line = self.line()
                if not line:
                    break
                name, colon, value = line.decode("latin-1").partition(":")
                if not colon or not name or name != name.strip(_OWS):
                    raise ValueError("malformed header line")
                headers.setdefault(name.lower(), []).append(value.strip(_OWS))
            else:
                raise ValueError("too many headers")
            if status == 101 or not 100 <= status <= 599:
                raise ValueError("unexpected status")
            if status not in _INTERIM:
                return Head(version, status, headers)


def read_answer(sock: socket.socket, deadline: float) -> tuple[Answer, bool]:
    """Read one answer; return it and whether the connection can carry another request."""
    reader = Reader(sock, deadline)
    head = reader.head()
    reusable = head.version == "HTTP/1.1" and not head.has("connection", "close")
    chunked = head.has("transfer-encoding", "chunked")
    if head.status in (204, 304):
        body = b""  # no body, whatever the headers say
    elif chunked:
        body = chunked_body(reader)
        # A length beside chunked is a smuggling attempt or a broken proxy: read by chunks,
        # but let no other request follow on this connection.
        reusable = reusable and not head.values("content-length")
    elif head.values("content-length"):
        body = reader.exactly(content_length(head.values("content-length")))
    else:
        body, reusable = reader.rest(), False
    if reader.buffer:
        reusable = False  # bytes past the answer: the connection is out of step
    encoding = ",".join(head.values("content-encoding")).strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        body = inflate(body)
    elif encoding not in ("", "identity"):
        raise ValueError("unknown content encoding")
    return Answer(head.status, body), reusable


def content_length(values: list[str]) -> int:
    """Return the length of the one Content-Length header; ValueError for anything else."""
    if len(values) != 1 or not _DIGITS.fullmatch(values[0].encode("latin-1")):
        raise ValueError("malformed Content-Length")
    return int(values[0])


def inflate(body: bytes) -> bytes:
    """Return a gzip or deflate body unpacked; refuse one cut short or past MAX_BODY."""
    unpacker = zlib.decompressobj(47)  # 47: a gzip or a zlib header, told apart by zlib
    plain = unpacker.decompress(body, MAX_BODY)
    if unpacker.unconsumed_tail:
        raise ValueError(TOO_LARGE)
    if not unpacker.eof:
        raise ValueError("compressed answer cut short")
    return plain


def chunked_body(reader: Reader) -> bytes:
    """Read a chunked body and its trailers."""
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = reader.line().split(b";", 1)[0].strip(b" \t")
        if not _CHUNK_SIZE.fullmatch(size_text):
            raise ValueError("malformed chunk size")
        size = int(size_text, 16)
        if size == 0:
            while reader.line():  # trailers, then the blank line
                pass
            return b"".join(parts)
        total += size
        if total > MAX_BODY:
            raise ValueError(TOO_LARGE)
        parts.append(reader.exactly(size))
        if reader.line():
            raise ValueError("chunk not followed by CRLF")

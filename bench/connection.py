"""One keep-alive HTTP/1.1 connection that sends a prepared request and reads the whole answer."""

from __future__ import annotations

import asyncio
import time
from typing import NamedTuple

# Status line and headers of an answer; anything longer is not one of our servers talking.
HEAD_LIMIT = 64 * 1024
END_OF_HEAD = b"\r\n\r\n"
CRLF = b"\r\n"


class ExchangeError(Exception):
    """The server broke an exchange: `reason` says how, in a word or two."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ClosedBeforeAnswer(ExchangeError):
    """The connection ended before the first byte of an answer."""

    def __init__(self) -> None:
        super().__init__("closed")


class Answer(NamedTuple):
    """An answer read to its end: its status and whether the connection may carry another."""

    status: int
    keep_alive: bool


class Connection:
    """A client connection to one loopback server; any failure closes it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        # time.monotonic() when the last answer was read in full; None before the first.
        self.answered_at: float | None = None

    @classmethod
    async def open(cls, host: str, port: int) -> Connection:
        """Connect to host:port; raise ExchangeError("refused") when nothing listens there."""
        try:
            reader, writer = await asyncio.open_connection(host, port, limit=HEAD_LIMIT)
        except ConnectionRefusedError:
            raise ExchangeError("refused") from None
        except OSError as error:
            why = error.strerror or type(error).__name__
            raise ExchangeError(f"connect failed ({why})") from None
        return cls(reader, writer)

    def idle_seconds(self) -> float:
        """Return how long the connection has sat idle since its last answer (0 before one)."""
        return 0.0 if self.answered_at is None else time.monotonic() - self.answered_at

    @property
    def stale(self) -> bool:
        """Say whether the server has closed the connection (or reset it) while it was idle."""
        reader = self.reader
        return self.writer.is_closing() or reader.at_eof() or reader.exception() is not None

    def close(self) -> None:
        """Close the connection without waiting."""
        self.writer.close()

    async def exchange(self, request: bytes) -> Answer:
        """Send a whole request, then read the whole answer to it."""
        try:
            try:
                self.writer.write(request)
                await self.writer.drain()
            except OSError:
                raise ClosedBeforeAnswer() from None
            answer = await self._read_answer()
        except BaseException:
            # Half an exchange leaves the connection unusable; a timeout lands here too.
            self.close()
            raise
        self.answered_at = time.monotonic()
        if not answer.keep_alive:
            self.close()
        return answer

    async def _read_answer(self) -> Answer:
        while True:
            status, headers, version = await self._read_head()
            if not 100 <= status < 200:  # skip interim answers such as 100 Continue
                break
        connection = {token.strip() for token in headers.get("connection", "").lower().split(",")}
        if version == "HTTP/1.1":
            keep_alive = "close" not in connection
        else:
            keep_alive = "keep-alive" in connection
        try:
            if "chunked" in headers.get("transfer-encoding", "").lower():
                await self._read_chunked()
            elif "content-length" in headers:
                await self.reader.readexactly(_length(headers["content-length"]))
            elif status in (204, 304):
                pass
            else:
                # No framing: the answer ends with the connection.
                await self.reader.read()
                keep_alive = False
        except (asyncio.IncompleteReadError, OSError):
            raise ExchangeError("closed") from None
        except asyncio.LimitOverrunError:
            raise ExchangeError("bad answer") from None
        return Answer(status, keep_alive)

    async def _read_head(self) -> tuple[int, dict[str, str], str]:
        try:
            head = await self.reader.readuntil(END_OF_HEAD)
        except asyncio.IncompleteReadError as error:
            if error.partial:
                raise ExchangeError("closed") from None
            raise ClosedBeforeAnswer() from None
        except OSError:
            raise ClosedBeforeAnswer() from None
        except asyncio.LimitOverrunError:
            raise ExchangeError("bad answer") from None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1.") or not parts[1].isdigit():
            raise ExchangeError("bad answer")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        return int(parts[1]), headers, parts[0]

    async def _read_chunked(self) -> None:
        while True:
            size_line = await self.reader.readuntil(CRLF)
            size = _length(size_line.split(b";", 1)[0].strip(), base=16)
            if size == 0:
                # Trailer fields, if any, then the empty line that ends the body.
                while await self.reader.readuntil(CRLF) != CRLF:
                    pass
                return
            await self.reader.readexactly(size + len(CRLF))


def _length(text: str | bytes, base: int = 10) -> int:
    try:
        length = int(text, base)
    except ValueError:
        raise ExchangeError("bad answer") from None
    if length < 0:
        raise ExchangeError("bad answer")
    return length

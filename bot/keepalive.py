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
from urllib.parse import quote, unquote, urlsplit

from bot import http_answer
from bot.http_answer import Answer, Reader, read_answer

__all__ = ["Answer", "NoAnswer", "NotSent", "Origin", "Pool", "tls_context"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
# How long a connection may have been idle to carry a request that must not be lost in
# doubt (a write): servers close idle ones (Apache after 5 s), and a request sent just as the
# server closes is one whose outcome nobody can know.
MAX_IDLE = 4.0
# What a request target may hold as it is; anything else is percent-encoded.
_TARGET_SAFE = "/%:@!$&'()*+,;=-._~?"


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
        port = parts.port  # raises ValueError for a port that is not a number up to 65535
        if port == 0:
            raise ValueError("port 0")
        host = parts.hostname
        if not host.isascii():
            try:
                host = host.encode("idna").decode("ascii")
            except UnicodeError:
                raise ValueError("host name cannot be encoded") from None
        auth = None
        if parts.username is not None:
            auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        return cls(parts.scheme, host, port or _DEFAULT_PORTS[parts.scheme], auth)

    @property
    def authority(self) -> str:
        """Return host[:port] as the Host header has it, the port left out when it is default."""
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return self._host
        return self.host_port

    @property
    def host_port(self) -> str:
        """Return host:port, the port always given, as CONNECT needs it."""
        return f"{self._host}:{self.port}"

    @property
    def _host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host


class Pool:
    """Kept-alive connections to one origin, shared by threads; at most `size` are kept idle.

    Args:
        proxy: an http:// proxy to go through: a CONNECT tunnel for https, else the request
            goes to the proxy with the full URL.
        tls: the TLS context for https; None makes one that checks certificates against
            the system's CAs.
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
        # Idle connections with the time each became idle, the most recent last.
        self._idle: list[tuple[socket.socket, float]] = []
        self._lock = threading.Lock()
        self._closed = False
        self.opened = 0

    def post(
        self,
        path: str,
        headers: dict[str, str],
        body: bytes,
        timeout: float,
        fresh: bool = False,
    ) -> Answer:
        """Send one POST and return the answer; raise NotSent or NoAnswer without one.

        `timeout` bounds connecting, sending, and then the whole answer once it is sent.
        With `fresh`, only a connection idle for at most MAX_IDLE is reused: for writes.
        """
        try:
            request = self._request(path, headers, body)
        except (UnicodeError, ValueError):
            raise NotSent("the request cannot be written as HTTP") from None
        sock = self._idle_connection(MAX_IDLE if fresh else None) or self._connect(timeout)
        try:
            sock.settimeout(timeout)
            sock.sendall(request)
            answer, reusable = read_answer(sock, time.monotonic() + timeout)
        except (OSError, ValueError, zlib.error) as error:
            sock.close()
            raise NoAnswer(_no_answer_reason(error)) from None
        if reusable:
            self._keep(sock)
        else:
            sock.close()
        return answer

    def close(self) -> None:
        """Close the idle connections, and each busy one as it comes back."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._closed = True
        for sock, _ in idle:
            sock.close()

    def _request(self, path: str, headers: dict[str, str], body: bytes) -> bytes:
        target = quote(path or "/", safe=_TARGET_SAFE)
        if not target.startswith("/"):
            target = "/" + target
        lines = [f"Host: {self.origin.authority}", f"Content-Length: {len(body)}"]
        if self.proxy is not None and self.origin.scheme == "http":
            target = f"http://{self.origin.authority}{target}"
            if self.proxy.auth:
                lines.append(f"Proxy-Authorization: {_basic(self.proxy.auth)}")
        if self.origin.auth:
            lines.append(f"Authorization: {_basic(self.origin.auth)}")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if any("\r" in line or "\n" in line for line in lines):
            raise ValueError("a line break in a header")
        head = f"POST {target} HTTP/1.1\r\n" + "\r\n".join(lines) + "\r\n\r\n"
        return head.encode("latin-1") + body

    def _idle_connection(self, max_idle: float | None) -> socket.socket | None:
        """Return a kept connection the server has not closed meanwhile, or None.

        The most recently used comes first; one idle longer than `max_idle` is closed.
        """
        while True:
            with self._lock:
                if not self._idle:
                    return None
                sock, since = self._idle.pop()
            too_old = max_idle is not None and time.monotonic() - since > max_idle
            if not too_old and not _dropped(sock):
                return sock
            sock.close()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < self.size:
                self._idle.append((sock, time.monotonic()))
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
            except ssl.SSLCertVerificationError as error:
                why = error.verify_message or "not trusted"
                raise NotSent(f"TLS handshake failed: certificate not accepted ({why})") from None
            except OSError:  # other ssl.SSLErrors and a reset during the handshake
                raise NotSent("TLS handshake failed") from None
        with self._lock:
            self.opened += 1
        return sock

    def _tunnel(self, sock: socket.socket) -> None:
        """Ask the proxy for a tunnel to the origin; raise ValueError when it says no."""
        target = self.origin.host_port
        lines = [f"CONNECT {target} HTTP/1.1", f"Host: {target}"]
        if self.proxy is not None and self.proxy.auth:
            lines.append(f"Proxy-Authorization: {_basic(self.proxy.auth)}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reader = Reader(sock, time.monotonic() + (sock.gettimeout() or 30.0))
        status = reader.head().status
        if status != 200:
            raise ValueError(f"proxy answered {status}")
        if reader.buffer:
            raise ValueError("proxy sent more than its answer")


def tls_context(cafile: str | None = None, capath: str | None = None) -> ssl.SSLContext:
    """Return a TLS context that checks certificates and host names."""
    return ssl.create_default_context(cafile=cafile, capath=capath)


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
    if isinstance(error, ValueError) and str(error) == http_answer.TOO_LARGE:
        return f"the answer was over {http_answer.MAX_BODY // (1024 * 1024)} MiB"
    if isinstance(error, (ValueError, zlib.error)):
        return "the answer was not valid HTTP"
    return "connection dropped before the answer"

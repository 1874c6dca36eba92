"""Send one WHMCS API call over HTTP and turn every failure into a WHMCS client error."""

from __future__ import annotations

import http.cookiejar
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError

from bot.whmcs.answer import read_answer
from bot.whmcs.errors import (
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsError,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)
from bot.whmcs.hold import AccessHold

log = logging.getLogger(__name__)

API_PATH = "/includes/api.php"
# Fields the transport owns; a caller's parameter must never replace the credentials.
_RESERVED_FIELDS = frozenset(
    {"action", "responsetype", "identifier", "secret", "accesskey", "username", "password"}
)
_BAD_URL = (
    requests.exceptions.InvalidURL,
    requests.exceptions.InvalidSchema,
    requests.exceptions.MissingSchema,
)


def api_url(base: str) -> str:
    """Return the API endpoint for a WHMCS install URL (or the endpoint itself)."""
    url = base.strip().rstrip("/")
    if url.endswith(API_PATH):
        return url
    return url + API_PATH


class Transport:
    """Call WHMCS's API over one pooled keep-alive HTTP session; safe to share across threads.

    After wrong credentials no further call is sent for the life of the transport, and after
    `IP Banned` none for five minutes: such calls raise the same access error at once.

    Args:
        clock: monotonic seconds; decides when a hold after `IP Banned` ends.
    """

    def __init__(
        self,
        url: str,
        identifier: str,
        secret: str,
        access_key: str | None = None,
        timeout: float = 10.0,
        pool_size: int = 16,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = api_url(url)
        self.timeout = timeout
        self._identifier = identifier
        self._secret = secret
        self._access_key = access_key or None
        self._calls_made = 0
        self._count_lock = threading.Lock()
        self._session = _session(pool_size)
        self._hold = AccessHold(clock)

    def __repr__(self) -> str:
        return f"Transport(url={_public_url(self.url)!r}, timeout={self.timeout:g})"

    @property
    def calls_made(self) -> int:
        """Return how many HTTP requests this transport has sent."""
        return self._calls_made

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def call(self, action: str, params: Mapping[str, str | int] | None = None) -> dict[str, Any]:
        """Send one API action and return WHMCS's JSON answer; never retries.

        Raises WhmcsApiError, WhmcsAccessError, WhmcsUnreachable or WhmcsUnknownOutcome.
        """
        form = self._form(action, params or {})
        # Three failed logins ban the IP: a held access error is raised without sending.
        self._hold.check(action)
        with self._count_lock:
            self._calls_made += 1

        try:
            return self._send(action, form)
        except WhmcsError as error:
            if isinstance(error, WhmcsAccessError) and self._hold.start(error):
                raise  # the hold logged its one error line
            # A documented refusal (Ticket ID Not Found, ...) is routine; faults are warnings,
            # and so is a refusal in another shape (maintenance mode, a security module).
            routine = isinstance(error, WhmcsApiError) and error.routine
            level = logging.DEBUG if routine else logging.WARNING
            log.log(level, "WHMCS action=%s failed %s", action, _failure(error))
            raise

    def _form(self, action: str, params: Mapping[str, str | int]) -> dict[str, str]:
        """Return the POST form: credentials, JSON answers, then the action's parameters."""
        # Without responsetype=json WHMCS answers in XML or key=value text, auth errors too.
        form = {
            "action": action,
            "responsetype": "json",
            "identifier": self._identifier,
            "secret": self._secret,
        }
        if self._access_key:
            form["accesskey"] = self._access_key
        for name, value in params.items():
            if name.lower() in _RESERVED_FIELDS:
                raise ValueError(f"parameter {name!r} is set by the transport")
            form[name] = _form_value(value)
        return form

    def _send(self, action: str, form: dict[str, str]) -> dict[str, Any]:
        """POST the form and read the answer."""
        response = self._post(action, form)
        if isinstance(response, WhmcsError):
            # Raised outside the except block, so no requests exception (which holds the
            # request, and so the secret) travels along as the error's context.
            raise response

        secrets = tuple(s for s in (self._secret, self._identifier, self._access_key) if s)
        answer, salvaged = read_answer(action, response.status_code, response.content, secrets)
        if salvaged and action.casefold() in WRITE_ACTIONS:
            # Anything but the expected JSON is an unknown outcome for a write, never a success.
            raise WhmcsUnknownOutcome(
                "answer had PHP notices around the JSON", response.status_code, action
            )
        if salvaged:
            log.warning(
                "WHMCS action=%s answer carried PHP notices around the JSON; "
                "turn off display_errors on the WHMCS server",
                action,
            )
        return answer

    def _post(self, action: str, form: dict[str, str]) -> requests.Response | WhmcsError:
        """Return the HTTP answer, or the error for a request that got none."""
        try:
            return self._session.post(
                self.url, data=form, timeout=self.timeout, allow_redirects=False
            )
        except requests.RequestException as exc:
            return _request_failure(exc, action, self.timeout)


def _session(pool_size: int) -> requests.Session:
    """Return a keep-alive session with a connection pool and no retries or cookies."""
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    # The API is stateless; refusing cookies keeps threads from sharing session state.
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update({"Accept": "application/json", "User-Agent": "ticketbot"})
    # Proxy settings and .netrc from the environment stay in force; only the URL is ours.
    return session


def _form_value(value: str | int) -> str:
    """Return a form value; booleans become 1 and 0 because WHMCS reads "false" as true."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _request_failure(exc: requests.RequestException, action: str, timeout: float) -> WhmcsError:
    """Return the error for a request that produced no HTTP answer."""
    if isinstance(exc, requests.ConnectTimeout):
        return WhmcsUnreachable(f"connecting timed out after {timeout:g} s", action)
    if isinstance(exc, requests.Timeout):
        return WhmcsUnknownOutcome(f"timed out after {timeout:g} s", None, action)
    if isinstance(exc, _BAD_URL):
        return WhmcsUnreachable("the WHMCS URL is not valid", action)
    # TLS and proxy failures happen before the request is handed to WHMCS.
    if isinstance(exc, requests.exceptions.SSLError):
        return WhmcsUnreachable("TLS handshake failed", action)
    if isinstance(exc, requests.exceptions.ProxyError):
        return WhmcsUnreachable("the proxy refused the connection", action)
    if isinstance(exc, requests.ConnectionError) and _never_connected(exc):
        return WhmcsUnreachable(_connect_reason(exc), action)
    # A connection dropped after sending, a broken chunked body, and the like.
    return WhmcsUnknownOutcome("connection dropped before the answer", None, action)


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Tell whether the connection failed before the request was sent.

    With retries off, urllib3 wraps connect failures in MaxRetryError; a connection dropped
    after sending surfaces as a bare ProtocolError instead.
    """
    return bool(exc.args) and isinstance(exc.args[0], MaxRetryError)


def _connect_reason(exc: requests.ConnectionError) -> str:
    """Return a short, safe reason for a failed connect."""
    cause = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else None
    text = str(cause).lower()
    if "name" in text and ("resolve" in text or "not known" in text or "resolution" in text):
        return "the host name does not resolve"
    if "refused" in text:
        return "connection refused"
    return "could not connect"


WRITE_ACTIONS = frozenset({"updateticket", "addticketnote", "addticketreply", "openticket"})


def _failure(error: WhmcsError) -> str:
    """Return the kind and safe detail of a failure for the log line."""
    if isinstance(error, WhmcsAccessError):
        return f"kind=access_error access={error.kind}: {error.message}"
    if isinstance(error, WhmcsApiError):
        return f"kind=refused: {error.message[:200]}"
    if isinstance(error, WhmcsUnreachable):
        return f"kind=unreachable: {error.reason}"
    if isinstance(error, WhmcsUnknownOutcome):
        return f"kind=unknown_outcome: {error.reason}"
    return f"kind=error: {error.message}"


def _public_url(url: str) -> str:
    """Return the URL without any user name or password in it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))

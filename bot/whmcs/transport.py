"""Send one WHMCS API call over HTTP and turn every failure into a WHMCS client error."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.whmcs.answer import read_answer
from bot.whmcs.connection import Connection
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


def api_url(base: str) -> str:
    """Return the API endpoint for a WHMCS install URL (or the endpoint itself)."""
    url = base.strip().rstrip("/")
    if url.endswith(API_PATH):
        return url
    return url + API_PATH


class Transport:
    """Call WHMCS's API over pooled keep-alive connections; safe to share across threads.

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
        self._connection = Connection(self.url, pool_size)
        self._hold = AccessHold(clock)

    def __repr__(self) -> str:
        return f"Transport(url={_public_url(self.url)!r}, timeout={self.timeout:g})"

    @property
    def calls_made(self) -> int:
        """Return how many HTTP requests this transport has sent."""
        return self._calls_made

    def close(self) -> None:
        """Close the pooled connections."""
        self._connection.close()

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
        write = action.casefold() in WRITE_ACTIONS
        response = self._connection.post(form, action, self.timeout, write)
        if isinstance(response, WhmcsError):
            # Raised outside any except block, so no HTTP library exception (which may hold
            # the request, and so the secret) travels along as the error's context.
            raise response

        secrets = tuple(s for s in (self._secret, self._identifier, self._access_key) if s)
        answer, salvaged = read_answer(action, response.status, response.body, secrets)
        if salvaged and write:
            # Anything but the expected JSON is an unknown outcome for a write, never a success.
            raise WhmcsUnknownOutcome(
                "answer had PHP notices around the JSON", response.status, action
            )
        if salvaged:
            log.warning(
                "WHMCS action=%s answer carried PHP notices around the JSON; "
                "turn off display_errors on the WHMCS server",
                action,
            )
        return answer


def _form_value(value: str | int) -> str:
    """Return a form value; booleans become 1 and 0 because WHMCS reads "false" as true."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


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

"""Errors raised by the WHMCS client, one class per thing the caller can do about it."""

from __future__ import annotations

import re

_INVALID_IP = re.compile(r"^Invalid IP (\S+)$")
_DENIED_ACTION = re.compile(r'^Invalid Permissions: API action "([^"]*)" is not allowed$')
_UNKNOWN_ACTION = re.compile(r'^Invalid API Action: "[^"]*" is not a valid API action$')
_FIXED_ACCESS_MESSAGES = {
    "Invalid Access Key": "access_key",
    "IP Banned": "banned",
    "Invalid or missing credentials": "credentials",
    "Authentication Failed": "authentication",
}


class WhmcsError(Exception):
    """Base class of every WHMCS client error; `.message` is safe to show users."""

    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.action = action


class WhmcsApiError(WhmcsError):
    """WHMCS refused the action; `.message` is WHMCS's own text.

    `.routine` is False when the refusal came as a `warning` or `status: "error"` body instead
    of WHMCS's documented error shape: maintenance mode or a security module in front of the
    API, which the operator should hear about.
    """

    def __init__(self, message: str, action: str = "", routine: bool = True) -> None:
        super().__init__(message, action)
        self.routine = routine


class WhmcsAccessError(WhmcsError):
    """WHMCS refused the caller (HTTP 403 access error); never retry it.

    `.kind` is one of "ip", "access_key", "banned", "credentials", "authentication",
    "permission", "unknown_action" or "other". `.ip` is set for "ip", `.denied_action` for
    "permission".
    """

    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message, action)
        self.kind, self.ip, self.denied_action = classify_access_message(message)


class WhmcsUnreachable(WhmcsError):
    """The request never reached WHMCS, so nothing was changed."""

    def __init__(self, reason: str, action: str = "") -> None:
        super().__init__(f"WHMCS could not be reached ({reason}); nothing was changed", action)
        self.reason = reason


class WhmcsUnknownOutcome(WhmcsError):
    """The request was sent but the answer was unusable, so its effect is unknown."""

    def __init__(self, reason: str, status: int | None = None, action: str = "") -> None:
        super().__init__(f"WHMCS gave no usable answer ({reason}); the outcome is unknown", action)
        self.reason = reason
        self.status = status


def classify_access_message(message: str) -> tuple[str, str | None, str | None]:
    """Return (kind, ip, denied_action) for a WHMCS access error message."""
    text = message.strip()
    if text in _FIXED_ACCESS_MESSAGES:
        return _FIXED_ACCESS_MESSAGES[text], None, None

    ip = _INVALID_IP.match(text)
    if ip:
        return "ip", ip.group(1), None

    denied = _DENIED_ACTION.match(text)
    if denied:
        return "permission", None, denied.group(1)

    if _UNKNOWN_ACTION.match(text):
        return "unknown_action", None, None
    return "other", None, None


def is_access_message(message: str) -> bool:
    """Tell whether a message is one of WHMCS's documented access error texts."""
    return classify_access_message(message)[0] != "other"

"""The API's access checks: IP bans, the IP allow-list and access key, credentials, API role."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Collection, Mapping
from typing import Any

log = logging.getLogger(__name__)

BAN_FAILURES = 3
BAN_WINDOW_SECONDS = 30 * 60


class Gate:
    """Decide whether an API request may run, with WHMCS's 403 messages."""

    def __init__(
        self,
        identifier: str,
        secret: str,
        known_actions: Collection[str],
        access_key: str | None = None,
    ) -> None:
        self.identifier = identifier
        self._secret = secret
        self._known_actions = frozenset(known_actions)
        self._initial_access_key = access_key
        self._lock = threading.Lock()
        self._failures: dict[str, list[float]] = {}
        self.allowed_ips: list[str] | None = None
        self.access_key = access_key
        self.allowed_actions: frozenset[str] | None = None

    def check(self, ip: str, params: Mapping[str, str], action: str) -> str | None:
        """Return the access error for a request, or None when it may run."""
        with self._lock:
            if self._banned(ip):
                return "IP Banned"
            if self.allowed_ips is not None and ip not in self.allowed_ips:
                # An access key only stands in for the allow-list; credentials still follow.
                key = params.get("accesskey", "")
                if not key:
                    return f"Invalid IP {ip}"
                if self.access_key is None or not _same(key, self.access_key):
                    return "Invalid Access Key"
            secret = params.get("secret", "")
            if params.get("identifier", "") != self.identifier or not secret:
                self._fail(ip)
                return "Invalid or missing credentials"
            if not _same(secret, self._secret):
                self._fail(ip)
                return "Authentication Failed"
            if action not in self._known_actions:
                return f'Invalid API Action: "{action}" is not a valid API action'
            if self.allowed_actions is not None and action not in self.allowed_actions:
                return f'Invalid Permissions: API action "{action}" is not allowed'
            return None

    def configure(self, rules: Mapping[str, Any]) -> None:
        """Change the rules named in `rules`; the others stay as they are.

        Keys: `allowed_ips` (list of addresses, or None for no allow-list), `access_key`
        (str or None), `allowed_actions` (list of action names, or None for all).
        """
        allowed_ips = rules.get("allowed_ips", self.allowed_ips)
        access_key = rules.get("access_key", self.access_key)
        allowed_actions = rules.get("allowed_actions", self.allowed_actions)
        if allowed_ips is not None and not _strings(allowed_ips):
            raise ValueError("allowed_ips must be a list of strings or null")
        if access_key is not None and not isinstance(access_key, str):
            raise ValueError("access_key must be a string or null")
        if allowed_actions is not None and not _strings(allowed_actions):
            raise ValueError("allowed_actions must be a list of strings or null")
        with self._lock:
            self.allowed_ips = None if allowed_ips is None else list(allowed_ips)
            self.access_key = access_key
            self.allowed_actions = (
                None if allowed_actions is None else frozenset(a.lower() for a in allowed_actions)
            )

    def reset_bans(self) -> None:
        """Forget every failed login."""
        with self._lock:
            self._failures.clear()

    def reset(self) -> None:
        """Go back to the rules the sandbox started with and forget failed logins."""
        self.reset_bans()
        self.configure(
            {"allowed_ips": None, "access_key": self._initial_access_key, "allowed_actions": None}
        )

    def _recent_failures(self, ip: str) -> list[float]:
        cutoff = time.monotonic() - BAN_WINDOW_SECONDS
        recent = [at for at in self._failures.get(ip, []) if at > cutoff]
        self._failures[ip] = recent
        return recent

    def _banned(self, ip: str) -> bool:
        return len(self._recent_failures(ip)) >= BAN_FAILURES

    def _fail(self, ip: str) -> None:
        recent = self._recent_failures(ip)
        recent.append(time.monotonic())
        if len(recent) >= BAN_FAILURES:
            log.warning("ip=%s banned after %d failed logins", ip, len(recent))


def _strings(value: object) -> bool:
    return isinstance(value, (list, tuple, frozenset)) and all(isinstance(v, str) for v in value)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())

"""Stop sending API calls after an access error that another call would only repeat."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from bot.whmcs.errors import WhmcsAccessError

log = logging.getLogger(__name__)

# WHMCS bans the caller's IP for 30 minutes after three failed logins within 30 minutes. Wrong
# credentials fail every call the same way, so one failure holds every later call until the bot
# restarts with new settings; a ban is waited out a few minutes at a time.
HELD_UNTIL_RESTART = frozenset({"credentials", "authentication"})
BAN_HOLD_SECONDS = 5 * 60


class AccessHold:
    """Remember the access error that holds further calls, and until when; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._error: WhmcsAccessError | None = None
        # None while an error is held means: until the transport is thrown away.
        self._until: float | None = None

    def check(self, action: str) -> None:
        """Raise the held access error, named for `action`, while a hold lasts."""
        with self._lock:
            held = self._current()
        if held is not None:
            # A new instance per call: re-raising one instance would grow its traceback.
            raise WhmcsAccessError(held.message, action)

    def start(self, error: WhmcsAccessError) -> bool:
        """Hold later calls after `error` when its kind calls for it; tell whether a hold began."""
        if error.kind in HELD_UNTIL_RESTART:
            until = None
        elif error.kind == "banned":
            until = self._clock() + BAN_HOLD_SECONDS
        else:
            # ip, access_key, permission, unknown_action: fixable in WHMCS while the bot runs,
            # and not failed logins.
            return False

        with self._lock:
            held = self._current()
            if held is not None and (self._until is None or until is not None):
                # Calls already in flight when the hold began fail the same way: one hold.
                return False
            self._error, self._until = error, until

        if until is None:
            log.error(
                "WHMCS action=%s failed kind=access_error access=%s: %s; no further WHMCS call "
                "is sent until the bot restarts with corrected WHMCS credentials",
                error.action,
                error.kind,
                error.message,
            )
        else:
            log.error(
                "WHMCS action=%s failed kind=access_error access=%s: %s; no WHMCS call is sent "
                "for the next %d s",
                error.action,
                error.kind,
                error.message,
                BAN_HOLD_SECONDS,
            )
        return True

    def _current(self) -> WhmcsAccessError | None:
        """Return the held error, dropping a timed hold that has run out (lock held)."""
        if self._until is not None and self._clock() >= self._until:
            self._error, self._until = None, None
        return self._error

"""The log of API calls the sandbox received, for tests to inspect."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

# Parameters whose values never enter the log.
SECRET_PARAMS = frozenset({"secret", "accesskey", "password"})
MASK = "***"


class CallLog:
    """Record every API call; safe to use from many request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[dict[str, Any]] = []

    def record(
        self, action: str, params: Mapping[str, str], status: int | None, received: float
    ) -> None:
        """Add one call; `status` is None when the connection was dropped without an answer."""
        masked = {
            key: MASK if key.lower() in SECRET_PARAMS else value for key, value in params.items()
        }
        with self._lock:
            self._calls.append(
                {"action": action, "params": masked, "status": status, "time": received}
            )

    def entries(self) -> list[dict[str, Any]]:
        """Return a copy of the calls received so far, oldest first."""
        with self._lock:
            return [dict(call) for call in self._calls]

    def clear(self) -> None:
        """Forget every call."""
        with self._lock:
            self._calls.clear()

"""Injected faults: the broken answers real installs give behind proxies and PHP settings.

Which modes run the action:
- performed, writes kept: no mode (latency only), `missing_keys`, `timeout_after_write`, and
  `php_notice` (a PHP notice does not stop the script: the JSON after it is the real answer);
- not run at all: `html_500`, `html_503`, `html_200`, `warning`, `status_error`, `close`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MODES = frozenset(
    {
        "html_500",
        "html_503",
        "php_notice",
        "html_200",
        "warning",
        "status_error",
        "missing_keys",
        "timeout_after_write",
        "close",
    }
)
NOT_RUN = frozenset({"html_500", "html_503", "html_200", "warning", "status_error", "close"})
DEFAULT_HANG_SECONDS = 30.0


@dataclass(frozen=True)
class Fault:
    """How to spoil the answer to one matching call."""

    latency: float
    mode: str | None
    hang: float

    @property
    def runs_action(self) -> bool:
        """Tell whether the action runs at all under this fault."""
        return self.mode not in NOT_RUN

    @property
    def keeps_writes(self) -> bool:
        """Tell whether what the action writes is kept."""
        return self.runs_action


class FaultPlan:
    """The faults currently injected; safe to use from many request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._actions: frozenset[str] | None = None
        self._remaining: int | None = None

    def set(self, spec: Mapping[str, Any]) -> None:
        """Replace the plan from the control API's JSON; raise ValueError when it is invalid."""
        mode = spec.get("mode")
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {sorted(MODES)} or null")
        latency = _seconds(spec.get("latency", 0.0), "latency")
        hang = _seconds(spec.get("hang", DEFAULT_HANG_SECONDS), "hang")
        actions = spec.get("actions")
        if actions is not None and not (
            isinstance(actions, list) and all(isinstance(a, str) for a in actions)
        ):
            raise ValueError("actions must be a list of action names or null")
        count = spec.get("count")
        if count is not None and (not isinstance(count, int) or count < 0):
            raise ValueError("count must be a non-negative integer or null")
        if count == 0:
            self.clear()
            return
        with self._lock:
            self._fault = Fault(latency=latency, mode=mode, hang=hang)
            self._actions = None if actions is None else frozenset(a.lower() for a in actions)
            self._remaining = count

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._fault, self._actions, self._remaining = None, None, None

    def take(self, action: str) -> Fault | None:
        """Return the fault for a call of `action`, counting it against the plan's count."""
        with self._lock:
            if self._fault is None or (self._actions is not None and action not in self._actions):
                return None
            fault = self._fault
            if self._remaining is not None:
                self._remaining -= 1
                if self._remaining == 0:
                    self._fault, self._actions, self._remaining = None, None, None
            return fault

    def describe(self) -> dict[str, Any]:
        """Return the current plan as JSON-ready values."""
        with self._lock:
            if self._fault is None:
                return {"mode": None, "latency": 0.0, "actions": None, "count": None}
            return {
                "mode": self._fault.mode,
                "latency": self._fault.latency,
                "hang": self._fault.hang,
                "actions": None if self._actions is None else sorted(self._actions),
                "count": self._remaining,
            }


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a non-negative number of seconds")
    return float(value)

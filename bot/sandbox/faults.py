"""Injected faults: the broken answers real installs give behind proxies and PHP settings.

Which modes run the action:
- performed, writes kept: no mode (latency only), `missing_keys`, `timeout_after_write`, and
  `php_notice` (a PHP notice does not stop the script: the JSON after it is the real answer);
- not run at all: `html_500`, `html_503`, `html_200`, `warning`, `status_error`, `close`.

A plan injects one fault into every matching call (`{"mode": "html_503", "count": 2}`), or,
with `{"random": {"rate": 0.1, "seed": 7}}`, a fault of a kind drawn at random into each call
with probability `rate`; one seed gives one sequence of draws. Every fault injected since the
plan was last set is recorded (time, action, kind), and stays readable after the plan is cleared.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
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
# A random plan also draws plain latency spikes: the call is slow, then answered normally.
LATENCY = "latency"
RANDOM_KINDS = MODES | {LATENCY}
DEFAULT_HANG_SECONDS = 30.0
DEFAULT_SPIKE_SECONDS = 1.0
# The record of injected faults keeps the newest this many.
RECORD_LIMIT = 100_000
_RANDOM_KEYS = frozenset({"rate", "seed", "kinds", "latency", "hang"})


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

    @property
    def kind(self) -> str | None:
        """Name the fault as the record does: its mode, `latency`, or None when it does nothing."""
        if self.mode is not None:
            return self.mode
        return LATENCY if self.latency else None


@dataclass(frozen=True)
class RandomFaults:
    """Spoil each call with probability `rate`, with a kind drawn from `kinds`.

    Args:
        latency: seconds a `latency` spike delays the answer.
        hang: seconds a `timeout_after_write` answer comes too late.
    """

    rate: float
    seed: int
    kinds: tuple[str, ...]
    latency: float
    hang: float

    @classmethod
    def from_spec(cls, spec: object) -> RandomFaults:
        """Read the `random` object of the control API; raise ValueError when it is invalid."""
        if not isinstance(spec, Mapping):
            raise TypeError("random must be an object with rate, and optionally seed and kinds")
        unknown = set(spec) - _RANDOM_KEYS
        if unknown:
            raise ValueError(f"random takes {sorted(_RANDOM_KEYS)}, not {sorted(unknown)}")
        rate = spec.get("rate")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise ValueError("random.rate must be a number from 0 to 1")
        seed = spec.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError("random.seed must be an integer")
        kinds = spec.get("kinds", sorted(RANDOM_KINDS))
        if not isinstance(kinds, list) or not kinds or not all(k in RANDOM_KINDS for k in kinds):
            raise ValueError(f"random.kinds must be a non-empty list of {sorted(RANDOM_KINDS)}")
        return cls(
            rate=float(rate),
            seed=seed,
            # Sorted, so that the order they were listed in never changes what a seed draws.
            kinds=tuple(sorted(set(kinds))),
            latency=_seconds(spec.get("latency", DEFAULT_SPIKE_SECONDS), "random.latency"),
            hang=_seconds(spec.get("hang", DEFAULT_HANG_SECONDS), "random.hang"),
        )

    def fault(self, kind: str) -> Fault:
        """Return the fault of one kind, with this plan's latency and hang."""
        if kind == LATENCY:
            return Fault(latency=self.latency, mode=None, hang=self.hang)
        return Fault(latency=0.0, mode=kind, hang=self.hang)

    def describe(self) -> dict[str, Any]:
        """Return the plan as JSON-ready values."""
        return {
            "rate": self.rate,
            "seed": self.seed,
            "kinds": list(self.kinds),
            "latency": self.latency,
            "hang": self.hang,
        }


class FaultPlan:
    """The faults currently injected; safe to use from many request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fault: Fault | None = None
        self._random: RandomFaults | None = None
        self._draws = random.Random()
        self._actions: frozenset[str] | None = None
        self._remaining: int | None = None
        self._record: deque[dict[str, Any]] = deque(maxlen=RECORD_LIMIT)
        self._counts: Counter[str] = Counter()
        self._drawn = 0

    def set(self, spec: Mapping[str, Any]) -> None:
        """Replace the plan from the control API's JSON; raise ValueError when it is invalid."""
        actions = _actions(spec.get("actions"))
        if "random" in spec:
            others = set(spec) - {"random", "actions"}
            if others:
                raise ValueError(
                    f"random faults take only random and actions, not {sorted(others)}"
                )
            plan = RandomFaults.from_spec(spec["random"])
            with self._lock:
                self._start_record()
                self._fault, self._remaining = None, None
                self._random, self._actions = plan, actions
                self._draws = random.Random(plan.seed)
            return

        mode = spec.get("mode")
        if mode is not None and mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; expected one of {sorted(MODES)} or null")
        latency = _seconds(spec.get("latency", 0.0), "latency")
        hang = _seconds(spec.get("hang", DEFAULT_HANG_SECONDS), "hang")
        count = spec.get("count")
        if count is not None and (not isinstance(count, int) or count < 0):
            raise ValueError("count must be a non-negative integer or null")
        with self._lock:
            self._start_record()
            self._random = None
            if count == 0:
                self._fault, self._actions, self._remaining = None, None, None
                return
            self._fault = Fault(latency=latency, mode=mode, hang=hang)
            self._actions = actions
            self._remaining = count

    def clear(self, keep_record: bool = False) -> None:
        """Remove every fault; the record of those injected goes too unless `keep_record`."""
        with self._lock:
            self._fault, self._random, self._actions, self._remaining = None, None, None, None
            if not keep_record:
                self._start_record()

    def take(self, action: str) -> Fault | None:
        """Return the fault for a call of `action`, counting it against the plan's count."""
        with self._lock:
            if self._fault is None and self._random is None:
                return None
            if self._actions is not None and action not in self._actions:
                return None
            fault = self._draw() if self._random is not None else self._next()
            if fault is not None and fault.kind is not None:
                self._record.append({"time": time.time(), "action": action, "kind": fault.kind})
                self._counts[fault.kind] += 1
            return fault

    def injected(self) -> list[dict[str, Any]]:
        """Return each fault injected since the plan was last set, oldest first."""
        with self._lock:
            return [dict(entry) for entry in self._record]

    def describe(self) -> dict[str, Any]:
        """Return the current plan, and the faults injected under it, as JSON-ready values."""
        with self._lock:
            injected = dict(sorted(self._counts.items()))
            actions = None if self._actions is None else sorted(self._actions)
            if self._random is not None:
                return {
                    "mode": None,
                    "latency": 0.0,
                    "actions": actions,
                    "count": None,
                    "random": {**self._random.describe(), "calls": self._drawn},
                    "injected": injected,
                }
            if self._fault is None:
                return {
                    "mode": None,
                    "latency": 0.0,
                    "actions": None,
                    "count": None,
                    "injected": injected,
                }
            return {
                "mode": self._fault.mode,
                "latency": self._fault.latency,
                "hang": self._fault.hang,
                "actions": actions,
                "count": self._remaining,
                "injected": injected,
            }

    def _start_record(self) -> None:
        """Forget the faults injected so far (the lock is held)."""
        self._record.clear()
        self._counts.clear()
        self._drawn = 0

    def _next(self) -> Fault | None:
        """Return the single fault of the plan and count it down (the lock is held)."""
        fault = self._fault
        if self._remaining is not None:
            self._remaining -= 1
            if self._remaining == 0:
                self._fault, self._actions, self._remaining = None, None, None
        return fault

    def _draw(self) -> Fault | None:
        """Decide at random whether this call breaks, and how (the lock is held)."""
        assert self._random is not None
        self._drawn += 1
        if self._draws.random() >= self._random.rate:
            return None
        return self._random.fault(self._draws.choice(self._random.kinds))


def _actions(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    if not (isinstance(value, list) and all(isinstance(a, str) for a in value)):
        raise ValueError("actions must be a list of action names or null")
    return frozenset(a.lower() for a in value)


def _seconds(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"{name} must be a non-negative number of seconds")
    return float(value)

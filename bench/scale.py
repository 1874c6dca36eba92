"""How much work each case does: the full run, and the quick smoke run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    """The sizes and times of one benchmark run."""

    tickets: int = 300
    load_commands: int = 300
    load_latency: float = 2.0
    load_reply_timeout: float = 300.0
    calls_per_kind: int = 30
    saturation_commands: int = 1000
    memory_marks: tuple[int, ...] = (1000, 2500, 5000)
    memory_batch: int = 500
    triage_tickets: int = 10_000
    triage_active: int = 1000
    triage_changes: int = 100
    startups: int = 3


FULL = Scale()
QUICK = Scale(
    tickets=60,
    load_commands=60,
    load_latency=0.3,
    load_reply_timeout=60.0,
    calls_per_kind=10,
    saturation_commands=120,
    memory_marks=(100, 250, 500),
    memory_batch=250,
    triage_tickets=1000,
    triage_active=100,
    triage_changes=12,
)

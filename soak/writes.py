"""Pair each UpdateTicket the sandbox received with the one audit entry that sent it.

Each attempt from Slack sends UpdateTicket at most once, so a write left without an entry of
its own is a write sent twice (or one the record never heard of). The pairing also gives each
recorded change the moment its write reached WHMCS, which the state check orders changes by.

An entry's time (to the second) is when its attempt began or when it ended, depending on where
it came from; of the entries that can explain a write, the one closest in time is taken, the
ones that explain it by their fields before those that only may (a refusal after a fault).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.sandbox.faults import NOT_RUN
from bot.store import AuditEntry
from soak.rig import ADMIN_NAMES, DEPARTMENT_NAMES

# Parameters the soak changes, as the record names their fields.
TRACKED_PARAMS = {
    "status": "Status",
    "priority": "Priority",
    "deptid": "Department",
    "subject": "Subject",
    "flag": "Flag",
    "removeFlag": "Flag",
}
# A write is sent within this many seconds of its entry's time (an attempt may wait for other
# attempts on the same ticket first).
ENTRY_WITHIN = 60.0
# A fault is taken right after its call is received: matched within this many seconds.
FAULT_WITHIN = 0.5
WILDCARD_OUTCOMES = ("refused", "failed")
# What an attempt can come to after a write that changed nothing.
AFTER_NOT_RUN = frozenset({"refused", "unknown", "failed"})


@dataclass(frozen=True)
class Write:
    """One UpdateTicket call the sandbox received."""

    index: int
    ticket_id: int
    time: float
    labels: Mapping[str, str]  # the record's field name -> value, for the fields sent
    fault: str | None


@dataclass
class Pairing:
    """Writes paired with audit entries, and what is left over on either side."""

    entry_of: dict[int, AuditEntry] = field(default_factory=dict)  # write index -> entry
    write_of: dict[int, Write] = field(default_factory=dict)  # entry id -> write
    lone_writes: list[Write] = field(default_factory=list)
    lone_changes: list[AuditEntry] = field(default_factory=list)  # done/partial, no write


def entry_seconds(entry: AuditEntry) -> float:
    """Return when an entry was recorded, in seconds since the epoch (to the second)."""
    return datetime.fromisoformat(entry.at).timestamp()


def entry_ticket(entry: AuditEntry) -> int | None:
    """Return the ticket an entry is about; the soak names tickets by id, so a number is one."""
    if entry.ticket_id is not None:
        return entry.ticket_id
    number = entry.ticket_number.lstrip("#")
    return int(number) if number.isdigit() else None


def fault_kinds(
    calls: Sequence[Mapping[str, Any]], injected: Sequence[Mapping[str, Any]]
) -> list[str | None]:
    """Return the fault each call received (None for none), by matching times and actions."""
    kinds: list[str | None] = [None] * len(calls)
    by_action: dict[str, list[int]] = {}
    for index, call in enumerate(calls):
        by_action.setdefault(call["action"], []).append(index)
    taken: set[int] = set()
    for fault in sorted(injected, key=lambda f: f["time"]):
        best = None
        for index in by_action.get(fault["action"], []):
            gap = fault["time"] - calls[index]["time"]
            # The fault is taken just after the call is received, by the same clock.
            if index in taken or gap < 0 or gap > FAULT_WITHIN:
                continue
            if best is None or gap < fault["time"] - calls[best]["time"]:
                best = index
        if best is not None:
            taken.add(best)
            kinds[best] = fault["kind"]
    return kinds


def writes_of(calls: Sequence[Mapping[str, Any]], kinds: Sequence[str | None]) -> list[Write]:
    """Return the UpdateTicket calls, with the tracked fields they sent as the record names them."""
    writes = []
    for index, call in enumerate(calls):
        if call["action"] != "updateticket":
            continue
        params = call["params"]
        writes.append(
            Write(index, int(params.get("ticketid", 0)), call["time"], labels(params), kinds[index])
        )
    return writes


def labels(params: Mapping[str, str]) -> dict[str, str]:
    """Translate UpdateTicket parameters into the record's field names and values."""
    found = {}
    for param, name in TRACKED_PARAMS.items():
        value = params.get(param)
        if not value:
            continue
        if param == "deptid":
            value = DEPARTMENT_NAMES.get(int(value), f"department {value}")
        elif param == "flag":
            value = ADMIN_NAMES.get(int(value), f"admin {value}")
        elif param == "removeFlag":
            value = "unflagged"
        found[name] = html.unescape(value) if param == "subject" else value
    return found


def pair(writes: Sequence[Write], entries: Sequence[AuditEntry]) -> Pairing:
    """Pair writes with entries, oldest write first, each entry with at most one write."""
    pairing = Pairing()
    by_ticket: dict[int, list[AuditEntry]] = {}
    for entry in entries:
        ticket_id = entry_ticket(entry)
        if ticket_id is not None and entry.id is not None:
            by_ticket.setdefault(ticket_id, []).append(entry)
    for write in sorted(writes, key=lambda w: w.time):
        best: tuple[int, float, AuditEntry] | None = None
        for entry in by_ticket.get(write.ticket_id, []):
            assert entry.id is not None
            if entry.id in pairing.write_of:
                continue
            # The record keeps whole seconds.
            gap = abs(write.time - entry_seconds(entry) - 0.5)
            if gap > ENTRY_WITHIN:
                continue
            rank = _rank(entry, write)
            if rank is not None and (best is None or (rank, gap) < best[:2]):
                best = (rank, gap, entry)
        if best is None:
            pairing.lone_writes.append(write)
            continue
        entry = best[2]
        assert entry.id is not None
        pairing.write_of[entry.id] = write
        pairing.entry_of[write.index] = entry
    pairing.lone_changes = [
        entry
        for entry in entries
        if entry.outcome in ("done", "partial") and entry.id not in pairing.write_of
    ]
    return pairing


def _rank(entry: AuditEntry, write: Write) -> int | None:
    """Say how well an entry explains a write: 0 exactly, 1 by its fields, 2 possibly; or None."""
    if write.fault in NOT_RUN and entry.outcome not in AFTER_NOT_RUN:
        return None
    changed = {change.field: change.after for change in entry.changes}
    sent = dict(write.labels)
    if entry.outcome == "done" and changed == sent:
        return 0
    if entry.outcome in ("done", "unknown") and changed and set(changed) == set(sent):
        return 1
    if entry.outcome == "partial" and changed and set(changed) <= set(sent):
        return 1
    if entry.outcome in WILDCARD_OUTCOMES and not changed:
        return 2
    return None

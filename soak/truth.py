"""Check that WHMCS ended as the audit record and the soak's own changes say it should.

For each ticket and field, the known values are the soak's changes made outside the bot and
the `after` of every change the record counts as made (done, partial), each placed at the moment
its write reached WHMCS. The newest one must be what WHMCS holds. Moments are known within an
interval; when intervals of different values overlap at the end, either value passes. A
different value passes only when an attempt whose outcome nobody could confirm (unknown, or
failed because of a fault) came after the newest known value.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.store import AuditEntry
from soak.ledger import Direct
from soak.rig import ADMIN_NAMES, DEPARTMENT_NAMES
from soak.writes import Pairing, entry_seconds, entry_ticket

FIELDS = ("Status", "Priority", "Department", "Subject", "Flag")
# How long after its call is received a write may take effect (past any latency spike).
WRITE_SETTLES = 0.25
# How far from its entry's time a write without a pairing may have been sent.
ENTRY_LAG = 30.0
# A failed attempt is put down to a fault injected within this many seconds before it.
FAULT_REACH = 15.0
INTERNAL_ERROR = "internal error"


@dataclass(frozen=True)
class Known:
    """A value a field took somewhere between `start` and `end`, and who set it."""

    value: str
    start: float
    end: float
    source: str


@dataclass(frozen=True)
class Unconfirmed:
    """An attempt whose outcome nobody confirmed; `fields` None means any field."""

    time: float
    fields: frozenset[str] | None
    what: str


@dataclass
class StateVerdict:
    """The state check's findings."""

    tickets: int = 0
    fields: int = 0
    mismatches: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Tell whether WHMCS matches the record everywhere."""
        return not self.mismatches


def shown(stored: Mapping[str, Any]) -> dict[str, str]:
    """Return a stored ticket's fields as the audit record writes them."""
    flag = int(stored["flag"])
    return {
        "Status": html.unescape(str(stored["status"])),
        "Priority": str(stored["priority"]),
        "Department": DEPARTMENT_NAMES.get(int(stored["deptid"]), f"department {stored['deptid']}"),
        "Subject": html.unescape(str(stored["subject"])),
        "Flag": ADMIN_NAMES.get(flag, f"admin {flag}") if flag else "unflagged",
    }


def known_values(
    directs: Sequence[Direct], entries: Sequence[AuditEntry], pairing: Pairing, spike: float
) -> dict[tuple[int, str], list[Known]]:
    """Return every known value of each (ticket, field)."""
    known: dict[tuple[int, str], list[Known]] = {}
    for direct in directs:
        known.setdefault((direct.ticket, direct.field), []).append(
            Known(direct.value, direct.start, direct.end, direct.source)
        )
    for entry in entries:
        ticket_id = entry_ticket(entry)
        if entry.outcome not in ("done", "partial") or ticket_id is None:
            continue
        start, end = write_moment(entry, pairing, spike)
        for change in entry.changes:
            if change.field in FIELDS:
                source = f"audit #{entry.id} {entry.source} {entry.outcome}"
                known.setdefault((ticket_id, change.field), []).append(
                    Known(change.after, start, end, source)
                )
    return known


def unconfirmed_attempts(
    entries: Sequence[AuditEntry], pairing: Pairing, fault_times: Sequence[float], spike: float
) -> dict[int, list[Unconfirmed]]:
    """Return, by ticket, the attempts whose outcome is not known: unknown, or failed by a fault."""
    found: dict[int, list[Unconfirmed]] = {}
    for entry in entries:
        ticket_id = entry_ticket(entry)
        if ticket_id is None:
            continue
        what = f"audit #{entry.id} {entry.source} {entry.outcome}"
        if entry.outcome == "unknown":
            start, _ = write_moment(entry, pairing, spike)
            fields = frozenset(change.field for change in entry.changes)
            found.setdefault(ticket_id, []).append(Unconfirmed(start, fields, what))
        elif entry.outcome == "failed" and entry.detail != INTERNAL_ERROR:
            at = entry_seconds(entry)
            if any(at - FAULT_REACH <= moment <= at + FAULT_REACH for moment in fault_times):
                found.setdefault(ticket_id, []).append(Unconfirmed(at - FAULT_REACH, None, what))
    return found


def check_state(
    stored: Mapping[int, Mapping[str, Any]],
    known: Mapping[tuple[int, str], Sequence[Known]],
    unconfirmed: Mapping[int, Sequence[Unconfirmed]],
) -> StateVerdict:
    """Compare each ticket's stored fields with the newest known value of each."""
    verdict = StateVerdict(tickets=len(stored))
    for ticket_id, ticket in sorted(stored.items()):
        now = shown(ticket)
        for name in FIELDS:
            values = known.get((ticket_id, name), [])
            if not values:
                continue
            verdict.fields += 1
            last = _newest(values)
            held = now[name]
            where = f"ticket {ticket_id} {name}"
            if held in {value.value for value in last}:
                if len({value.value for value in last}) > 1:
                    verdict.ambiguous.append(
                        f"{where}: {_sources(last)} at once; WHMCS has {held!r}"
                    )
                continue
            since = min(value.start for value in last)
            doubt = [
                attempt
                for attempt in unconfirmed.get(ticket_id, [])
                if attempt.time >= since - WRITE_SETTLES
                and (attempt.fields is None or name in attempt.fields)
            ]
            expected = " or ".join(repr(value.value) for value in last)
            if doubt:
                verdict.unconfirmed.append(
                    f"{where}: unconfirmed, read back: {held!r} (known last: {expected} from"
                    f" {_sources(last)}; after it {doubt[-1].what})"
                )
            else:
                verdict.mismatches.append(
                    f"{where}: WHMCS has {held!r}, the record says {expected} ({_sources(last)})"
                )
    return verdict


def _newest(values: Sequence[Known]) -> list[Known]:
    """Return the values that may have been set last: those ending after the last one began."""
    latest_start = max(value.start for value in values)
    return [value for value in values if value.end >= latest_start]


def _sources(values: Sequence[Known]) -> str:
    return ", ".join(f"{value.source} {value.value!r}" for value in values)


def write_moment(entry: AuditEntry, pairing: Pairing, spike: float) -> tuple[float, float]:
    """Return when an entry's write took effect: from its UpdateTicket call, else its record."""
    assert entry.id is not None
    write = pairing.write_of.get(entry.id)
    if write is None:
        at = entry_seconds(entry)
        return at - ENTRY_LAG, at + ENTRY_LAG
    late = spike if write.fault == "latency" else 0.0
    return write.time, write.time + late + WRITE_SETTLES

"""The tickets of the triage case: many closed, some active, and the changes made to them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bench.sandbox_process import SandboxProcess

ACTIVE_STATUSES = ("Open", "Answered", "Customer-Reply", "In Progress")
PRIORITIES = ("Low", "Medium", "High")
CHANNELS = ("C0TRIAGE1", "C0TRIAGE2", "C0TRIAGE3", "C0TRIAGE4")
DEPARTMENTS = (1, 2, 3, 4)
# The kinds of change, interleaved so that any first part of the list holds a mix; per 20:
# 6 status, 6 priority, 5 flag, 2 customer replies, 1 close.
CHANGE_PATTERN = (
    "status", "priority", "flag", "status", "priority", "flag", "reply", "status", "priority",
    "flag", "status", "priority", "close", "flag", "status", "priority", "flag", "reply",
    "status", "priority",
)  # fmt: skip
FLAG_TO = 2  # Bob, an enabled admin
CHANGE_SEED = 20261204
WHMCS_DATE = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Change:
    """One change made outside Slack: in WHMCS's admin area, or a customer's reply."""

    ticket_id: int
    kind: str
    fields: dict[str, Any]


def department(ticket_id: int) -> int:
    """Return the department of a triage ticket: the active ones spread over all four."""
    return DEPARTMENTS[(ticket_id // 10) % len(DEPARTMENTS)]


def priority(ticket_id: int) -> str:
    """Return the priority a triage ticket is created with."""
    return PRIORITIES[ticket_id % len(PRIORITIES)]


def active_ids(total: int, active: int) -> list[int]:
    """Return the ids of the tickets made active: evenly spread over all of them."""
    step = total // active
    return [step * n for n in range(1, active + 1)]


def closed_tickets(total: int, now: datetime) -> list[dict[str, Any]]:
    """Return bulk-create rows for every triage ticket: closed, each with its own last reply."""
    rows = []
    for ticket_id in range(1, total + 1):
        stamp = (now - timedelta(days=2, minutes=ticket_id)).strftime(WHMCS_DATE)
        rows.append(
            {
                "id": ticket_id,
                "deptid": department(ticket_id),
                "status": "Closed",
                "priority": priority(ticket_id),
                "flag": 0,
                "subject": f"Triage ticket {ticket_id}",
                "name": "Triage Customer",
                "email": "triage@example.net",
                "userid": 0,
                "date": stamp,
                "lastreply": stamp,
            }
        )
    return rows


def activations(ids: list[int]) -> list[dict[str, Any]]:
    """Return rows setting each of `ids` to an active status, lastreply untouched."""
    return [
        {"id": ticket_id, "status": ACTIVE_STATUSES[n % len(ACTIVE_STATUSES)]}
        for n, ticket_id in enumerate(ids)
    ]


def changes_for(active: list[int], count: int) -> list[Change]:
    """Pick `count` active tickets at random (the same ones every run), and what happens to each."""
    picked = random.Random(CHANGE_SEED).sample(active, count)
    changes = []
    for n, ticket_id in enumerate(picked):
        kind = CHANGE_PATTERN[n % len(CHANGE_PATTERN)]
        fields: dict[str, Any] = {}
        if kind == "status":
            fields = {"status": "On Hold"}
        elif kind == "priority":
            now = priority(ticket_id)
            fields = {"priority": "High" if now != "High" else "Low"}
        elif kind == "flag":
            fields = {"flag": FLAG_TO}
        elif kind == "close":
            fields = {"status": "Closed"}
        changes.append(Change(ticket_id, kind, fields))
    return changes


def make_changes(sandbox: SandboxProcess, changes: list[Change]) -> None:
    """Make the changes: fields as the admin area sets them, replies through the API."""
    sandbox.put_tickets([{"id": c.ticket_id, **c.fields} for c in changes if c.fields])
    for change in changes:
        if change.kind == "reply":
            sandbox.api(
                "AddTicketReply",
                ticketid=str(change.ticket_id),
                message="Any news on this?",
                name="Triage Customer",
                email="triage@example.net",
            )

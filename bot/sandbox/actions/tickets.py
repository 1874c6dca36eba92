"""Read and write stored tickets: look-up by id or number, field writes, custom field values."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from bot.sandbox.php import htmlspecialchars, intval

# Columns a write may touch; the API and the control endpoint name them the same way.
TICKET_COLUMNS = frozenset(
    {
        "tid",
        "c",
        "deptid",
        "userid",
        "contactid",
        "name",
        "email",
        "cc",
        "date",
        "subject",
        "message",
        "status",
        "priority",
        "admin",
        "lastreply",
        "flag",
        "service",
        "markdown",
        "prevent_client_closure",
    }
)


def ticket_by_id(db: sqlite3.Connection, ticket_id: int) -> sqlite3.Row | None:
    """Return a ticket by internal id, or None."""
    return db.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,)).fetchone()


def find_ticket(db: sqlite3.Connection, params: Mapping[str, str]) -> sqlite3.Row | None:
    """Return the ticket named by `ticketnum` (public number) or else `ticketid` (internal id)."""
    number = params.get("ticketnum", "")
    if number:
        # The public number is a string: `007731` and `7731` are different tickets.
        return db.execute(
            "SELECT * FROM tickets WHERE tid = ?", (htmlspecialchars(number),)
        ).fetchone()
    return ticket_by_id(db, intval(params.get("ticketid", "")))


def write_ticket(db: sqlite3.Connection, ticket_id: int, changes: Mapping[str, Any]) -> None:
    """Write stored ticket columns as given (already encoded)."""
    unknown = set(changes) - TICKET_COLUMNS
    if unknown:
        raise KeyError(f"not ticket columns: {sorted(unknown)}")
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        db.execute(f"UPDATE tickets SET {assignments} WHERE id = ?", (*changes.values(), ticket_id))


def custom_field_values(db: sqlite3.Connection, ticket_id: int) -> dict[str, str]:
    """Return a ticket's custom field values keyed by field id as a string."""
    rows = db.execute(
        "SELECT field_id, value FROM ticket_fields WHERE ticket_id = ? ORDER BY field_id",
        (ticket_id,),
    )
    return {str(row["field_id"]): row["value"] for row in rows}


def write_custom_fields(db: sqlite3.Connection, ticket_id: int, values: Mapping[int, str]) -> None:
    """Store custom field values (already encoded), replacing earlier values of those fields."""
    db.executemany(
        "INSERT OR REPLACE INTO ticket_fields (ticket_id, field_id, value) VALUES (?, ?, ?)",
        [(ticket_id, field_id, value) for field_id, value in values.items()],
    )


def replies(db: sqlite3.Connection, ticket_id: int) -> list[sqlite3.Row]:
    """Return a ticket's replies, oldest first (the opening message is not among them)."""
    return db.execute(
        "SELECT * FROM replies WHERE ticket_id = ? ORDER BY date, id", (ticket_id,)
    ).fetchall()


def notes(db: sqlite3.Connection, ticket_id: int) -> list[sqlite3.Row]:
    """Return a ticket's staff notes, oldest first."""
    return db.execute(
        "SELECT * FROM notes WHERE ticket_id = ? ORDER BY date, id", (ticket_id,)
    ).fetchall()


def stored_ticket(db: sqlite3.Connection, ticket_id: int) -> dict[str, Any] | None:
    """Return everything stored for a ticket, typed, strings still entity-encoded."""
    row = ticket_by_id(db, ticket_id)
    if row is None:
        return None
    ticket = dict(row)
    del ticket["prevent_client_closure"]
    ticket["markdown"] = bool(row["markdown"])
    ticket["preventClientClosure"] = bool(row["prevent_client_closure"])
    ticket["customfields"] = custom_field_values(db, ticket_id)
    ticket["replies"] = [dict(reply) for reply in replies(db, ticket_id)]
    ticket["notes"] = [dict(note) for note in notes(db, ticket_id)]
    return ticket

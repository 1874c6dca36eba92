"""Direct edits of stored tickets and admins for the control API, as the admin area makes them."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

from bot.sandbox.actions.catalog import admin, id_list, new_ticket_key, new_ticket_number
from bot.sandbox.actions.tickets import stored_ticket, write_ticket
from bot.sandbox.php import htmlspecialchars
from bot.sandbox.store import DATE_FORMAT, local_now

TEXT_FIELDS = frozenset(
    {
        "tid",
        "c",
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
        "service",
    }
)
NUMBER_FIELDS = frozenset({"deptid", "userid", "contactid", "flag"})
SWITCH_FIELDS = {"markdown": "markdown", "preventClientClosure": "prevent_client_closure"}
SETTABLE = TEXT_FIELDS | NUMBER_FIELDS | set(SWITCH_FIELDS) | {"customfields"}


def set_ticket(db: sqlite3.Connection, ticket_id: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Set stored ticket fields (strings get entity-encoded); create the ticket if it is new."""
    unknown = set(fields) - SETTABLE
    if unknown:
        raise ValueError(f"cannot set {sorted(unknown)}; settable: {sorted(SETTABLE)}")
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        if key in TEXT_FIELDS:
            changes[key] = htmlspecialchars(_typed(key, value, str))
        elif key in NUMBER_FIELDS:
            changes[key] = _typed(key, value, int)
        elif key in SWITCH_FIELDS:
            changes[SWITCH_FIELDS[key]] = int(_typed(key, value, bool))
    if stored_ticket(db, ticket_id) is None:
        _create(db, ticket_id)
    write_ticket(db, ticket_id, changes)
    if "customfields" in fields:
        _replace_custom_fields(db, ticket_id, fields["customfields"])
    ticket = stored_ticket(db, ticket_id)
    assert ticket is not None
    return ticket


def delete_ticket(db: sqlite3.Connection, ticket_id: int) -> bool:
    """Delete a ticket with its replies, notes and custom field values; False if unknown."""
    if stored_ticket(db, ticket_id) is None:
        return False
    for table, column in (
        ("ticket_fields", "ticket_id"),
        ("replies", "ticket_id"),
        ("notes", "ticket_id"),
    ):
        db.execute(f"DELETE FROM {table} WHERE {column} = ?", (ticket_id,))
    db.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))
    return True


def set_tickets(db: sqlite3.Connection, tickets: Any) -> int:
    """Set or create many tickets at once: a list of objects, each with its `id`."""
    if not isinstance(tickets, list):
        raise TypeError("tickets must be a list of objects, each with an id")
    for fields in tickets:
        if not isinstance(fields, dict) or not isinstance(fields.get("id"), int):
            raise TypeError("each ticket must be an object with a numeric id")
        set_ticket(db, fields["id"], {k: v for k, v in fields.items() if k != "id"})
    return len(tickets)


def _typed(key: str, value: Any, kind: type) -> Any:
    # bool is a subclass of int; a number field must not take true/false.
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{key} must be of type {kind.__name__}")
    return value


def _create(db: sqlite3.Connection, ticket_id: int) -> None:
    stamp = local_now(db).strftime(DATE_FORMAT)
    db.execute(
        "INSERT INTO tickets (id, tid, c, deptid, date, subject, message, status, priority,"
        " lastreply) VALUES (?, ?, ?, 1, ?, '', '', 'Open', 'Medium', ?)",
        (ticket_id, new_ticket_number(db), new_ticket_key(), stamp, stamp),
    )


def _replace_custom_fields(db: sqlite3.Connection, ticket_id: int, values: Any) -> None:
    if not isinstance(values, dict):
        raise TypeError("customfields must be an object of field id -> value")
    db.execute("DELETE FROM ticket_fields WHERE ticket_id = ?", (ticket_id,))
    for field_id, value in values.items():
        if not str(field_id).isdigit() or not isinstance(value, str):
            raise ValueError("customfields must map numeric field ids to strings")
        db.execute(
            "INSERT INTO ticket_fields (ticket_id, field_id, value) VALUES (?, ?, ?)",
            (ticket_id, int(field_id), htmlspecialchars(value)),
        )


def set_admin(
    db: sqlite3.Connection, admin_id: int, fields: Mapping[str, Any]
) -> dict[str, Any] | None:
    """Change an admin's departments, notifications, disabled state or role; None if unknown."""
    if admin(db, admin_id) is None:
        return None
    columns = {
        "supportDepartmentIds": "department_ids",
        "receivesTicketNotifications": "notify_department_ids",
        "isDisabled": "disabled",
        "roleId": "role_id",
    }
    unknown = set(fields) - set(columns)
    if unknown:
        raise ValueError(f"cannot set {sorted(unknown)}; settable: {sorted(columns)}")
    for key, value in fields.items():
        if key in ("supportDepartmentIds", "receivesTicketNotifications"):
            if not isinstance(value, list) or not all(str(v).isdigit() for v in value):
                raise ValueError(f"{key} must be a list of department ids")
            stored: Any = ",".join(str(v) for v in value)
        elif key == "isDisabled":
            stored = int(_typed(key, value, bool))
        else:
            stored = _typed(key, value, int)
        db.execute(f"UPDATE admins SET {columns[key]} = ? WHERE id = ?", (stored, admin_id))
    row = admin(db, admin_id)
    assert row is not None
    return {
        "id": row["id"],
        "username": row["username"],
        "roleId": row["role_id"],
        "isDisabled": bool(row["disabled"]),
        "supportDepartmentIds": [str(d) for d in id_list(row["department_ids"])],
        "receivesTicketNotifications": [str(d) for d in id_list(row["notify_department_ids"])],
    }

"""Look-ups of the install's configuration that several actions check input against."""

from __future__ import annotations

import re
import secrets
import sqlite3

from bot.sandbox.actions.call import ActionError

PRIORITIES = ("Low", "Medium", "High")

# WHMCS validates addresses with a permissive pattern; this one accepts what it accepts in practice.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def valid_email(address: str) -> bool:
    """Tell whether WHMCS would accept the email address."""
    return _EMAIL.fullmatch(address) is not None


def priority_error() -> ActionError:
    """Return the error WHMCS gives for a priority that is not configured."""
    return ActionError(f"Invalid Ticket Priority. Valid priorities are: {','.join(PRIORITIES)}")


def statuses(db: sqlite3.Connection) -> list[sqlite3.Row]:
    """Return the configured ticket statuses in sort order."""
    return db.execute("SELECT * FROM statuses ORDER BY sort, title").fetchall()


def status_titles(db: sqlite3.Connection) -> list[str]:
    """Return the configured status titles in sort order."""
    return [row["title"] for row in statuses(db)]


def status_error(db: sqlite3.Connection) -> ActionError:
    """Return the error WHMCS gives for a status that is not configured."""
    titles = ",".join(status_titles(db))
    return ActionError(f"Invalid Ticket Status. Valid statuses are: {titles}")


def department(db: sqlite3.Connection, dept_id: int) -> sqlite3.Row | None:
    """Return one department, or None."""
    return db.execute("SELECT * FROM departments WHERE id = ?", (dept_id,)).fetchone()


def admin(db: sqlite3.Connection, admin_id: int) -> sqlite3.Row | None:
    """Return one admin user, or None."""
    return db.execute("SELECT * FROM admins WHERE id = ?", (admin_id,)).fetchone()


def admin_name(db: sqlite3.Connection, admin_id: int) -> str:
    """Return an admin's full name as WHMCS shows it on notes and replies."""
    row = admin(db, admin_id)
    return f"{row['firstname']} {row['lastname']}" if row else ""


def id_list(csv: str) -> list[int]:
    """Split a stored comma-separated id list."""
    return [int(part) for part in csv.split(",") if part.strip()]


def admin_department_ids(db: sqlite3.Connection, admin_id: int) -> list[int]:
    """Return the departments an admin is assigned to."""
    row = admin(db, admin_id)
    return id_list(row["department_ids"]) if row else []


def client(db: sqlite3.Connection, client_id: int) -> sqlite3.Row | None:
    """Return one client, or None."""
    return db.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone()


def custom_field_ids(db: sqlite3.Connection) -> set[int]:
    """Return the ids of the configured ticket custom fields."""
    return {row["id"] for row in db.execute("SELECT id FROM custom_fields")}


def new_ticket_number(db: sqlite3.Connection) -> str:
    """Draw an unused public ticket number in the install's mask, `ABC-` and six digits."""
    while True:
        number = f"ABC-{secrets.randbelow(1_000_000):06d}"
        if db.execute("SELECT 1 FROM tickets WHERE tid = ?", (number,)).fetchone() is None:
            return number


def new_ticket_key() -> str:
    """Draw the short access key (`c`) that WHMCS puts in a ticket's client link."""
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))

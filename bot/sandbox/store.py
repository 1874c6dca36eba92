"""The sandbox install's database: SQLite in memory or in a file, one connection behind a lock."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
DEFAULT_TIMEZONE = "UTC"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS departments (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
    prevent_client_closure INTEGER NOT NULL DEFAULT 0, sort INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS admins (
    id INTEGER PRIMARY KEY, username TEXT NOT NULL, firstname TEXT NOT NULL,
    lastname TEXT NOT NULL, email TEXT NOT NULL, role_id INTEGER NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0, department_ids TEXT NOT NULL DEFAULT '',
    notify_department_ids TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS statuses (
    title TEXT PRIMARY KEY, color TEXT NOT NULL, sort INTEGER NOT NULL,
    show_active INTEGER NOT NULL, show_awaiting INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS clients (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS custom_fields (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY, tid TEXT NOT NULL, c TEXT NOT NULL, deptid INTEGER NOT NULL,
    userid INTEGER NOT NULL DEFAULT 0, contactid INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', cc TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL, subject TEXT NOT NULL, message TEXT NOT NULL, status TEXT NOT NULL,
    priority TEXT NOT NULL, admin TEXT NOT NULL DEFAULT '', lastreply TEXT NOT NULL,
    flag INTEGER NOT NULL DEFAULT 0, service TEXT NOT NULL DEFAULT '',
    markdown INTEGER NOT NULL DEFAULT 0, prevent_client_closure INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS ticket_fields (
    ticket_id INTEGER NOT NULL, field_id INTEGER NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (ticket_id, field_id));
CREATE TABLE IF NOT EXISTS replies (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, userid INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', admin TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY, ticket_id INTEGER NOT NULL, admin TEXT NOT NULL,
    date TEXT NOT NULL, message TEXT NOT NULL);
"""

TABLES = (
    "meta",
    "departments",
    "admins",
    "statuses",
    "clients",
    "custom_fields",
    "tickets",
    "ticket_fields",
    "replies",
    "notes",
)


class Store:
    """Hold the install's state in SQLite; every use goes through `transaction()`."""

    def __init__(self, path: str | None = None) -> None:
        self._conn = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self, keep: bool = True) -> Iterator[sqlite3.Connection]:
        """Run a block in one transaction; commit it, or roll it back when keep is False."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT" if keep else "ROLLBACK")

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()


def wipe(db: sqlite3.Connection) -> None:
    """Delete every row of every table."""
    for table in TABLES:
        db.execute(f"DELETE FROM {table}")


def get_meta(db: sqlite3.Connection, key: str, default: str = "") -> str:
    """Read one install setting."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row["value"]) if row else default


def set_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    """Write one install setting."""
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def local_now(db: sqlite3.Connection) -> datetime:
    """Return the install's wall-clock time (naive), in its configured time zone."""
    zone = ZoneInfo(get_meta(db, "timezone", DEFAULT_TIMEZONE))
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)

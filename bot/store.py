"""The bot's own records in SQLite: the audit record of ticket changes and the identity cache."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Self

from bot.store_records import (
    AuditEntry,
    CachedIdentity,
    Change,
    audit_entry,
    changes_json,
    parse_timestamp,
    timestamp,
)
from bot.store_schema import MIGRATIONS

# The records are imported from here by the rest of the bot.
__all__ = [
    "AuditEntry",
    "CachedIdentity",
    "Change",
    "Store",
    "StoreError",
    "parse_timestamp",
    "timestamp",
]

log = logging.getLogger(__name__)

SOURCES = ("command", "form", "button")
OUTCOMES = (
    "done",
    "partial",
    "no_change",
    "denied",
    "refused",
    "unknown",
    "failed",
    "unlinked",
    "started",
)
# What an attempt still "started" when the bot starts again came to: nobody knows.
INTERRUPTED = "the bot stopped before the outcome was recorded: check the ticket in WHMCS"
BUSY_TIMEOUT = 5.0  # seconds a statement waits while another connection holds the write lock

SCHEMA_VERSION = len(MIGRATIONS)


class StoreError(Exception):
    """The store's file cannot be used by this version of the bot."""


class Store:
    """The bot's SQLite file, shared by its worker threads; ":memory:" keeps it in memory."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            _create_file(Path(self.path))
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        self._db.row_factory = sqlite3.Row
        try:
            # WAL lets the `audit` command read while the bot writes.
            self._db.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except BaseException:
            self._db.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        with self._lock:
            self._db.close()

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return

        # BEGIN IMMEDIATE takes the write lock, so two processes never migrate one file at once.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            version = self._version()
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path} was written by a newer ticketbot (schema version {version}; "
                    f"this one knows up to {SCHEMA_VERSION})"
                )
            for step in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[step]:
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        log.info(
            "store %s migrated from schema version %s to %s", self.path, version, SCHEMA_VERSION
        )

    def _version(self) -> int:
        version: int = self._db.execute("PRAGMA user_version").fetchone()[0]
        return version

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the store for a run of statements that succeed or fail together."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def schema_version(self) -> int:
        """Return the schema version of the open file."""
        with self._lock:
            return self._version()

    def record(self, entry: AuditEntry) -> int:
        """Add an entry to the audit record and return its id.

        `at` may carry any UTC offset and is stored in UTC; a leading "#" is dropped from the
        ticket number.
        """
        if entry.id is not None:
            raise ValueError(f"audit entry {entry.id} is already recorded")
        if entry.source not in SOURCES:
            raise ValueError(f"unknown audit source {entry.source!r}")
        if entry.outcome not in OUTCOMES:
            raise ValueError(f"unknown audit outcome {entry.outcome!r}")

        changes = changes_json(entry.changes)
        row = (
            parse_timestamp(entry.at),
            entry.slack_user,
            entry.admin_id,
            entry.ticket_id,
            entry.ticket_number.removeprefix("#"),
            entry.source,
            entry.outcome,
            changes,
            entry.detail,
        )
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO audit (at, slack_user, admin_id, ticket_id, ticket_number, source,"
                " outcome, changes, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        entry_id = cursor.lastrowid
        assert entry_id is not None
        return entry_id

    def finish(self, entry_id: int, entry: AuditEntry) -> None:
        """Replace a "started" entry with how the attempt ended."""
        if entry.outcome not in OUTCOMES:
            raise ValueError(f"unknown audit outcome {entry.outcome!r}")
        changes = changes_json(entry.changes)
        with self._lock:
            self._db.execute(
                "UPDATE audit SET admin_id = ?, ticket_id = ?, ticket_number = ?, outcome = ?,"
                " changes = ?, detail = ? WHERE id = ?",
                (
                    entry.admin_id,
                    entry.ticket_id,
                    entry.ticket_number.removeprefix("#"),
                    entry.outcome,
                    changes,
                    entry.detail,
                    entry_id,
                ),
            )

    def settle_interrupted(self) -> int:
        """Mark attempts left "started" by a bot that stopped as of unknown outcome."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE audit SET outcome = 'unknown', detail = ? WHERE outcome = 'started'",
                (INTERRUPTED,),
            )
        return cursor.rowcount

    def entries(
        self,
        *,
        ticket_id: int | None = None,
        ticket_number: str | None = None,
        slack_user: str | None = None,
        since: str | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[AuditEntry]:
        """Return the audit entries that match every filter given.

        Args:
            ticket_number: matched without its leading "#" and regardless of case.
            since: an ISO 8601 moment (UTC when it names no offset); entries at or after it.
            limit: at most this many, the first ones in the order asked for.
        """
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative: {limit}")

        where: list[str] = []
        args: list[object] = []
        if ticket_id is not None:
            where.append("ticket_id = ?")
            args.append(ticket_id)
        if ticket_number is not None:
            where.append("ticket_number = ? COLLATE NOCASE")
            args.append(ticket_number.removeprefix("#"))
        if slack_user is not None:
            where.append("slack_user = ?")
            args.append(slack_user)
        if since is not None:
            where.append("at >= ?")
            args.append(parse_timestamp(since))

        order = "DESC" if newest_first else "ASC"
        query = "SELECT * FROM audit"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += f" ORDER BY at {order}, id {order}"
        if limit is not None:
            query += " LIMIT ?"
            args.append(limit)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [audit_entry(row) for row in rows]

    def cached_identity(self, slack_user: str) -> CachedIdentity | None:
        """Return the cached identity of a Slack user, or None when there is none."""
        with self._lock:
            row = self._db.execute(
                "SELECT slack_user, admin_id, email, checked_at FROM identity WHERE slack_user = ?",
                (slack_user,),
            ).fetchone()
        if row is None:
            return None
        return CachedIdentity(
            slack_user=row["slack_user"],
            admin_id=row["admin_id"],
            email=row["email"],
            checked_at=row["checked_at"],
        )

    def cache_identity(self, identity: CachedIdentity) -> None:
        """Cache a Slack user's identity, replacing what was cached for them."""
        with self._lock:
            self._db.execute(
                "INSERT INTO identity (slack_user, admin_id, email, checked_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (slack_user) DO UPDATE SET"
                " admin_id = excluded.admin_id, email = excluded.email,"
                " checked_at = excluded.checked_at",
                (identity.slack_user, identity.admin_id, identity.email, identity.checked_at),
            )

    def forget_identity(self, slack_user: str) -> None:
        """Drop the cached identity of a Slack user, if any."""
        with self._lock:
            self._db.execute("DELETE FROM identity WHERE slack_user = ?", (slack_user,))


def _create_file(path: Path) -> None:
    """Create the file and its folder if missing, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The file names staff and their email addresses; SQLite gives its -wal and -shm files the
    # same permissions as the database file.
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass

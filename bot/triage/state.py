"""What triage remembers between polls and restarts: each ticket as last seen, and its cards."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.store import Store, timestamp
from bot.whmcs import Ticket


@dataclass(frozen=True)
class Seen:
    """A ticket's triage-relevant values as last seen, and the channels whose routes took it.

    Args:
        active: whether the ticket was among WHMCS's active tickets; only those are polled.
        noted_at: when (time.time()) these values were recorded; a poll that read WHMCS
            before then holds older news and leaves the ticket alone.
    """

    ticket_id: int
    tid: str
    deptid: int
    status: str
    priority: str
    flag: int
    lastreply: str
    subject: str
    active: bool
    channels: frozenset[str]
    noted_at: float

    @classmethod
    def of(cls, ticket: Ticket, active: bool, channels: Iterable[str], noted_at: float) -> Seen:
        """Return what to remember of a ticket read from WHMCS."""
        return cls(
            ticket.id,
            ticket.tid,
            ticket.deptid,
            ticket.status,
            ticket.priority,
            ticket.flag,
            ticket.lastreply,
            ticket.subject,
            active,
            frozenset(channels),
            noted_at,
        )


@dataclass(frozen=True)
class Card:
    """A message that shows a ticket; `routed` when a triage route posted it."""

    channel: str
    ts: str
    ticket_id: int
    routed: bool


class TriageState:
    """Read and write triage's tables in the bot's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def seen(self) -> dict[int, Seen]:
        """Return every ticket triage remembers, by id."""
        with self.store.transaction() as db:
            rows = db.execute("SELECT * FROM triage_tickets").fetchall()
        return {row["ticket_id"]: _seen(row) for row in rows}

    def seen_one(self, ticket_id: int) -> Seen | None:
        """Return what triage remembers of one ticket, or None."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT * FROM triage_tickets WHERE ticket_id = ?", (ticket_id,)
            ).fetchone()
        return None if row is None else _seen(row)

    def remember(self, seen: Seen) -> None:
        """Record a ticket's values, replacing what was remembered of it."""
        with self.store.transaction() as db:
            _write_seen(db, seen)

    def remember_many(self, seen: Iterable[Seen], newer_than: float) -> None:
        """Record many tickets in one write, skipping any recorded after `newer_than`."""
        rows = list(seen)
        if not rows:
            return
        with self.store.transaction() as db:
            for row in rows:
                noted = db.execute(
                    "SELECT noted_at FROM triage_tickets WHERE ticket_id = ?", (row.ticket_id,)
                ).fetchone()
                if noted is None or noted[0] <= newer_than:
                    _write_seen(db, row)

    def forget(self, ticket_id: int) -> None:
        """Drop a ticket that triage no longer needs to follow."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM triage_tickets WHERE ticket_id = ?", (ticket_id,))

    def cards(self, ticket_id: int) -> list[Card]:
        """Return every card of a ticket, oldest first."""
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT * FROM cards WHERE ticket_id = ? ORDER BY posted_at, ts", (ticket_id,)
            ).fetchall()
        return [_card(row) for row in rows]

    def ticket_ids_with_cards(self) -> set[int]:
        """Return the ids of the tickets that have at least one card."""
        with self.store.transaction() as db:
            rows = db.execute("SELECT DISTINCT ticket_id FROM cards").fetchall()
        return {row[0] for row in rows}

    def add_card(self, card: Card, seen: Seen | None = None) -> None:
        """Record a card just posted, and with it the ticket's values it shows."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO cards (channel, ts, ticket_id, routed, posted_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (card.channel, card.ts, card.ticket_id, int(card.routed), timestamp()),
            )
            if seen is not None:
                _write_seen(db, seen)

    def drop_card(self, card: Card) -> None:
        """Forget a card whose message is gone (deleted, or its channel archived)."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM cards WHERE channel = ? AND ts = ?", (card.channel, card.ts))

    def started(self, channel: str) -> bool:
        """Say whether triage has polled for a channel before."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT 1 FROM triage_channels WHERE channel = ?", (channel,)
            ).fetchone()
        return row is not None

    def start(self, channels: Iterable[str]) -> None:
        """Mark channels as polled, so later polls post what is new to them."""
        with self.store.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO triage_channels (channel, started_at) VALUES (?, ?)",
                [(channel, timestamp()) for channel in channels],
            )


def _write_seen(db: sqlite3.Connection, seen: Seen) -> None:
    db.execute(
        "INSERT OR REPLACE INTO triage_tickets (ticket_id, tid, deptid, status, priority, flag,"
        " lastreply, subject, active, channels, noted_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seen.ticket_id,
            seen.tid,
            seen.deptid,
            seen.status,
            seen.priority,
            seen.flag,
            seen.lastreply,
            seen.subject,
            int(seen.active),
            json.dumps(sorted(seen.channels)),
            seen.noted_at,
        ),
    )


def _seen(row: sqlite3.Row) -> Seen:
    return Seen(
        row["ticket_id"],
        row["tid"],
        row["deptid"],
        row["status"],
        row["priority"],
        row["flag"],
        row["lastreply"],
        row["subject"],
        bool(row["active"]),
        frozenset(json.loads(row["channels"])),
        row["noted_at"],
    )


def _card(row: sqlite3.Row) -> Card:
    return Card(row["channel"], row["ts"], row["ticket_id"], bool(row["routed"]))

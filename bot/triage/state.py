"""What triage remembers between polls and restarts: each ticket as last seen, and its cards."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace

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

    def remember(self, seen: Seen, polled: Polled | None = None) -> None:
        """Record a ticket's values, replacing what was remembered of it.

        Args:
            polled: for what a poll saw: what it started from and when, so that a change
                noted from Slack while it ran is kept.
        """
        with self.store.transaction() as db:
            _write_polled(db, seen, polled)

    def remember_many(self, rows: Iterable[tuple[Seen, Polled]]) -> None:
        """Record what a poll saw of many tickets in one write."""
        rows = list(rows)
        if not rows:
            return
        with self.store.transaction() as db:
            for seen, polled in rows:
                _write_polled(db, seen, polled)

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

    def add_card(self, card: Card, seen: Seen | None = None, polled: Polled | None = None) -> None:
        """Record a card just posted, and with it the ticket's values it shows."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO cards (channel, ts, ticket_id, routed, posted_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (card.channel, card.ts, card.ticket_id, int(card.routed), timestamp()),
            )
            db.execute(
                "DELETE FROM pending_cards WHERE channel = ? AND ticket_id = ?",
                (card.channel, card.ticket_id),
            )
            if seen is not None:
                _write_polled(db, seen, polled)

    def pending(self) -> list[tuple[str, int, float]]:
        """Return the cards whose posting was begun but not recorded: channel, ticket, since."""
        with self.store.transaction() as db:
            rows = db.execute("SELECT channel, ticket_id, since FROM pending_cards").fetchall()
        return [(row[0], row[1], row[2]) for row in rows]

    def begin_card(self, channel: str, ticket_id: int, since: float) -> None:
        """Note that a ticket's card is about to be posted in a channel."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO pending_cards (channel, ticket_id, since) VALUES (?, ?, ?)",
                (channel, ticket_id, since),
            )

    def end_card(self, channel: str, ticket_id: int) -> None:
        """Forget a card's posting: it was recorded, or it was not posted."""
        with self.store.transaction() as db:
            db.execute(
                "DELETE FROM pending_cards WHERE channel = ? AND ticket_id = ?",
                (channel, ticket_id),
            )

    def drop_card(self, card: Card) -> None:
        """Forget a card whose message is gone (deleted, or its channel archived)."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM cards WHERE channel = ? AND ts = ?", (card.channel, card.ts))

    def started(self, route: str) -> bool:
        """Say whether triage has polled for a route (by its fingerprint) before."""
        with self.store.transaction() as db:
            row = db.execute("SELECT 1 FROM triage_routes WHERE route = ?", (route,)).fetchone()
        return row is not None

    def start(self, routes: Iterable[str]) -> None:
        """Mark routes as polled, so later polls post what is new to them."""
        with self.store.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO triage_routes (route, started_at) VALUES (?, ?)",
                [(route, timestamp()) for route in routes],
            )


@dataclass(frozen=True)
class Polled:
    """Where a poll's view of a ticket came from: the row it compared with, and its start."""

    base: Seen | None
    started: float


def merged(current: Seen, polled: Seen, base: Seen | None) -> Seen:
    """Combine what a poll saw with a change noted from Slack while the poll ran.

    The fields Slack changed since the poll read its row keep Slack's values; the rest (the
    channels the ticket is shown in, its last reply) are the poll's.
    """

    def slack_changed(name: str) -> bool:
        return base is None or getattr(current, name) != getattr(base, name)

    return replace(
        polled,
        status=current.status if slack_changed("status") else polled.status,
        priority=current.priority if slack_changed("priority") else polled.priority,
        deptid=current.deptid if slack_changed("deptid") else polled.deptid,
        flag=current.flag if slack_changed("flag") else polled.flag,
        subject=current.subject if slack_changed("subject") else polled.subject,
        noted_at=current.noted_at,
    )


def _write_polled(db: sqlite3.Connection, seen: Seen, polled: Polled | None) -> None:
    if polled is not None:
        row = db.execute(
            "SELECT * FROM triage_tickets WHERE ticket_id = ?", (seen.ticket_id,)
        ).fetchone()
        current = None if row is None else _seen(row)
        if current is not None and current.noted_at > polled.started:
            seen = merged(current, seen, polled.base)
    _write_seen(db, seen)


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

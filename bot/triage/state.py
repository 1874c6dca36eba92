"""What triage remembers between polls and restarts: each ticket as last seen, and its cards."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping

from bot.store import Store, timestamp
from bot.triage.seen import Card, Polled, Seen, merged, with_noted
from bot.triage.slack_changes import FIELDS, SlackChanges, Value

__all__ = ["Card", "Polled", "Seen", "TriageState", "merged", "with_noted"]


class TriageState:
    """Read and write triage's tables in the bot's store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes = SlackChanges()

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
            self._write_polled(db, seen, polled)

    def note(self, ticket_id: int, values: Mapping[str, Value], at: float) -> None:
        """Record the values a change from Slack gave a ticket, while the ticket's lock is held.

        Only the fields named are written, in one statement, so a poll's news written meanwhile
        stays; a poll that read WHMCS before `at` keeps these values when it writes the ticket,
        even one it does not remember yet.

        Args:
            values: by Seen's names (status, priority, deptid, flag, subject).
        """
        fields = [name for name in FIELDS if name in values]
        if not fields:
            return
        with self.store.transaction() as db:
            self.changes.noted(ticket_id, {name: values[name] for name in fields}, at)
            assignments = ", ".join(f"{name} = ?" for name in fields)
            db.execute(
                f"UPDATE triage_tickets SET {assignments}, noted_at = MAX(noted_at, ?)"
                " WHERE ticket_id = ?",
                (*(values[name] for name in fields), at, ticket_id),
            )

    def expect(
        self, ticket_id: int, values: Mapping[str, Value], slack_user: str, at: float
    ) -> None:
        """Record values a write from Slack whose outcome is unknown may have given a ticket."""
        fields = {name: values[name] for name in FIELDS if name in values}
        if fields:
            self.changes.expected(ticket_id, fields, slack_user, at)

    def remember_many(self, rows: Iterable[tuple[Seen, Polled]]) -> None:
        """Record what a poll saw of many tickets in one write."""
        rows = list(rows)
        if not rows:
            return
        with self.store.transaction() as db:
            for seen, polled in rows:
                self._write_polled(db, seen, polled)

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

    def card_keys(self) -> set[tuple[str, str]]:
        """Return every card there is, as (channel, ts)."""
        with self.store.transaction() as db:
            rows = db.execute("SELECT channel, ts FROM cards").fetchall()
        return {(row[0], row[1]) for row in rows}

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
                self._write_polled(db, seen, polled)

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

    def _write_polled(self, db: sqlite3.Connection, seen: Seen, polled: Polled | None) -> None:
        """Write a ticket's values; for a poll's, keep what Slack changed since it began."""
        if polled is not None:
            row = db.execute(
                "SELECT * FROM triage_tickets WHERE ticket_id = ?", (seen.ticket_id,)
            ).fetchone()
            current = None if row is None else _seen(row)
            if current is not None and current.noted_at > polled.started:
                seen = merged(current, seen, polled.base)
            seen = with_noted(seen, self.changes.since(seen.ticket_id, polled.started))
        _write_seen(db, seen)

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

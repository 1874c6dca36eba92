"""The store's schema, as the steps that take a file from one version to the next."""

from __future__ import annotations

# MIGRATIONS[n] takes a file from schema version n to n + 1; `PRAGMA user_version` holds the
# version. Add a step at the end for every change; never edit a step that has shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            slack_user TEXT NOT NULL,
            admin_id INTEGER,
            ticket_id INTEGER,
            ticket_number TEXT NOT NULL,
            source TEXT NOT NULL,
            outcome TEXT NOT NULL,
            changes TEXT NOT NULL,
            detail TEXT NOT NULL
        )""",
        "CREATE INDEX audit_at ON audit (at)",
        "CREATE INDEX audit_ticket_id ON audit (ticket_id, at)",
        "CREATE INDEX audit_ticket_number ON audit (ticket_number COLLATE NOCASE, at)",
        "CREATE INDEX audit_slack_user ON audit (slack_user, at)",
        """CREATE TABLE identity (
            slack_user TEXT PRIMARY KEY,
            admin_id INTEGER,
            email TEXT NOT NULL,
            checked_at REAL NOT NULL
        )""",
    ),
    (
        # Triage: which message shows which ticket, and what each ticket looked like when seen.
        """CREATE TABLE cards (
            channel TEXT NOT NULL,
            ts TEXT NOT NULL,
            ticket_id INTEGER NOT NULL,
            routed INTEGER NOT NULL,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (channel, ts)
        )""",
        "CREATE INDEX cards_ticket ON cards (ticket_id, channel)",
        """CREATE TABLE triage_tickets (
            ticket_id INTEGER PRIMARY KEY,
            tid TEXT NOT NULL,
            deptid INTEGER NOT NULL,
            status TEXT NOT NULL,
            priority TEXT NOT NULL,
            flag INTEGER NOT NULL,
            lastreply TEXT NOT NULL,
            subject TEXT NOT NULL,
            active INTEGER NOT NULL,
            channels TEXT NOT NULL,
            noted_at REAL NOT NULL
        )""",
        # A card being posted: if the bot stops before the post's answer is recorded, the next
        # poll looks in the channel for it rather than posting it again.
        """CREATE TABLE pending_cards (
            channel TEXT NOT NULL,
            ticket_id INTEGER NOT NULL,
            since REAL NOT NULL,
            PRIMARY KEY (channel, ticket_id)
        )""",
        """CREATE TABLE triage_routes (
            route TEXT PRIMARY KEY,
            started_at TEXT NOT NULL
        )""",
    ),
)

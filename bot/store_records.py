"""The records the store keeps: audit entries and their changes, cached identities, times."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Change:
    """One field of a ticket, before and after; before is None when WHMCS does not report it."""

    field: str
    before: str | None
    after: str


@dataclass(frozen=True)
class AuditEntry:
    """One attempt to change a ticket from Slack, whether it was allowed, denied or failed."""

    at: str
    slack_user: str
    admin_id: int | None
    ticket_id: int | None
    ticket_number: str
    source: str
    outcome: str
    changes: tuple[Change, ...]
    detail: str = ""
    id: int | None = None


@dataclass(frozen=True)
class CachedIdentity:
    """The WHMCS admin a Slack user was last matched to; admin_id None means no single match."""

    slack_user: str
    admin_id: int | None
    email: str
    checked_at: float


def timestamp(moment: datetime | None = None) -> str:
    """Return a moment (now by default) as the store writes it: 2026-12-04T17:30:00Z."""
    moment = datetime.now(UTC) if moment is None else moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> str:
    """Return an ISO 8601 moment (UTC when it names no offset) in the store's own form."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not an ISO 8601 date and time: {text!r}") from None
    return timestamp(moment)


def changes_json(changes: tuple[Change, ...]) -> str:
    return json.dumps(
        [{"field": c.field, "before": c.before, "after": c.after} for c in changes],
        ensure_ascii=False,
    )


def audit_entry(row: sqlite3.Row) -> AuditEntry:
    """Rebuild an audit entry from its row."""
    changes = tuple(
        Change(field=change["field"], before=change["before"], after=change["after"])
        for change in json.loads(row["changes"])
    )
    return AuditEntry(
        at=row["at"],
        slack_user=row["slack_user"],
        admin_id=row["admin_id"],
        ticket_id=row["ticket_id"],
        ticket_number=row["ticket_number"],
        source=row["source"],
        outcome=row["outcome"],
        changes=changes,
        detail=row["detail"],
        id=row["id"],
    )

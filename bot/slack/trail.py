"""Write every attempt from Slack to the audit record, allowed, denied or failed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.store import AuditEntry, Change, Store
from bot.tickets.result import Outcome, UpdateResult

log = logging.getLogger(__name__)


def now_utc() -> str:
    """Return the time now as UTC ISO 8601 with seconds."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_update(
    store: Store,
    slack_user: str,
    admin_id: int | None,
    ref: str,
    result: UpdateResult,
    source: str,
) -> None:
    """Record one update attempt with each field asked for, before and after."""
    ticket = result.ticket
    fields = result.fields if result.outcome is not Outcome.NO_CHANGE else ()
    entry = AuditEntry(
        at=now_utc(),
        slack_user=slack_user,
        admin_id=admin_id,
        ticket_id=ticket.id if ticket else None,
        ticket_number=ticket.tid if ticket else ref.lstrip("#"),
        source=source,
        outcome=result.outcome.value,
        changes=tuple(Change(f.label, f.before, f.after) for f in fields if f.changed),
        detail="; ".join(p.message for p in result.problems),
    )
    _write(store, entry)


def record_failure(
    store: Store,
    slack_user: str,
    admin_id: int | None,
    ref: str,
    outcome: str,
    detail: str,
    source: str,
) -> None:
    """Record an attempt that ended before an update result: not linked, or an error."""
    entry = AuditEntry(
        at=now_utc(),
        slack_user=slack_user,
        admin_id=admin_id,
        ticket_id=None,
        ticket_number=ref.lstrip("#"),
        source=source,
        outcome=outcome,
        changes=(),
        detail=detail,
    )
    _write(store, entry)


def _write(store: Store, entry: AuditEntry) -> None:
    try:
        store.record(entry)
    except Exception:
        # NOTE: a full disk or a locked file must not hide the answer from the person; the
        # operator sees the traceback.
        log.exception("could not write the audit record for user=%s", entry.slack_user)

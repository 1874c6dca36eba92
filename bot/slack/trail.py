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


def begin(store: Store, slack_user: str, admin_id: int | None, ref: str, source: str) -> int | None:
    """Record that an attempt has started, before WHMCS is asked; return its entry's id.

    Should the bot stop before the attempt ends, the entry stays and says so (outcome
    unknown) once the bot starts again: no attempt goes unrecorded.
    """
    entry = AuditEntry(
        at=now_utc(),
        slack_user=slack_user,
        admin_id=admin_id,
        ticket_id=None,
        ticket_number=ref.lstrip("#"),
        source=source,
        outcome="started",
        changes=(),
    )
    try:
        return store.record(entry)
    except Exception:
        log.exception("could not write the audit record for user=%s", slack_user)
        return None


def record_update(
    store: Store,
    slack_user: str,
    admin_id: int | None,
    ref: str,
    result: UpdateResult,
    source: str,
    entry_id: int | None = None,
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
    _write(store, entry, entry_id)


def record_failure(
    store: Store,
    slack_user: str,
    admin_id: int | None,
    ref: str,
    outcome: str,
    detail: str,
    source: str,
    entry_id: int | None = None,
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
    _write(store, entry, entry_id)


def _write(store: Store, entry: AuditEntry, entry_id: int | None = None) -> None:
    try:
        if entry_id is None:
            store.record(entry)
        else:
            store.finish(entry_id, entry)
    except Exception:
        # NOTE: a full disk or a locked file must not hide the answer from the person; the
        # operator sees the traceback.
        log.exception("could not write the audit record for user=%s", entry.slack_user)

"""Find out what an update really did, by reading the ticket again.

WHMCS updates are not atomic (department and priority are written before later checks), and
an answer can be lost after the write took effect, so after a refusal or an unclear answer the
bot compares the ticket as it is now with what was asked, field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from bot.tickets.catalog import Catalog
from bot.tickets.result import FieldResult, Outcome
from bot.tickets.validate import admin_label, client_label
from bot.whmcs import Ticket, WhmcsError


def current_value(field: str, ticket: Ticket, catalog: Catalog) -> str | None:
    """Return a field's value as WHMCS shows it now, in the words of a confirmation."""
    if field in ("flag", "unflag"):
        try:
            return admin_label(catalog, ticket.flag)
        except WhmcsError:
            return f"admin {ticket.flag}" if ticket.flag else "unflagged"
    values = {
        "status": ticket.status,
        "priority": ticket.priority,
        "dept": ticket.deptname,
        "subject": ticket.subject,
        "cc": ticket.cc,
        "name": ticket.name,
        "email": ticket.email,
        "client": client_label(ticket.userid),
        "created": ticket.date,
        "message": ticket.message,
    }
    return values.get(field)


def unverified(fields: Sequence[FieldResult]) -> tuple[FieldResult, ...]:
    """Mark every asked-for change as not confirmed."""
    return tuple(dataclasses.replace(f, verified=False) for f in fields if f.changed)


def observe(
    fields: Sequence[FieldResult], now: Ticket, catalog: Catalog
) -> tuple[FieldResult, ...]:
    """Return each asked-for field as the ticket shows it now; unreadable ones stay unconfirmed."""
    observed = []
    for asked in fields:
        if not asked.changed:
            continue
        value = current_value(asked.field, now, catalog)
        if value is None or not asked.readable:
            observed.append(dataclasses.replace(asked, verified=False))
            continue
        moved = value != asked.before
        observed.append(dataclasses.replace(asked, after=value, changed=moved))
    return tuple(observed)


def judge(asked: Sequence[FieldResult], observed: Sequence[FieldResult], refused: bool) -> Outcome:
    """Decide what happened from the fields as asked and as read back.

    Args:
        refused: WHMCS answered with an error (rather than no usable answer at all).
    """
    readable = [f for f in observed if f.readable]
    moved = [f for f in readable if f.changed]
    if refused:
        return Outcome.PARTIAL if moved else Outcome.REFUSED
    if not readable:
        return Outcome.UNKNOWN
    if len(moved) == len(readable):
        # WHMCS writes the remaining fields only after every check passed, so the whole call
        # went through, fields it cannot show included.
        return Outcome.DONE
    return Outcome.PARTIAL if moved else Outcome.REFUSED


def confirmed(observed: Sequence[FieldResult]) -> tuple[FieldResult, ...]:
    """Treat unreadable fields as written, once the readable ones show the call went through."""
    return tuple(dataclasses.replace(f, verified=True) for f in observed)


def after_refusal(observed: Sequence[FieldResult]) -> tuple[FieldResult, ...]:
    """Keep what a refused call wrote: WHMCS writes unreadable fields only after its checks."""
    return tuple(f for f in observed if f.readable and f.changed)

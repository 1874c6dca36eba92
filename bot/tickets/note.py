"""Word the staff-only note that tells people working in WHMCS who changed a ticket from Slack."""

from __future__ import annotations

from collections.abc import Iterable

from bot.tickets.result import FieldResult
from bot.whmcs import Admin

NOTE_VALUE_LIMIT = 200


def _value(text: str | None) -> str:
    if not text:
        return "(empty)"
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTE_VALUE_LIMIT else flat[: NOTE_VALUE_LIMIT - 1] + "…"


def staff_note(requester: str, actor: Admin, fields: Iterable[FieldResult]) -> str:
    """Return the note: who asked in Slack, as which admin, and each field before and after."""
    lines = [
        f"Changed from Slack by {requester}, acting as WHMCS admin {actor.full_name} (id {actor.id}):"
    ]
    for change in fields:
        if change.readable:
            lines.append(f"- {change.label}: {_value(change.before)} -> {_value(change.after)}")
        else:
            lines.append(f"- {change.label}: set to {_value(change.after)}")
    return "\n".join(lines)

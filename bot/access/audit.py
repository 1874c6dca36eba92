"""Show audit entries to an operator: one readable line each, or one JSON object each."""

from __future__ import annotations

import json
import logging
import re

from bot.store import AuditEntry, Change

log = logging.getLogger(__name__)

# Every break str.splitlines() knows, so one entry can never read as two.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters, and the direction controls that could make a line read other than
# it is stored (U+202A-U+202E, U+2066-U+2069), are shown as escapes.
_HIDDEN = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_LINE_BREAK = re.compile("[\x85\u2028\u2029]")
LINE_BREAK_MARK = "↵"


def one_line(text: str) -> str:
    """Return text fit for one terminal line: breaks marked, control characters escaped."""
    text = _LINE_BREAK.sub(LINE_BREAK_MARK, text).replace("\t", " ")
    return _HIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def describe_change(change: Change) -> str:
    """Describe one change: `Status Open → Closed`, or `Markdown set to on` when before is unknown."""
    if change.before is None:
        return f"{change.field} set to {change.after}"
    return f"{change.field} {change.before} → {change.after}"


def _ticket(entry: AuditEntry) -> str:
    if entry.ticket_number and entry.ticket_id is not None:
        return f"#{entry.ticket_number} (id {entry.ticket_id})"
    if entry.ticket_number:
        return f"#{entry.ticket_number}"
    if entry.ticket_id is not None:
        return f"id {entry.ticket_id}"
    return "no ticket"


def format_entry(entry: AuditEntry) -> str:
    """Return an entry as one line: when, who, which ticket, how, the outcome and the changes."""
    when = entry.at.replace("T", " ", 1)
    admin = "-" if entry.admin_id is None else str(entry.admin_id)
    head = (
        f"{when} {entry.slack_user} admin={admin} {_ticket(entry)} {entry.source} {entry.outcome}"
    )

    parts = []
    if entry.changes:
        parts.append("; ".join(describe_change(change) for change in entry.changes))
    if entry.detail:
        parts.append(entry.detail)
    line = f"{head}: {' — '.join(parts)}" if parts else head
    return one_line(line)


def entry_json(entry: AuditEntry) -> str:
    """Return an entry as one line of JSON holding every field."""
    document = {
        "id": entry.id,
        "at": entry.at,
        "slack_user": entry.slack_user,
        "admin_id": entry.admin_id,
        "ticket_id": entry.ticket_id,
        "ticket_number": entry.ticket_number,
        "source": entry.source,
        "outcome": entry.outcome,
        "changes": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in entry.changes
        ],
        "detail": entry.detail,
    }
    text = json.dumps(document, ensure_ascii=False)
    # JSON leaves these unescaped, yet line-based readers split on them.
    return _JSON_LINE_BREAK.sub(lambda found: f"\\u{ord(found.group()):04x}", text)

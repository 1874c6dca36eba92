"""UpdateTicket, with WHMCS's check order and its non-atomic writes."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.sandbox.actions.call import ActionError, Answer, ApiCall
from bot.sandbox.actions.catalog import (
    PRIORITIES,
    admin,
    custom_field_ids,
    department,
    priority_error,
    status_error,
    status_titles,
    valid_email,
)
from bot.sandbox.actions.customfields import decode_customfields
from bot.sandbox.actions.tickets import ticket_by_id, write_custom_fields, write_ticket
from bot.sandbox.php import htmlspecialchars, intval, is_truthy, trim
from bot.sandbox.store import DATE_FORMAT

# ISO 8601 (offset or Z dropped, fraction ignored) or WHMCS's own `YYYY-MM-DD HH:MM:SS`.
_CREATED = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?"
)


def update_ticket(call: ApiCall) -> Answer:
    """Answer UpdateTicket.

    Checks run in WHMCS's order and the first failure is returned. A valid deptid and
    priority are written as soon as they pass, so a later failure leaves them changed.
    """
    ticket = ticket_by_id(call.db, intval(call.raw("ticketid")))
    if ticket is None:
        raise ActionError("Ticket ID Not Found")
    ticket_id = ticket["id"]
    changes: dict[str, Any] = {}

    if call.has("userid"):
        changes["userid"] = max(intval(call.raw("userid")), 0)
        if changes["userid"] == 0:
            _check_guest(call)

    if call.raw("deptid"):
        dept = department(call.db, intval(call.raw("deptid")))
        if dept is None:
            raise ActionError("Department ID Not Found")
        if dept["id"] != ticket["deptid"]:
            moved = {"deptid": dept["id"]}
            if not call.has("preventClientClosure"):
                # Left out while the department changes: take the new department's setting.
                moved["prevent_client_closure"] = dept["prevent_client_closure"]
            write_ticket(call.db, ticket_id, moved)

    if call.raw("priority"):
        if call.raw("priority") not in PRIORITIES:
            raise priority_error()
        write_ticket(call.db, ticket_id, {"priority": call.raw("priority")})

    if call.raw("created"):
        created = _parse_created(call.raw("created"))
        if created > call.now:
            raise ActionError("Ticket creation date cannot be in the future")
        changes["date"] = created.strftime(DATE_FORMAT)

    status = call.text("status")
    if status:
        if status not in status_titles(call.db):
            raise status_error(call.db)
        if status != ticket["status"]:
            changes["status"] = status

    flag = intval(call.raw("flag"))
    if flag:
        flagged_to = admin(call.db, flag)
        enabled = flagged_to is not None and not flagged_to["disabled"]
        if not enabled and flag != ticket["flag"]:
            raise ActionError("Invalid Admin ID for Flag")
        changes["flag"] = flag

    changes.update(_plain_fields(call))
    write_ticket(call.db, ticket_id, changes)
    if call.raw("customfields"):
        known = custom_field_ids(call.db)
        write_custom_fields(
            call.db, ticket_id, decode_customfields(call.raw("customfields"), known)
        )
    return {"result": "success", "ticketid": ticket_id}


def _check_guest(call: ApiCall) -> None:
    """A ticket without a client needs a name and a valid email address."""
    if not trim(call.raw("name")) or not trim(call.raw("email")):
        raise ActionError("Name and email address are required if not a client")
    if not valid_email(trim(call.raw("email"))):
        raise ActionError("Email Address Invalid")


def _parse_created(value: str) -> datetime:
    match = _CREATED.fullmatch(value.strip())
    if match is None:
        raise ActionError("Invalid Date Format")
    day, minutes, seconds = match.group(1), match.group(2), match.group(3) or ":00"
    try:
        return datetime.strptime(f"{day} {minutes}{seconds}", DATE_FORMAT)
    except ValueError as exc:
        raise ActionError("Invalid Date Format") from exc


def _plain_fields(call: ApiCall) -> dict[str, Any]:
    """Return the fields that need no check, in the form they are stored."""
    changes: dict[str, Any] = {}
    if is_truthy(call.raw("removeFlag")):
        # Any non-empty value but "0" clears the flag, the string "false" included.
        changes["flag"] = 0
    subject = trim(call.raw("subject"))
    if subject:
        changes["subject"] = htmlspecialchars(subject)
    for key in ("name", "email", "cc"):
        # Empty values are ignored: these fields cannot be cleared.
        if call.raw(key):
            changes[key] = call.text(key)
    if call.raw("message"):
        # The opening message is replaced; this is neither a reply nor a note.
        changes["message"] = call.text("message")
    if call.has("markdown"):
        changes["markdown"] = int(is_truthy(call.raw("markdown")))
    if call.has("preventClientClosure"):
        changes["prevent_client_closure"] = int(is_truthy(call.raw("preventClientClosure")))
    return changes

"""WHMCS's documented error texts, and the hints the bot adds to them.

The error texts are WHMCS's own, byte for byte, so a person searching for one finds WHMCS's
documentation; the hint says what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable

TICKET_NOT_FOUND = "Ticket ID Not Found"
GUEST_NEEDS_CONTACT = "Name and email address are required if not a client"
EMAIL_INVALID = "Email Address Invalid"
DEPARTMENT_NOT_FOUND = "Department ID Not Found"
PRIORITIES = ("Low", "Medium", "High")
PRIORITY_INVALID = "Invalid Ticket Priority. Valid priorities are: " + ",".join(PRIORITIES)
DATE_INVALID = "Invalid Date Format"
DATE_IN_FUTURE = "Ticket creation date cannot be in the future"
FLAG_ADMIN_INVALID = "Invalid Admin ID for Flag"


def status_invalid(titles: Iterable[str]) -> str:
    """Return WHMCS's text for an unknown status, listing the configured ones in order."""
    return "Invalid Ticket Status. Valid statuses are: " + ",".join(titles)


def ticket_not_found(ref: str) -> str:
    return (
        f"No ticket matches {ref}. Use the internal id (42) or the public ticket number "
        "(#ABC-123456) shown in WHMCS."
    )


def ambiguous_ref(ref: str, by_id: str, by_number: str) -> str:
    return (
        f"{ref} is both the id of {by_id} and the ticket number of {by_number}. Nothing was "
        "changed: say which one you mean by its ticket number with a #."
    )


def used_ticket_number(ref: str, label: str) -> str:
    return f"No ticket has the id {ref}, so {label} (whose ticket number is {ref}) was used."


def status_hint(titles: Iterable[str]) -> str:
    return "Pick one of the statuses above, for example: status " + next(iter(titles), "Open")


PRIORITY_HINT = "Use Low, Medium or High, for example: priority High"


def department_hint(names: Iterable[str]) -> str:
    return "Name a department or give its id. Departments: " + ", ".join(names)


DATE_HINT = (
    "Write the date as YYYY-MM-DD HH:MM (WHMCS server time), for example: created 2026-03-01 09:30"
)
FUTURE_HINT = "Give a date and time that has already passed in the WHMCS server's time zone."
EMAIL_HINT = "Give an address like name@example.com."
CC_HINT = "Give one or more addresses separated by commas, like a@example.com,b@example.com."
GUEST_HINT = (
    "client 0 makes this a guest ticket, which needs a name and an email in the same command: "
    "client 0 name Jo Bloggs email jo@example.com"
)
FLAG_ZERO_HINT = "flag 0 does not unflag a ticket in WHMCS; use: unflag"
FLAG_HINT = "Flag to an enabled WHMCS admin: flag me, flag @someone (picked from Slack's list) or flag <admin id>."
FLAG_BARE_NAME_HINT = (
    "Slack sent {name} as plain text, not as a mention. Pick the person from Slack's list as you "
    "type so it becomes a mention, or give their WHMCS admin id."
)
FLAG_UNLINKED_HINT = (
    "{mention} is not linked to a WHMCS admin. An operator can link them under [users] in "
    "ticketbot.toml, or give their WHMCS admin id instead."
)
SUBJECT_EMPTY_HINT = "WHMCS ignores an empty subject; give the new subject text."
CLIENT_HINT = "Give the WHMCS client id (a number), or 0 to make it a guest ticket."
CONTROL_HINT = "Remove invisible control characters from the value (copy it from plain text)."

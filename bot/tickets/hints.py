"""WHMCS's documented error texts, and the hints the bot adds to them.

The error texts are WHMCS's own, byte for byte, so a person searching for one finds WHMCS's
documentation; the hint says what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

TICKET_NOT_FOUND = "Ticket ID Not Found"
GUEST_NEEDS_CONTACT = "Name and email address are required if not a client"
EMAIL_INVALID = "Email Address Invalid"
DEPARTMENT_NOT_FOUND = "Department ID Not Found"
PRIORITIES = ("Low", "Medium", "High")
PRIORITY_INVALID = "Invalid Ticket Priority. Valid priorities are: " + ",".join(PRIORITIES)
DATE_INVALID = "Invalid Date Format"
DATE_IN_FUTURE = "Ticket creation date cannot be in the future"
FLAG_ADMIN_INVALID = "Invalid Admin ID for Flag"
CLIENT_NOT_FOUND = "Client ID Not Found"
LIST_LIMIT = 25


def _listing(items: Iterable[str]) -> str:
    names = list(items)
    shown = ", ".join(names[:LIST_LIMIT])
    return shown + (f" and {len(names) - LIST_LIMIT} more" if len(names) > LIST_LIMIT else "")


def status_invalid(titles: Iterable[str]) -> str:
    """Return WHMCS's text for an unknown status, listing the configured ones in order."""
    return "Invalid Ticket Status. Valid statuses are: " + ",".join(titles)


def ticket_not_found(ref: str) -> str:
    """Say that no ticket matches a reference, and how tickets are named."""
    if ref.startswith("#") and ref[1:].isdigit():
        # "#42" is read as ticket number 42; people often mean the id shown as "(id 42)".
        return (
            f"No ticket has the ticket number {ref[1:]}. With a # the bot looks for a ticket "
            f"number; for the ticket whose id is {ref[1:]}, type /ticket {ref[1:]} without the #."
        )
    return (
        f"No ticket matches {ref}. Name a ticket by its internal id, as in /ticket 1234, or by "
        "its ticket number with a #, as in /ticket #ABC-123456; both are shown in WHMCS."
    )


def ambiguous_ref(ref: str, by_id: str, by_number: str) -> str:
    """Say that a bare number names two tickets, and how to pick one."""
    return (
        f"{ref} is both the id of {by_id} and the ticket number of {by_number}. Nothing was "
        "changed: name the ticket by its ticket number with a #."
    )


def used_ticket_number(ref: str, label: str) -> str:
    """Say that a bare number was taken as a ticket number."""
    return f"No ticket has the id {ref}, so {label}, whose ticket number is {ref}, was used."


def status_hint(titles: Iterable[str]) -> str:
    """Suggest a status."""
    return "Pick one of the statuses above, for example: status " + next(iter(titles), "Open")


PRIORITY_HINT = "Use Low, Medium or High, for example: priority High"


def department_hint(names: Iterable[str]) -> str:
    """List the departments to pick from."""
    return "Name a department or give its id. Departments: " + _listing(names)


def date_hint(zone: str) -> str:
    """Say how to write a creation date."""
    return (
        f"Write the date as YYYY-MM-DD HH:MM in WHMCS server time ({zone}), a real date and "
        "time from 1990 on, for example: created 2026-03-01 09:30"
    )


def future_hint(zone: str) -> str:
    """Say that a creation date must lie in the past."""
    return f"Give a date and time that has already passed in WHMCS server time ({zone})."


EMAIL_HINT = "Give one address like name@example.com."
CC_HINT = "Give one or more addresses separated by commas, like a@example.com,b@example.com."


def guest_hint(given: Iterable[str]) -> str:
    """Say what a guest ticket still lacks."""
    missing = [field for field in ("name", "email") if field not in set(given)]
    return (
        f"client 0 makes this a guest ticket, which also needs {' and '.join(missing)} in the "
        "same command: client 0 name Jo Bloggs email jo@example.com"
    )


FLAG_ZERO_HINT = "flag 0 does not unflag a ticket in WHMCS; use: unflag"
FLAG_BARE_NAME_HINT = (
    "Slack sent {name} as plain text, not as a mention. Pick the person from Slack's list as you "
    "type so it becomes a mention, or give their WHMCS admin id."
)
FLAG_UNLINKED_HINT = (
    "The Slack user {user} is not linked to a WHMCS admin. An operator can link them under "
    "[users] in ticketbot.toml, or give their WHMCS admin id instead."
)


def flag_hint(admins: Iterable[str]) -> str:
    """Say whom a ticket can be flagged to."""
    return (
        "Flag to an enabled WHMCS admin: flag me, flag @someone (picked from Slack's list) or "
        "flag <admin id>. Enabled admins: " + _listing(admins)
    )


CLIENT_HINT = "Give the id of an existing WHMCS client, or 0 to make it a guest ticket."


def customfield_unknown(field_id: int) -> str:
    """Say that a custom field id is not one configured."""
    return f"Custom field {field_id} is not listed under [customfields] in ticketbot.toml"


def customfield_hint(labels: Mapping[int, str]) -> str:
    """List the configured custom fields."""
    fields = [f"cf.{field_id} ({label})" for field_id, label in sorted(labels.items())]
    return (
        "WHMCS ignores custom field ids it does not know, so only the configured ones are sent: "
        + _listing(fields)
    )


def unfit_text(label: str, problem: str) -> str:
    """Say why a value cannot be stored."""
    if problem == "control":
        return f"{label} contains control or direction-changing characters"
    if problem == "multiline":
        return f"{label} must be on one line"
    return f"{label} has no visible text"


UNFIT_TEXT_HINT = {
    "control": "Retype the value, or copy it from plain text: it holds invisible characters.",
    "multiline": "Only the opening message and custom fields may span lines.",
    "empty": "WHMCS ignores an empty value; give the new text.",
}
DEPARTMENT_CLOSURE_NOTE = (
    "WHMCS gives a ticket that moves department the new department's setting for whether the "
    "client may close it."
)


# The grammar's answers to a command it cannot read (plain text; Slack's layer escapes it).
FIELD_LIST = (
    "status, priority, dept, subject, flag, unflag, cc, name, email, client, created, "
    "message, markdown, cf.<id>, client-close"
)
TOO_LONG = "That command is {length} characters long; Slack allows at most {limit}."
TOO_LONG_HINT = "Shorten the text and try again."
NOT_A_REF = '"{word}" is not a ticket reference.'
NOT_A_REF_HINT = (
    "Start with a ticket id like 42 or a ticket number like #ABC-123456, "
    "for example: /ticket #ABC-123456 status Closed"
)
UNKNOWN_FIELD = '"{word}" is not a field you can change.'
DID_YOU_MEAN = ' Did you mean "{suggestion}"?'
FIELDS_HINT = "Fields: " + FIELD_LIST + "."
AFTER_QUOTE_HINT = "A quoted value ends at its closing quote, so quote the whole value. "
EMPTY_VALUE = '"{field}" needs a value.'
EMPTY_VALUE_HINT = "For example: /ticket 42 {example}"
UNFLAG_VALUE = '"unflag" takes no value, but "{word}" follows it.'
UNFLAG_VALUE_HINT = "Write unflag on its own, for example: /ticket 42 unflag"
DUPLICATE_FIELD = '"{field}" is given twice.'
DUPLICATE_FIELD_HINT = "Give each field once."
FLAG_AND_UNFLAG = '"flag" and "unflag" cannot be used together.'
FLAG_AND_UNFLAG_HINT = "Use flag to give the ticket to someone, or unflag to clear its flag."
UNCLOSED_QUOTE = 'The quote that opens the value of "{field}" is never closed.'
UNCLOSED_QUOTE_HINT = (
    "End the value with a matching quote mark, followed by a space or the end of the command."
)
BAD_MARKDOWN = '"markdown" must be on or off, not "{value}".'
BAD_MARKDOWN_HINT = "For example: /ticket 42 markdown on"
BAD_CLIENT_CLOSE = '"client-close" must be allow or prevent, not "{value}".'
BAD_CLIENT_CLOSE_HINT = "For example: /ticket 42 client-close prevent"
BAD_CLIENT = '"client" must be a client id, not "{value}".'
BAD_CLIENT_HINT = (
    "Give the WHMCS client id, or 0 to make it a guest ticket with a name and email, "
    "for example: /ticket 42 client 0 name Jane Doe email jane@example.com"
)
BAD_CUSTOM_FIELD = '"{word}" does not name a custom field.'
BAD_CUSTOM_FIELD_HINT = "Write cf. and the custom field's id, for example: /ticket 42 cf.7 yes"
EXAMPLES = {
    "status": "status Closed",
    "priority": "priority High",
    "dept": 'dept "Technical Support"',
    "subject": "subject Server down since 9:00",
    "flag": "flag me",
    "cc": "cc someone@example.com",
    "name": "name Jane Doe",
    "email": "email jane@example.com",
    "client": "client 12",
    "created": "created 2024-05-01 09:30:00",
    "message": "message New opening message",
    "markdown": "markdown on",
    "customfield": "cf.7 yes",
    "client-close": "client-close prevent",
}

NOTE_FAILED = (
    "The change went through, but WHMCS refused the staff-only note that records who made it."
)

"""The ticket form's fields: block ids, who may edit each, and the values the form shows.

The form is built and its submission read by different modules; both take the block ids, the
choices and the pre-filled values from here, so an untouched input always reads as unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from datetime import datetime

from bot.access import ALL
from bot.slack.mrkdwn import plain
from bot.tickets.hints import PRIORITIES
from bot.tickets.refs import MAX_TICKET_ID
from bot.tickets.values import is_email

# Every input of the form carries its value under this action_id.
ACTION_ID = "value"

# Block id -> the permissions that let a person edit that input (any one of them).
BLOCK_ACTIONS: dict[str, tuple[str, ...]] = {
    "subject": ("subject",),
    "status": ("status",),
    "priority": ("priority",),
    "dept": ("dept",),
    "flag": ("flag_self", "flag_others"),
    "unflag": ("unflag_self", "unflag_others"),
    "client": ("client",),
    "name": ("contact",),
    "email": ("contact",),
    "cc": ("contact",),
    "created_date": ("created",),
    "created_time": ("created",),
    "message": ("message",),
    "markdown": ("markdown",),
    "client_close": ("client_close",),
}
CUSTOMFIELD_ACTION = "customfields"
_CUSTOMFIELD_BLOCK = re.compile(r"cf\.([1-9][0-9]{0,9})", re.ASCII)

# How much of each text the form shows and takes. Slack's plain_text_input takes at most
# 3000 characters; the shorter caps keep the opened values within private_metadata's 3000.
SUBJECT_LENGTH = 250
NAME_LENGTH = 100
EMAIL_LENGTH = 254
CC_LENGTH = 200
STATUS_LENGTH = 100
MESSAGE_LENGTH = 3000
CUSTOMFIELD_LENGTH = 3000

# Choice values of the selects, radio buttons and checkboxes.
PRIORITY_CHOICES = PRIORITIES
ME = "me"
REMOVE_FLAG = "remove"
LEAVE = "leave"
MARKDOWN_CHOICES = (LEAVE, "on", "off")
FOLLOW_DEPARTMENT = "follow"
CLIENT_CLOSE_CHOICES = (LEAVE, FOLLOW_DEPARTMENT, "allow", "prevent")

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}")
_WHMCS_DATES = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def block_actions(block_id: str) -> tuple[str, ...]:
    """Return the permissions that let a person edit an input; none for unknown blocks."""
    if customfield_id(block_id) is not None:
        return (CUSTOMFIELD_ACTION,)
    return BLOCK_ACTIONS.get(block_id, ())


def may_edit(block_id: str, allowed: Collection[str]) -> bool:
    """Tell whether any permission in `allowed` lets a person edit this input."""
    return ALL in allowed or any(action in allowed for action in block_actions(block_id))


def customfield_block(field_id: int) -> str:
    """Return the block id of a custom field's input: `cf.<id>`."""
    return f"cf.{field_id}"


def customfield_id(block_id: str) -> int | None:
    """Return the custom field id a block id names, or None."""
    match = _CUSTOMFIELD_BLOCK.fullmatch(block_id)
    if match is None or int(match[1]) > MAX_TICKET_ID:
        return None
    return int(match[1])


def shown_line(text: str, limit: int) -> str:
    """Return one-line text as an input shows it: spaces folded, controls out, cut to the limit."""
    return plain(" ".join(text.split()), limit)


def shown_subject(subject: str) -> str:
    """Return the subject as the form pre-fills it."""
    return shown_line(subject, SUBJECT_LENGTH)


def shown_name(name: str) -> str:
    """Return the contact name as the form pre-fills it."""
    return shown_line(name, NAME_LENGTH)


def shown_cc(cc: str) -> str:
    """Return the cc addresses as the form pre-fills them."""
    return shown_line(cc, CC_LENGTH)


def shown_email(email: str) -> str:
    """Return the email address the form pre-fills: only a plain address, else nothing."""
    address = email.strip()
    if len(address) > EMAIL_LENGTH or not is_email(address):
        return ""
    return address


def shown_status(status: str) -> str:
    """Return the status the form can offer as a choice, or nothing when it cannot."""
    if len(status) > STATUS_LENGTH or not status.strip() or _ANY_CONTROL.search(status):
        return ""
    return status


def shown_priority(priority: str) -> str:
    """Return the priority the form can offer as a choice, or nothing when it cannot."""
    return priority if priority in PRIORITY_CHOICES else ""


def message_text(message: str) -> str:
    """Return an opening message as a text box holds it: controls out, `\\n` line breaks, trimmed."""
    text = message.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def shown_message(message: str) -> str:
    """Return the opening message the form pre-fills, or nothing when it is too long to show."""
    text = message_text(message)
    return text if len(text) <= MESSAGE_LENGTH else ""


def message_digest(message: str) -> str:
    """Return the sha256 hex digest of an opening message as a text box holds it."""
    return hashlib.sha256(message_text(message).encode("utf-8", "surrogatepass")).hexdigest()


def shown_created(date: str) -> str:
    """Return a WHMCS date as `YYYY-MM-DD HH:MM`, or nothing when it is no date."""
    for layout in _WHMCS_DATES:
        try:
            parsed = datetime.strptime(date.strip(), layout)
        except ValueError:
            continue
        # isoformat pads the year to four digits, as Slack's datepicker needs; strftime may not.
        return f"{parsed.date().isoformat()} {parsed:%H:%M}"
    return ""


def is_picked_date(text: str) -> bool:
    """Tell whether text is a real date as Slack's datepicker sends it (`YYYY-MM-DD`)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def is_picked_time(text: str) -> bool:
    """Tell whether text is a time as Slack's timepicker sends it (`HH:MM`)."""
    if not _TIME.fullmatch(text):
        return False
    return int(text[:2]) < 24 and int(text[3:]) < 60

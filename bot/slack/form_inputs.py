"""Build the inputs of the ticket form, one field at a time, pre-filled with the ticket's values.

Slack's limits for inputs are enforced here: label and hint 2000 characters, placeholder 150,
option text 75, option value 150, 100 options per static_select, initial_value within the
input's max_length.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack import form_fields as ff
from bot.slack import form_texts
from bot.slack.mrkdwn import plain
from bot.whmcs import Department, Ticket

Block = dict[str, Any]
LABEL_LIMIT = 2000
HINT_LIMIT = 2000
PLACEHOLDER_LIMIT = 150
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
STATIC_OPTIONS_LIMIT = 100
SHOWN_VALUE_LIMIT = 100


def plain_text(text: str, limit: int, fallback: str = "?") -> dict[str, str]:
    """Return a plain_text object: controls out, cut to the limit, never empty."""
    shown = plain(text, limit)
    return {"type": "plain_text", "text": shown if shown.strip() else fallback}


def option(text: str, value: str, fallback: str = "?") -> dict[str, Any]:
    """Return a choice; its text is cut to 75 characters, its value must fit in 150."""
    if not value or len(value) > OPTION_VALUE_LIMIT:
        raise ValueError(f"an option value must have 1 to {OPTION_VALUE_LIMIT} characters")
    return {"text": plain_text(" ".join(text.split()), OPTION_TEXT_LIMIT, fallback), "value": value}


def input_block(
    block_id: str, label: str, element: dict[str, Any], hint: str | None = None
) -> Block:
    """Return an optional input block whose element reports its value under `value`."""
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": plain_text(label, LABEL_LIMIT),
        "element": {**element, "action_id": ff.ACTION_ID},
    }
    if hint:
        block["hint"] = plain_text(hint, HINT_LIMIT)
    return block


def _placeholder(text: str) -> dict[str, str]:
    return plain_text(text, PLACEHOLDER_LIMIT)


def _currently(value: str) -> str:
    return form_texts.FORM_CURRENTLY.format(value=ff.shown_line(value, SHOWN_VALUE_LIMIT) or "–")


def _text_input(
    block_id: str, shown: str, whole: str, limit: int, hint: str | None = None
) -> Block:
    """Return a one-line text input pre-filled with `shown`, saying so when it was shortened."""
    element: dict[str, Any] = {"type": "plain_text_input", "max_length": limit}
    if shown:
        element["initial_value"] = shown
    if shown and shown != ff.shown_line(whole, len(whole) + 1):
        hint = form_texts.FORM_SHORTENED.format(limit=limit)
    return input_block(block_id, form_texts.FORM_LABELS[block_id], element, hint)


def subject_input(ticket: Ticket) -> Block:
    """Return the subject input."""
    return _text_input(
        "subject", ff.shown_subject(ticket.subject), ticket.subject, ff.SUBJECT_LENGTH
    )


def _static_select(
    block_id: str, choices: Sequence[dict[str, Any]], current: str, placeholder: str, hint: str
) -> Block:
    """Return a static_select of at most 100 choices, the current one picked when offered."""
    element: dict[str, Any] = {
        "type": "static_select",
        "placeholder": _placeholder(placeholder),
        "options": list(choices[:STATIC_OPTIONS_LIMIT]),
    }
    picked = [c for c in element["options"] if c["value"] == current]
    if picked:
        element["initial_option"] = picked[0]
        hint = ""
    return input_block(block_id, form_texts.FORM_LABELS[block_id], element, hint or None)


def status_input(ticket: Ticket, statuses: Sequence[str]) -> Block | None:
    """Return the status select: the current status first when WHMCS no longer lists it."""
    titles = list(dict.fromkeys(t for t in map(ff.shown_status, statuses) if t))
    current = ff.shown_status(ticket.status)
    if current and current not in titles[:STATIC_OPTIONS_LIMIT]:
        titles = [current] + [t for t in titles if t != current]
    if not titles:
        return None
    choices = [option(title, title) for title in titles[:STATIC_OPTIONS_LIMIT]]
    return _static_select(
        "status", choices, current, form_texts.FORM_STATUS_PLACEHOLDER, _currently(ticket.status)
    )


def priority_input(ticket: Ticket) -> Block:
    """Return the priority select: Low, Medium, High."""
    choices = [option(priority, priority) for priority in ff.PRIORITY_CHOICES]
    current = ff.shown_priority(ticket.priority)
    return _static_select(
        "priority",
        choices,
        current,
        form_texts.FORM_PRIORITY_PLACEHOLDER,
        _currently(ticket.priority),
    )


def _department_option(department_id: int, name: str) -> dict[str, Any]:
    fallback = form_texts.FORM_DEPARTMENT_ID.format(id=department_id)
    return option(name or fallback, str(department_id), fallback)


def dept_input(ticket: Ticket, departments: Sequence[Department]) -> Block | None:
    """Return the department select; past 100 departments the listener serves the options."""
    names = {d.id: d.name for d in departments if d.id > 0}
    current = _department_option(ticket.deptid, names.get(ticket.deptid, ticket.deptname))
    label = form_texts.FORM_LABELS["dept"]
    known = ticket.deptid > 0
    count = len(names) + (1 if known and ticket.deptid not in names else 0)
    if count == 0:
        return None
    if count > STATIC_OPTIONS_LIMIT:
        # Slack: a static_select holds at most 100 options; an external_select asks the app.
        element: dict[str, Any] = {
            "type": "external_select",
            "placeholder": _placeholder(form_texts.FORM_DEPARTMENT_PLACEHOLDER),
            "min_query_length": 0,
        }
        if known:
            element["initial_option"] = current
        return input_block("dept", label, element)
    choices = [_department_option(i, name) for i, name in names.items()]
    if known and ticket.deptid not in names:
        choices.insert(0, current)
    return _static_select(
        "dept", choices, str(ticket.deptid), form_texts.FORM_DEPARTMENT_PLACEHOLDER, ""
    )


def flag_input(ticket: Ticket, flagged_name: str, self_only: bool) -> Block:
    """Return the flag select, whose options the listener serves ("me" first)."""
    element: dict[str, Any] = {
        "type": "external_select",
        "placeholder": _placeholder(form_texts.FORM_FLAG_PLACEHOLDER),
        "min_query_length": 0,
    }
    if ticket.flag > 0:
        fallback = form_texts.FORM_ADMIN_ID.format(id=ticket.flag)
        element["initial_option"] = option(flagged_name or fallback, str(ticket.flag), fallback)
    hint = form_texts.FORM_FLAG_SELF_ONLY if self_only else None
    return input_block("flag", form_texts.FORM_LABELS["flag"], element, hint)


def unflag_input(flagged_name: str) -> Block:
    """Return the "Remove the flag" checkbox."""
    element = {
        "type": "checkboxes",
        "options": [option(form_texts.FORM_REMOVE_FLAG, ff.REMOVE_FLAG)],
    }
    admin = ff.shown_line(flagged_name, SHOWN_VALUE_LIMIT) or "?"
    hint = form_texts.FORM_UNFLAG_HINT.format(admin=admin)
    return input_block("unflag", form_texts.FORM_LABELS["unflag"], element, hint)


def client_input(ticket: Ticket) -> Block:
    """Return the client id input: a whole number, 0 for a guest ticket."""
    element = {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "0",
        "initial_value": str(max(ticket.userid, 0)),
    }
    return input_block(
        "client", form_texts.FORM_LABELS["client"], element, form_texts.FORM_CLIENT_HINT
    )


def contact_inputs(ticket: Ticket) -> list[Block]:
    """Return the name, email and cc inputs."""
    name = _text_input("name", ff.shown_name(ticket.name), ticket.name, ff.NAME_LENGTH)
    email: dict[str, Any] = {"type": "email_text_input"}
    shown_email = ff.shown_email(ticket.email)
    if shown_email:
        email["initial_value"] = shown_email
    hint = None if shown_email or not ticket.email.strip() else form_texts.FORM_EMAIL_NOT_SHOWN
    cc = _text_input("cc", ff.shown_cc(ticket.cc), ticket.cc, ff.CC_LENGTH, form_texts.FORM_CC_HINT)
    return [name, input_block("email", form_texts.FORM_LABELS["email"], email, hint), cc]


def created_inputs(ticket: Ticket, timezone: ZoneInfo) -> list[Block]:
    """Return the created date and time pickers, in the WHMCS server's time zone."""
    created = ff.shown_created(ticket.date)
    date: dict[str, Any] = {"type": "datepicker"}
    time: dict[str, Any] = {"type": "timepicker", "timezone": timezone.key}
    if created:
        date["initial_date"], time["initial_time"] = created.split(" ")
    hint = form_texts.FORM_CREATED_HINT.format(zone=timezone.key)
    return [
        input_block("created_date", form_texts.FORM_LABELS["created_date"], date),
        input_block("created_time", form_texts.FORM_LABELS["created_time"], time, hint),
    ]


def message_input(ticket: Ticket) -> Block:
    """Return the opening message box; a message too long for it is not shown."""
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": ff.MESSAGE_LENGTH,
    }
    shown = ff.shown_message(ticket.message)
    hint = form_texts.FORM_MESSAGE_HINT
    if shown:
        element["initial_value"] = shown
    elif ff.message_text(ticket.message):
        length = len(ff.message_text(ticket.message))
        hint = form_texts.FORM_MESSAGE_NOT_SHOWN.format(length=length, limit=ff.MESSAGE_LENGTH)
    return input_block("message", form_texts.FORM_LABELS["message"], element, hint)


def _radio(block_id: str, choices: Iterable[tuple[str, str]], hint: str) -> Block:
    options = [option(text, value) for value, text in choices]
    element = {"type": "radio_buttons", "options": options, "initial_option": options[0]}
    return input_block(block_id, form_texts.FORM_LABELS[block_id], element, hint)


def markdown_input() -> Block:
    """Return the markdown choice; WHMCS cannot report it, so it starts at "Leave as it is"."""
    words = (form_texts.FORM_LEAVE, form_texts.FORM_MARKDOWN_ON, form_texts.FORM_MARKDOWN_OFF)
    return _radio("markdown", zip(ff.MARKDOWN_CHOICES, words), form_texts.FORM_MARKDOWN_HINT)


def client_close_input() -> Block:
    """Return the client closure choice, starting at "Leave as it is"."""
    words = (
        form_texts.FORM_LEAVE,
        form_texts.FORM_FOLLOW_DEPARTMENT,
        form_texts.FORM_ALLOW,
        form_texts.FORM_PREVENT,
    )
    choices = zip(ff.CLIENT_CLOSE_CHOICES, words)
    return _radio("client_close", choices, form_texts.FORM_CLIENT_CLOSE_HINT)


def customfield_input(field_id: int, label: str) -> Block:
    """Return one custom field's input, empty: WHMCS cannot report custom field values."""
    element = {
        "type": "plain_text_input",
        "multiline": True,
        "max_length": ff.CUSTOMFIELD_LENGTH,
    }
    shown = form_texts.FORM_CUSTOMFIELD_LABEL.format(label=" ".join(label.split()), id=field_id)
    return input_block(
        ff.customfield_block(field_id), shown, element, form_texts.FORM_CUSTOMFIELD_HINT
    )

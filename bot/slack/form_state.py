"""Read a ticket form's submission into the changes the /ticket grammar would produce.

Only inputs whose value differs from the one the form was opened with become changes. What
can be refused without asking WHMCS is refused here, keyed by block id, so the submission's
acknowledgement can show it under the input at once.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from typing import Any

from bot.slack import form_fields as ff
from bot.slack import form_texts
from bot.slack.form_opened import Opened
from bot.tickets.grammar import FieldChange
from bot.tickets.refs import MAX_TICKET_ID
from bot.tickets.values import same_text

__all__ = ["Opened", "read_submission"]

log = logging.getLogger(__name__)

_EMPTY_DIGEST = ff.message_digest("")


def _element(values: Mapping[str, Any], block_id: str) -> Mapping[str, Any] | None:
    """Return the state of a block's input, or None when the block was not submitted."""
    block = values.get(block_id)
    element = block.get(ff.ACTION_ID) if isinstance(block, Mapping) else None
    return element if isinstance(element, Mapping) else None


def _text(values: Mapping[str, Any], block_id: str, key: str = "value") -> str | None:
    """Return an input's text, "" when empty, None when the block was not submitted."""
    element = _element(values, block_id)
    if element is None:
        return None
    value = element.get(key)
    return value.strip() if isinstance(value, str) else ""


def _choice(values: Mapping[str, Any], block_id: str) -> str | None:
    """Return a select's or radio's chosen value, "" for none, None when not submitted."""
    element = _element(values, block_id)
    if element is None:
        return None
    selected = element.get("selected_option")
    value = selected.get("value") if isinstance(selected, Mapping) else None
    return value if isinstance(value, str) else ""


def _ticked(values: Mapping[str, Any], block_id: str) -> list[str] | None:
    """Return the ticked checkbox values, None when the block was not submitted."""
    element = _element(values, block_id)
    if element is None:
        return None
    selected = element.get("selected_options")
    if not isinstance(selected, list):
        return []
    ticked = [o.get("value") for o in selected if isinstance(o, Mapping)]
    return [value if isinstance(value, str) else "" for value in ticked]


def _whole_number(text: str) -> int | None:
    """Return the number that ASCII digits spell, None for anything else or past a ticket id."""
    if not (text.isascii() and text.isdigit()) or len(text.lstrip("0")) > len(str(MAX_TICKET_ID)):
        return None
    number = int(text)
    return number if number <= MAX_TICKET_ID else None


class _Reading:
    """The changes and errors found so far in one submission."""

    def __init__(self, values: Mapping[str, Any], opened: Opened, allowed: Collection[str]):
        self.values = values
        self.opened = opened
        self.allowed = allowed
        self.changes: list[FieldChange] = []
        self.errors: dict[str, str] = {}

    def keep(self, block_id: str, change: FieldChange | None, error: str | None = None) -> None:
        """Keep a change or an error; from an input this person was not offered, refuse it."""
        if change is None and error is None:
            return
        if not ff.may_edit(block_id, self.allowed):
            log.warning(
                "ticket form for ticket=%s had a value in block=%s", self.opened.ticket_id, block_id
            )
            self.errors[block_id] = form_texts.FORM_NOT_OFFERED
        elif error is not None:
            self.errors[block_id] = error
        elif change is not None:
            self.changes.append(change)

    def drop(self, field: str) -> None:
        """Forget the change to a field."""
        self.changes = [c for c in self.changes if c.field != field]

    def changed(self, field: str) -> FieldChange | None:
        """Return the change to a field, if any."""
        return next((c for c in self.changes if c.field == field), None)


def _subject(r: _Reading) -> None:
    text = _text(r.values, "subject")
    if text is None:
        return
    if not text:
        r.keep("subject", None, form_texts.FORM_SUBJECT_EMPTY if r.opened.subject.strip() else None)
    elif not same_text(text, r.opened.subject):
        r.keep("subject", FieldChange("subject", text))


def _status(r: _Reading) -> None:
    value = _choice(r.values, "status")
    if value and value != r.opened.status:
        r.keep("status", FieldChange("status", value))


def _priority(r: _Reading) -> None:
    value = _choice(r.values, "priority")
    if not value or value == r.opened.priority:
        return
    if value in ff.PRIORITY_CHOICES:
        r.keep("priority", FieldChange("priority", value))
    else:
        r.keep("priority", None, form_texts.FORM_NOT_A_CHOICE)


def _dept(r: _Reading) -> None:
    value = _choice(r.values, "dept")
    if not value:
        return
    deptid = _whole_number(value)
    if not deptid:
        r.keep("dept", None, form_texts.FORM_NOT_A_CHOICE)
    elif deptid != r.opened.deptid:
        r.keep("dept", FieldChange("dept", str(deptid)))


def _flag(r: _Reading) -> None:
    value = _choice(r.values, "flag")
    if not value:
        return
    if value == ff.ME:
        r.keep("flag", FieldChange("flag", ff.ME))
        return
    admin_id = _whole_number(value)
    if not admin_id:
        r.keep("flag", None, form_texts.FORM_NOT_A_CHOICE)
    elif admin_id != r.opened.flag:
        r.keep("flag", FieldChange("flag", str(admin_id)))


def _unflag(r: _Reading) -> None:
    ticked = _ticked(r.values, "unflag")
    if not ticked:
        return
    if any(value != ff.REMOVE_FLAG for value in ticked):
        r.keep("unflag", None, form_texts.FORM_NOT_A_CHOICE)
    elif r.opened.flag > 0:
        r.keep("unflag", FieldChange("unflag", ""))
    if r.changed("flag") and r.changed("unflag"):
        r.drop("flag")
        r.drop("unflag")
        r.errors["unflag"] = form_texts.FORM_FLAG_AND_UNFLAG


def _client(r: _Reading) -> None:
    text = _text(r.values, "client")
    if not text:
        return
    userid = _whole_number(text)
    if userid is None:
        r.keep("client", None, form_texts.FORM_CLIENT_INVALID)
    elif userid != r.opened.userid:
        r.keep("client", FieldChange("client", str(userid)))


def _contact(r: _Reading) -> None:
    opened = {"name": r.opened.name, "email": r.opened.email, "cc": r.opened.cc}
    for block_id, before in opened.items():
        text = _text(r.values, block_id)
        if text is None:
            continue
        if block_id == "email":
            same = text.casefold() == before.casefold()
        else:
            same = same_text(text, before)
        if not text:
            r.keep(block_id, None, form_texts.FORM_CANNOT_CLEAR if before else None)
        elif not same:
            r.keep(block_id, FieldChange(block_id, text))


def _guest(r: _Reading) -> None:
    """WHMCS: making a ticket a guest's (client 0) needs a name and an email in the same call."""
    client = r.changed("client")
    if client is None or client.value != "0":
        return
    contact = {
        block_id: _text(r.values, block_id) if ff.may_edit(block_id, r.allowed) else None
        for block_id in ("name", "email")
    }
    missing = [block_id for block_id, text in contact.items() if not text]
    if not missing:
        for block_id, text in contact.items():
            if text and r.changed(block_id) is None:
                r.changes.append(FieldChange(block_id, text))
        return

    r.drop("client")
    if not ff.may_edit("name", r.allowed):
        r.errors["client"] = form_texts.FORM_GUEST_NEEDS_CONTACT_ROLE
        return
    r.errors["client"] = form_texts.FORM_GUEST_NEEDS_CONTACT
    for block_id in missing:
        if _element(r.values, block_id) is not None:
            r.errors.setdefault(block_id, form_texts.FORM_NEEDED_FOR_GUEST)


def _created(r: _Reading) -> None:
    date = _text(r.values, "created_date", "selected_date")
    time = _text(r.values, "created_time", "selected_time")
    if date is None and time is None:
        return
    date, time = date or "", time or ""
    if date and not ff.is_picked_date(date):
        r.keep("created_date", None, form_texts.FORM_NOT_A_CHOICE)
    elif time and not ff.is_picked_time(time):
        r.keep("created_time", None, form_texts.FORM_NOT_A_CHOICE)
    elif date and not time:
        r.keep("created_time", None, form_texts.FORM_PICK_TIME)
    elif time and not date:
        r.keep("created_date", None, form_texts.FORM_PICK_DATE)
    elif date and f"{date} {time}" != r.opened.created:
        r.keep("created_date", FieldChange("created", f"{date} {time}"))


def _message(r: _Reading) -> None:
    text = _text(r.values, "message")
    if text is None:
        return
    if not ff.message_text(text):
        emptied = r.opened.message_shown and r.opened.message_digest != _EMPTY_DIGEST
        r.keep("message", None, form_texts.FORM_MESSAGE_EMPTY if emptied else None)
    elif ff.message_digest(text) != r.opened.message_digest:
        r.keep("message", FieldChange("message", text))


def _radio(r: _Reading, block_id: str, field: str, choices: Collection[str]) -> None:
    """Read a radio choice; "Leave as it is" and "Follow the department" change nothing."""
    value = _choice(r.values, block_id)
    if not value or value in (ff.LEAVE, ff.FOLLOW_DEPARTMENT):
        return
    if value in choices:
        r.keep(block_id, FieldChange(field, value))
    else:
        r.keep(block_id, None, form_texts.FORM_NOT_A_CHOICE)


def _switches(r: _Reading) -> None:
    _radio(r, "markdown", "markdown", ff.MARKDOWN_CHOICES)
    _radio(r, "client_close", "client-close", ff.CLIENT_CLOSE_CHOICES)


def _customfields(r: _Reading) -> None:
    for block_id in r.values:
        field_id = ff.customfield_id(block_id) if isinstance(block_id, str) else None
        text = _text(r.values, block_id) if field_id is not None else None
        if text:
            r.keep(block_id, FieldChange("customfield", text, field_id))


_READERS = (
    _subject,
    _status,
    _priority,
    _dept,
    _flag,
    _unflag,
    _client,
    _contact,
    _guest,
    _created,
    _message,
    _switches,
    _customfields,
)


def read_submission(
    values: Mapping[str, Any], opened: Opened, allowed: Collection[str]
) -> tuple[tuple[FieldChange, ...], dict[str, str]]:
    """Return the changes a submitted ticket form asks for, and the errors to show per block.

    Args:
        values: the submitted `view["state"]["values"]`.
        opened: the values the form was opened with.
        allowed: the permissions of the person who submitted it; a change to an input they
            were not offered is an error, never a change.

    Act on the changes only when there are no errors.
    """
    reading = _Reading(values if isinstance(values, Mapping) else {}, opened, allowed)
    for read in _READERS:
        read(reading)
    log.debug(
        "ticket form ticket=%s fields=%s errors=%s",
        opened.ticket_id,
        ",".join(c.field for c in reading.changes) or "-",
        ",".join(reading.errors) or "-",
    )
    return tuple(reading.changes), reading.errors

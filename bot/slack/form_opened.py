"""The values a ticket form was opened with, kept in the view's private_metadata."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from bot.slack import form_fields as ff
from bot.whmcs import Ticket


@dataclass(frozen=True)
class Opened:
    """The values a ticket form was opened with, as its inputs showed them.

    Text fields hold what the inputs were pre-filled with (cut to the input's length, or empty
    when the value could not be shown); compare two Opened values, not an Opened and a Ticket.
    `created` is `YYYY-MM-DD HH:MM` in WHMCS server time; the opening message is kept only as
    the sha256 of its text, and `message_shown` tells whether the form pre-filled it.
    """

    ticket_id: int
    subject: str
    status: str
    priority: str
    deptid: int
    flag: int
    userid: int
    name: str
    email: str
    cc: str
    created: str
    message_digest: str
    message_shown: bool = True

    @classmethod
    def from_ticket(cls, ticket: Ticket) -> Opened:
        """Return the values the form shows for a ticket."""
        return cls(
            ticket_id=ticket.id,
            subject=ff.shown_subject(ticket.subject),
            status=ff.shown_status(ticket.status),
            priority=ff.shown_priority(ticket.priority),
            deptid=ticket.deptid,
            flag=max(ticket.flag, 0),
            userid=max(ticket.userid, 0),
            name=ff.shown_name(ticket.name),
            email=ff.shown_email(ticket.email),
            cc=ff.shown_cc(ticket.cc),
            created=ff.shown_created(ticket.date),
            message_digest=ff.message_digest(ticket.message),
            message_shown=bool(ff.shown_message(ticket.message)),
        )

    def to_json(self) -> str:
        """Return compact JSON for private_metadata: at most 2000 characters."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Opened:
        """Read what to_json wrote; raise ValueError for anything else."""
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raw = {}
        values: dict[str, Any] = {}
        for field in fields(cls):
            kind = {"int": int, "bool": bool}.get(str(field.type), str)
            value = raw.get(field.name)
            if field.name == "message_shown" and value is None:
                continue
            if type(value) is not kind:
                raise ValueError(f"opened value {field.name} must be {kind.__name__}")
            values[field.name] = value
        return cls(**values)

    def differences(self, other: Opened) -> tuple[str, ...]:
        """Return the block ids whose shown value differs between two openings of a form."""
        pairs = {
            "subject": (self.subject, other.subject),
            "status": (self.status, other.status),
            "priority": (self.priority, other.priority),
            "dept": (self.deptid, other.deptid),
            "flag": (self.flag, other.flag),
            "client": (self.userid, other.userid),
            "name": (self.name, other.name),
            "email": (self.email, other.email),
            "cc": (self.cc, other.cc),
            "created_date": (self.created, other.created),
            "message": (self.message_digest, other.message_digest),
        }
        return tuple(block_id for block_id, (mine, theirs) in pairs.items() if mine != theirs)

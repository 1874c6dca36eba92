"""Typed, immutable records parsed tolerantly from WHMCS answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.whmcs.loose import as_bool, as_int, as_int_list, as_text, entries


@dataclass(frozen=True)
class Reply:
    """One message in a ticket's thread; the first one is the opening message."""

    author: str
    admin: str
    date: str
    message: str

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Reply:
        """Parse a GetTicket `replies` entry."""
        admin = as_text(raw.get("admin"))
        author = admin or _first_text(raw, "requestor_name", "name", "requestor_email", "email")
        return cls(
            author=author,
            admin=admin,
            date=as_text(raw.get("date")),
            message=as_text(raw.get("message")),
        )


@dataclass(frozen=True)
class Note:
    """A staff-only note on a ticket."""

    admin: str
    date: str
    message: str

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Note:
        """Parse a GetTicket `notes` entry."""
        return cls(
            admin=as_text(raw.get("admin")),
            date=as_text(raw.get("date")),
            message=as_text(raw.get("message")),
        )


@dataclass(frozen=True)
class Ticket:
    """A support ticket from GetTicket, or the shorter GetTickets entry (missing fields empty).

    `id` is the internal id that UpdateTicket takes; `tid` is the public ticket number, always
    text (it may be all digits with leading zeros).
    """

    id: int
    tid: str
    deptid: int
    deptname: str
    userid: int
    contactid: int
    name: str
    email: str
    cc: str
    date: str
    subject: str
    status: str
    priority: str
    admin: str
    lastreply: str
    flag: int
    service: str
    message: str
    replies: tuple[Reply, ...]
    notes: tuple[Note, ...]

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Ticket:
        """Parse a GetTicket answer or a GetTickets entry."""
        replies = tuple(Reply.from_api(entry) for entry in entries(raw.get("replies"), "reply"))
        notes = tuple(Note.from_api(entry) for entry in entries(raw.get("notes"), "note"))
        # The opening message is the first reply; older GetTickets entries carry it directly.
        message = replies[0].message if replies else as_text(raw.get("message"))
        return cls(
            id=as_int(raw.get("id", raw.get("ticketid"))),
            tid=as_text(raw.get("tid")).strip(),
            deptid=as_int(raw.get("deptid")),
            deptname=as_text(raw.get("deptname")),
            userid=as_int(raw.get("userid")),
            contactid=as_int(raw.get("contactid")),
            name=_first_text(raw, "name", "requestor_name"),
            email=_first_text(raw, "email", "requestor_email"),
            cc=as_text(raw.get("cc")),
            date=as_text(raw.get("date")),
            subject=as_text(raw.get("subject")),
            status=as_text(raw.get("status")),
            priority=as_text(raw.get("priority")),
            admin=as_text(raw.get("admin")),
            lastreply=as_text(raw.get("lastreply")),
            flag=as_int(raw.get("flag")),
            service=as_text(raw.get("service")),
            message=message,
            replies=replies,
            notes=notes,
        )


@dataclass(frozen=True)
class TicketPage:
    """One page of GetTickets results."""

    total: int
    start: int
    returned: int
    tickets: tuple[Ticket, ...]

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> TicketPage:
        """Parse a GetTickets answer; the `tickets` key is absent when nothing matches."""
        tickets = tuple(Ticket.from_api(entry) for entry in entries(raw.get("tickets"), "ticket"))
        return cls(
            total=as_int(raw.get("totalresults"), default=len(tickets)),
            start=as_int(raw.get("startnumber")),
            returned=as_int(raw.get("numreturned"), default=len(tickets)),
            tickets=tickets,
        )


@dataclass(frozen=True)
class Status:
    """A ticket status as configured in WHMCS, with how many tickets have it."""

    title: str
    count: int
    color: str

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Status:
        """Parse a GetSupportStatuses entry."""
        return cls(
            title=as_text(raw.get("title")),
            count=as_int(raw.get("count")),
            color=as_text(raw.get("color")),
        )


@dataclass(frozen=True)
class Department:
    """A support department with its ticket counts."""

    id: int
    name: str
    awaiting_reply: int
    open_tickets: int

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Department:
        """Parse a GetSupportDepartments entry."""
        return cls(
            id=as_int(raw.get("id")),
            name=as_text(raw.get("name")),
            awaiting_reply=as_int(raw.get("awaitingreply")),
            open_tickets=as_int(raw.get("opentickets")),
        )


@dataclass(frozen=True)
class Admin:
    """A WHMCS admin user and the support departments assigned to them."""

    id: int
    username: str
    firstname: str
    lastname: str
    email: str
    disabled: bool
    role_id: int
    department_ids: tuple[int, ...]

    @property
    def full_name(self) -> str:
        """Return "First Last", or the username when the admin has no name."""
        return f"{self.firstname} {self.lastname}".strip() or self.username

    @classmethod
    def from_api(cls, raw: dict[str, Any]) -> Admin:
        """Parse a GetAdminUsers entry."""
        return cls(
            id=as_int(raw.get("id")),
            username=as_text(raw.get("username")),
            firstname=as_text(raw.get("firstname")),
            lastname=as_text(raw.get("lastname")),
            email=as_text(raw.get("email")),
            disabled=as_bool(raw.get("isDisabled", raw.get("disabled"))),
            role_id=as_int(raw.get("roleId", raw.get("roleid"))),
            department_ids=as_int_list(raw.get("supportDepartmentIds")),
        )


def _first_text(raw: dict[str, Any], *keys: str) -> str:
    """Return the first non-empty decoded text among keys."""
    for key in keys:
        text = as_text(raw.get(key))
        if text.strip():
            return text
    return ""

"""Say what changed on a ticket between two polls, in the words its cards use."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.store import Change
from bot.tickets.catalog import Catalog
from bot.tickets.fields import admin_label
from bot.triage.state import Seen
from bot.whmcs import Ticket, WhmcsError


@dataclass(frozen=True)
class NewReply:
    """A reply added since the last poll: who wrote it, and whether they are staff."""

    author: str
    staff: bool


# The fields a change names, and what triage remembers them as.
SEEN_NAMES = {
    "Status": "status",
    "Priority": "priority",
    "Department": "deptid",
    "Flag": "flag",
    "Subject": "subject",
}


@dataclass(frozen=True)
class News:
    """What changed on a ticket since its cards last showed it.

    Args:
        by: the Slack user whose write explains a change, by the change's field: a write
            whose outcome was unknown when it was made, found done by this poll.
    """

    changes: tuple[Change, ...] = ()
    reply: NewReply | None = None
    by: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changes) or self.reply is not None


def department_name(catalog: Catalog, deptid: int) -> str:
    """Name a department by id, or say its id when WHMCS does not list it."""
    return catalog.department_name(deptid) or f"department {deptid}"


def flag_name(catalog: Catalog, admin_id: int) -> str:
    """Name the admin a ticket is flagged to, or say that it is unflagged."""
    try:
        return admin_label(catalog, admin_id)
    except WhmcsError:
        return f"admin {admin_id}"


def changes_since(old: Seen, ticket: Ticket, catalog: Catalog) -> tuple[Change, ...]:
    """Return the status, priority, department, flag and subject changes since `old`."""
    changes = []
    if old.status != ticket.status:
        changes.append(Change("Status", old.status, ticket.status))
    if old.priority != ticket.priority:
        changes.append(Change("Priority", old.priority, ticket.priority))
    if old.deptid != ticket.deptid:
        before = department_name(catalog, old.deptid)
        changes.append(Change("Department", before, department_name(catalog, ticket.deptid)))
    if old.flag != ticket.flag:
        before = flag_name(catalog, old.flag)
        changes.append(Change("Flag", before, flag_name(catalog, ticket.flag)))
    if old.subject != ticket.subject:
        changes.append(Change("Subject", old.subject, ticket.subject))
    return tuple(changes)


def replied_since(old: Seen, ticket: Ticket) -> bool:
    """Say whether the ticket has a reply newer than the last one seen."""
    return bool(ticket.lastreply) and ticket.lastreply != old.lastreply


def last_reply(ticket: Ticket) -> NewReply | None:
    """Return the newest reply of a ticket read with GetTicket (the opening message excluded)."""
    if len(ticket.replies) < 2:
        return None
    reply = ticket.replies[-1]
    return NewReply(reply.author, staff=bool(reply.admin))

"""What triage remembers of a ticket and its cards, and how a poll's view meets Slack's notes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from bot.triage.slack_changes import Noted, Value
from bot.whmcs import Ticket


@dataclass(frozen=True)
class Seen:
    """A ticket's triage-relevant values as last seen, and the channels whose routes took it.

    Args:
        active: whether the ticket was among WHMCS's active tickets; only those are polled.
        noted_at: when (time.time()) these values were recorded; a poll that read WHMCS
            before then holds older news and leaves the ticket alone.
    """

    ticket_id: int
    tid: str
    deptid: int
    status: str
    priority: str
    flag: int
    lastreply: str
    subject: str
    active: bool
    channels: frozenset[str]
    noted_at: float

    @classmethod
    def of(cls, ticket: Ticket, active: bool, channels: Iterable[str], noted_at: float) -> Seen:
        """Return what to remember of a ticket read from WHMCS."""
        return cls(
            ticket.id,
            ticket.tid,
            ticket.deptid,
            ticket.status,
            ticket.priority,
            ticket.flag,
            ticket.lastreply,
            ticket.subject,
            active,
            frozenset(channels),
            noted_at,
        )


@dataclass(frozen=True)
class Card:
    """A message that shows a ticket; `routed` when a triage route posted it."""

    channel: str
    ts: str
    ticket_id: int
    routed: bool


@dataclass(frozen=True)
class Polled:
    """Where a poll's view of a ticket came from: the row it compared with, and its start."""

    base: Seen | None
    started: float


def merged(current: Seen, polled: Seen, base: Seen | None) -> Seen:
    """Combine what a poll saw with a change noted from Slack while the poll ran.

    The fields Slack changed since the poll read its row keep Slack's values; the rest (the
    channels the ticket is shown in, its last reply) are the poll's.
    """

    def slack_changed(name: str) -> bool:
        return base is None or getattr(current, name) != getattr(base, name)

    return replace(
        polled,
        status=current.status if slack_changed("status") else polled.status,
        priority=current.priority if slack_changed("priority") else polled.priority,
        deptid=current.deptid if slack_changed("deptid") else polled.deptid,
        flag=current.flag if slack_changed("flag") else polled.flag,
        subject=current.subject if slack_changed("subject") else polled.subject,
        noted_at=current.noted_at,
    )


def with_noted(seen: Seen, noted: Mapping[str, Noted]) -> Seen:
    """Return what a poll saw with the values noted from Slack since it began put in.

    Those are newer than what the poll read, even where one equals the value the poll started
    from (set elsewhere and back again from Slack meanwhile).
    """
    if not noted:
        return seen

    def value(name: str) -> Value:
        found = noted.get(name)
        return getattr(seen, name) if found is None else found.value

    return replace(
        seen,
        status=str(value("status")),
        priority=str(value("priority")),
        deptid=int(value("deptid")),
        flag=int(value("flag")),
        subject=str(value("subject")),
        noted_at=max(seen.noted_at, *(found.at for found in noted.values())),
    )

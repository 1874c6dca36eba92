"""`[[triage]]` routes: which channel receives which tickets, read from `ticketbot.toml`."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.tickets.fields import squash as _fold
from bot.whmcs import Department, Ticket

log = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
# Whom a route pings when a High priority ticket reaches it: a user group or a user.
USER_GROUP_ID = re.compile(r"S[A-Z0-9]{2,}")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
ROUTE_KEYS = (
    "channel",
    "departments",
    "statuses",
    "priorities",
    "exclude_statuses",
    "exclude_subject_contains",
    "mention",
    "backfill",
)
MAX_BACKFILL_HOURS = 24 * 30
PING_PRIORITY = _fold("High")


class RouteError(ValueError):
    """A `[[triage]]` table is malformed; the message names the route and the key."""


@dataclass(frozen=True)
class Route:
    """One `[[triage]]` table: a channel and the tickets it receives.

    Args:
        departments: department ids or names; names are matched to ids in WHMCS when polled.
        statuses: only tickets with one of these statuses; empty means any active status.
        mention: a user group (S...) or user (U...) pinged when a High priority ticket arrives.
        backfill: hours of past tickets the first poll of a new channel posts (0: none).
    """

    channel: str
    departments: tuple[int | str, ...]
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    exclude_statuses: tuple[str, ...] = ()
    exclude_subject_contains: tuple[str, ...] = ()
    mention: str | None = None
    backfill: float = 0.0

    def fingerprint(self) -> str:
        """Return what decides which tickets the route takes, as text; a change makes it new.

        A new or changed route starts like a new channel: what it already matches is not
        posted (beyond `backfill`), so editing a route never floods its channel.
        """
        parts = {
            "channel": self.channel,
            "departments": sorted(str(d) for d in self.departments),
            "statuses": sorted(_fold(s) for s in self.statuses),
            "priorities": sorted(_fold(p) for p in self.priorities),
            "exclude_statuses": sorted(_fold(s) for s in self.exclude_statuses),
            "exclude_subject_contains": sorted(_words(s) for s in self.exclude_subject_contains),
        }
        return json.dumps(parts, sort_keys=True, ensure_ascii=False)

    def mention_text(self) -> str | None:
        """Return the mrkdwn that pings the route's user group or user, if it has one."""
        if self.mention is None:
            return None
        if USER_GROUP_ID.fullmatch(self.mention):
            return f"<!subteam^{self.mention}>"
        return f"<@{self.mention}>"

    def pings(self, ticket: Ticket) -> bool:
        """Say whether a ticket reaching this route pings its mention (High priority)."""
        return self.mention is not None and _fold(ticket.priority) == PING_PRIORITY

    def admits(self, ticket: Ticket, department_ids: frozenset[int]) -> bool:
        """Say whether the route receives a ticket, given the ids its departments stand for."""
        if ticket.deptid not in department_ids:
            return False
        status, priority = _fold(ticket.status), _fold(ticket.priority)
        if self.statuses and status not in {_fold(s) for s in self.statuses}:
            return False
        if self.priorities and priority not in {_fold(p) for p in self.priorities}:
            return False
        if status in {_fold(s) for s in self.exclude_statuses}:
            return False
        subject = _words(ticket.subject)
        return not any(_words(part) in subject for part in self.exclude_subject_contains)


def _words(text: str) -> str:
    """Return text as a subject is searched: case and runs of spaces ignored."""
    return " ".join(text.split()).casefold()


def department_ids(
    departments: Iterable[int | str], known: Callable[[], list[Department]]
) -> tuple[frozenset[int], tuple[str, ...]]:
    """Return the ids that department ids and names stand for, and the names WHMCS lacks.

    Args:
        known: reads WHMCS's departments; called only when a name needs matching.
    """
    ids = {d for d in departments if isinstance(d, int)}
    names = {_fold(d): d for d in departments if isinstance(d, str)}
    if not names:
        return frozenset(ids), ()
    by_name = {_fold(d.name): d.id for d in known()}
    ids |= {by_name[name] for name in names if name in by_name}
    missing = tuple(sorted(original for name, original in names.items() if name not in by_name))
    return frozenset(ids), missing


def _texts(table: dict[str, Any], key: str, number: int, example: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RouteError(f"triage route {number}: {key} must be a list of texts, like {example}")
    return tuple(v.strip() for v in value)


def _departments(table: dict[str, Any], number: int) -> tuple[int | str, ...]:
    value = table.get("departments")
    if (
        not isinstance(value, list)
        or not value
        or not all(
            (isinstance(d, int) and not isinstance(d, bool) and d > 0)
            or (isinstance(d, str) and d.strip())
            for d in value
        )
    ):
        raise RouteError(f"triage route {number}: departments must list department ids or names")
    return tuple(d.strip() if isinstance(d, str) else d for d in value)


def _mention(table: dict[str, Any], number: int) -> str | None:
    value = table.get("mention")
    if value is None:
        return None
    if not isinstance(value, str) or not (
        USER_GROUP_ID.fullmatch(value) or USER_ID.fullmatch(value)
    ):
        raise RouteError(
            f"triage route {number}: mention must be a user group id like S0123ABCD "
            "or a user id like U0123ABCD"
        )
    return value


def _backfill(table: dict[str, Any], number: int) -> float:
    value = table.get("backfill", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        value = -1
    if not 0 <= value <= MAX_BACKFILL_HOURS:
        raise RouteError(
            f"triage route {number}: backfill must be a number of hours from 0 to "
            f"{MAX_BACKFILL_HOURS}"
        )
    return float(value)


def parse_route(table: Any, number: int) -> Route:
    """Check one `[[triage]]` table and build its route; `number` counts from 1."""
    if not isinstance(table, dict):
        raise RouteError(f"triage route {number} must be a table: [[triage]] then channel = ...")
    unknown = sorted(set(table) - set(ROUTE_KEYS))
    if unknown:
        raise RouteError(
            f"triage route {number} has an unknown key {unknown[0]!r}; "
            f"a route has {', '.join(ROUTE_KEYS)}"
        )
    channel = table.get("channel")
    if not isinstance(channel, str) or not CHANNEL_ID.fullmatch(channel):
        raise RouteError(f"triage route {number}: channel must be a channel id like C0123ABCD")
    return Route(
        channel=channel,
        departments=_departments(table, number),
        statuses=_texts(table, "statuses", number, '["Open", "Customer-Reply"]'),
        priorities=_texts(table, "priorities", number, '["High"]'),
        exclude_statuses=_texts(table, "exclude_statuses", number, '["On Hold"]'),
        exclude_subject_contains=_texts(table, "exclude_subject_contains", number, '["[SPAM]"]'),
        mention=_mention(table, number),
        backfill=_backfill(table, number),
    )


def parse_routes(raw: Any) -> tuple[Route, ...]:
    """Check the `[[triage]]` tables and build their routes."""
    if not isinstance(raw, list):
        raise RouteError("triage must be [[triage]] tables with channel and departments")
    return tuple(parse_route(table, number) for number, table in enumerate(raw, 1))

"""What checking an update produces, and what the checks need to know."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets.catalog import Catalog
from bot.tickets.result import FieldResult, Problem
from bot.whmcs import Admin


@dataclass
class Plan:
    """The UpdateTicket parameters to send, each field's before and after, or the problems."""

    params: dict[str, str] = field(default_factory=dict)
    fields: list[FieldResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    customfields: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What the checks need besides the ticket: catalogs, the actor, the clock and config."""

    catalog: Catalog
    actor: Admin
    timezone: ZoneInfo
    admin_for_slack_user: Callable[[str], int | None]
    client_exists: Callable[[int], bool]
    customfield_labels: Mapping[int, str] | None = None
    now: Callable[[ZoneInfo], datetime] = datetime.now

"""The one permission check every write and view passes, for commands, forms and buttons."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping

from bot.access import Identity, Policy
from bot.tickets.catalog import Catalog
from bot.tickets.result import Problem, ProblemKind
from bot.tickets.service import Gate
from bot.triage.routes import department_ids
from bot.whmcs import Ticket, WhmcsError

log = logging.getLogger(__name__)


def make_gate(policy: Policy, identity: Identity, channel: str | None) -> Gate:
    """Return the check for one person in one channel: a denial as a problem, or None."""

    def gate(ticket: Ticket, actions: frozenset[str]) -> Problem | None:
        decision = policy.decide(identity, actions, ticket.deptid, ticket.deptname, channel)
        if decision.allowed:
            return None
        return Problem(decision.message, decision.hint, ProblemKind.PERMISSION)

    return gate


class ChannelDepartments(Mapping[str, Collection[int]]):
    """Triage channels and the department ids their routes cover, names looked up in WHMCS.

    Routes may name departments; the names are matched to ids when first needed, since
    WHMCS may be unreachable when the bot starts.
    """

    def __init__(self, routes: Mapping[str, tuple[int | str, ...]], catalog: Catalog) -> None:
        self._routes = routes
        self._catalog = catalog

    def _resolve(self, departments: tuple[int | str, ...]) -> frozenset[int]:
        try:
            ids, missing = department_ids(departments, self._catalog.departments.get)
        except WhmcsError:
            log.warning("could not read departments to match triage routes' names")
            return frozenset(d for d in departments if isinstance(d, int))
        for name in missing:
            log.warning("a [[triage]] route names department %r, which WHMCS does not have", name)
        return ids

    def __getitem__(self, channel: str) -> Collection[int]:
        return self._resolve(self._routes[channel])

    def __iter__(self) -> Iterator[str]:
        return iter(self._routes)

    def __len__(self) -> int:
        return len(self._routes)

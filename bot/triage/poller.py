"""Poll WHMCS for the tickets triage routes receive, and keep their cards current.

Each poll reads WHMCS's active tickets a page at a time (GetTickets with the filter "All
Active Tickets" and ignore_dept_assignments=1, so the API admin's own departments do not hide
any), compares each with what was seen last time, posts a card where a ticket newly reaches a
route, and updates every card of a ticket that changed. A ticket that dropped out of the active
list (closed, or set to an inactive status) is read once with GetTicket to learn where it went.
WHMCS calls grow with the number of active tickets, not with all tickets ever opened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.tickets.catalog import Catalog
from bot.triage.news import News
from bot.triage.poll_pass import PollPass
from bot.triage.routes import Route, department_ids
from bot.triage.state import Card, Polled, TriageState
from bot.whmcs import Ticket, WhmcsClient

log = logging.getLogger(__name__)

ACTIVE_FILTER = "All Active Tickets"
PAGE_SIZE = 100
# A runaway answer (a total that never ends) stops here: 1,000 pages of 100 tickets.
MAX_PAGES = 1000
_WHMCS_DATE = "%Y-%m-%d %H:%M:%S"


class CardSink(Protocol):
    """Where triage's cards go: Slack, in the running bot."""

    def post(self, route: Route, ticket: Ticket) -> str | None:
        """Post a ticket's card in a route's channel; return its ts, or None when not posted."""

    def deleted(self, card: Card) -> None:
        """Say on a card that its ticket was deleted in WHMCS."""

    def find(self, channel: str, ticket_id: int, since: float) -> str | None:
        """Return the ts of a ticket's card posted in a channel since a moment, if there is one."""

    def update(self, card: Card, ticket: Ticket, news: News, left: Route | None) -> bool:
        """Show a ticket's new state on one of its cards; False when the card is gone.

        Args:
            news: what changed, for the lines threaded under the card.
            left: the route the card was posted for, when the ticket no longer reaches it.
        """


@dataclass
class PollReport:
    """What one poll did: WHMCS pages read, tickets compared, cards posted and updated."""

    pages: int = 0
    tickets: int = 0
    read_back: int = 0
    posted: int = 0
    updated: int = 0
    changed: int = 0
    seconds: float = 0.0
    missing_departments: tuple[str, ...] = field(default=())


class Poller:
    """Compare WHMCS's active tickets with what triage saw last, and tell the card sink."""

    def __init__(
        self,
        client: WhmcsClient,
        catalog: Catalog,
        state: TriageState,
        routes: tuple[Route, ...],
        sink: CardSink,
        timezone: ZoneInfo,
        clock: Callable[[], float] = time.time,
        page_size: int = PAGE_SIZE,
        serialised: Callable[[int], AbstractContextManager[None]] | None = None,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.state = state
        self.routes = routes
        self.sink = sink
        self.timezone = timezone
        self.clock = clock
        self.page_size = page_size
        # The lock each change from Slack holds while it writes and notes a ticket.
        self.serialised = serialised or (lambda ticket_id: nullcontext())
        self._reported_missing: set[str] = set()

    def poll(self) -> PollReport:
        """Run one poll; WhmcsError when WHMCS could not be read (nothing is changed then)."""
        report = PollReport()
        started = self.clock()
        # Changes from Slack noted before now are in what this poll reads from WHMCS.
        self.state.changes.forget(started)
        adopted = self._settle_pending()
        resolved = self._resolve_routes(report)
        active = self._active_tickets(report)
        cards = self.state.card_keys()
        seen = self.state.seen()
        new_routes = {
            r.fingerprint() for r in self.routes if not self.state.started(r.fingerprint())
        }
        statuses = frozenset(ticket.status for ticket in active.values())
        poll = PollPass(self, resolved, new_routes, started, report, statuses, adopted, cards)

        for ticket in active.values():
            poll.follow(ticket, seen.get(ticket.id), active=True)
        for ticket_id, old in seen.items():
            if old.active and ticket_id not in active:
                poll.follow_gone(old)
        poll.save()
        self.state.start(new_routes)

        report.seconds = self.clock() - started
        return report

    def _settle_pending(self) -> dict[int, frozenset[str]]:
        """Record cards posted just before the bot stopped, so none is posted twice.

        Returns the channels where such a card was found for a ticket triage had not yet
        remembered; this poll counts the ticket as shown there.
        """
        adopted: dict[int, frozenset[str]] = {}
        for channel, ticket_id, since in self.state.pending():
            ts = self.sink.find(channel, ticket_id, since)
            if ts is None:
                self.state.end_card(channel, ticket_id)
                continue
            log.info("ticket=%s card found in channel=%s after a restart", ticket_id, channel)
            seen = self.state.seen_one(ticket_id)
            shown = replace(seen, channels=seen.channels | {channel}) if seen else None
            # Polled: a change noted from Slack since the row was read is kept.
            polled = Polled(seen, seen.noted_at) if seen else None
            self.state.add_card(Card(channel, ts, ticket_id, routed=True), shown, polled)
            if seen is None:
                adopted[ticket_id] = adopted.get(ticket_id, frozenset()) | {channel}
        return adopted

    def _resolve_routes(self, report: PollReport) -> list[tuple[Route, frozenset[int]]]:
        """Match each route's department names to ids; a name WHMCS lacks is reported once."""
        resolved = []
        missing: set[str] = set()
        for route in self.routes:
            ids, lacking = department_ids(route.departments, self.catalog.departments.get)
            missing.update(lacking)
            resolved.append((route, ids))
        for name in sorted(missing - self._reported_missing):
            log.error(
                "a [[triage]] route names department %r, which WHMCS does not have: "
                "check the name in WHMCS > Configuration > Support Departments",
                name,
            )
        self._reported_missing |= missing
        report.missing_departments = tuple(sorted(missing))
        return resolved

    def _active_tickets(self, report: PollReport) -> dict[int, Ticket]:
        """Read every active ticket, a page at a time, newest last reply first."""
        tickets: dict[int, Ticket] = {}
        start = 0
        while report.pages < MAX_PAGES:
            page = self.client.get_tickets(start=start, limit=self.page_size, status=ACTIVE_FILTER)
            report.pages += 1
            for ticket in page.tickets:
                # A ticket replied to while paging moves up and may be seen twice.
                tickets.setdefault(ticket.id, ticket)
            start += len(page.tickets)
            if not page.tickets or start >= page.total:
                break
        else:
            log.warning("triage read %d pages of active tickets and stopped", MAX_PAGES)
        report.tickets = len(tickets)
        return tickets

    def is_recent(self, ticket: Ticket, hours: float) -> bool:
        """Say whether a ticket's last reply is within `hours` of now (WHMCS's local time)."""
        if hours <= 0:
            return False
        try:
            moment = datetime.strptime(ticket.lastreply or ticket.date, _WHMCS_DATE)
        except ValueError:
            return False
        now = datetime.fromtimestamp(self.clock(), self.timezone).replace(tzinfo=None)
        return now - moment <= timedelta(hours=hours)

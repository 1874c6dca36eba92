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
from functools import cached_property
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.tickets.catalog import Catalog
from bot.triage.news import News, changes_since, last_reply, replied_since
from bot.triage.routes import Route, department_ids
from bot.triage.state import Card, Polled, Seen, TriageState
from bot.whmcs import Ticket, WhmcsApiError, WhmcsClient, WhmcsError

log = logging.getLogger(__name__)

ACTIVE_FILTER = "All Active Tickets"
PAGE_SIZE = 100
# A runaway answer (a total that never ends) stops here: 1,000 pages of 100 tickets.
MAX_PAGES = 1000
NOT_FOUND = "Ticket ID Not Found"
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
        adopted = self._settle_pending()
        resolved = self._resolve_routes(report)
        active = self._active_tickets(report)
        seen = self.state.seen()
        new_routes = {
            r.fingerprint() for r in self.routes if not self.state.started(r.fingerprint())
        }
        statuses = frozenset(ticket.status for ticket in active.values())
        poll = _Poll(self, resolved, new_routes, started, report, statuses, adopted)

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
            self.state.add_card(Card(channel, ts, ticket_id, routed=True), shown)
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


@dataclass
class _Poll:
    """One poll's work on each ticket."""

    poller: Poller
    resolved: list[tuple[Route, frozenset[int]]]
    new_routes: set[str]
    started: float
    report: PollReport
    active_statuses: frozenset[str]
    adopted: dict[int, frozenset[str]] = field(default_factory=dict)
    unsaved: list[tuple[Seen, Polled]] = field(default_factory=list)

    @cached_property
    def uncertain(self) -> set[str]:
        """Return the channels of routes naming a department WHMCS lacks (renamed, perhaps).

        Their tickets are not taken to have left them, so that renaming a department in WHMCS
        does not turn every card of the route into "no longer in this channel's triage".
        """
        missing = set(self.report.missing_departments)
        return {
            route.channel
            for route, _ in self.resolved
            if any(isinstance(d, str) and d in missing for d in route.departments)
        }

    def follow(self, ticket: Ticket, old: Seen | None, active: bool) -> None:
        """Post, update and remember what one ticket needs."""
        poller = self.poller
        if old is not None and _moved(old, ticket):
            # Read what is remembered anew, after any change from Slack in flight has been
            # noted: the news may be the bot's own change, which is not told twice.
            with poller.serialised(ticket.id):
                old = poller.state.seen_one(ticket.id) or old
        if old is not None and old.noted_at > self.started:
            return  # changed from Slack after this poll read WHMCS: its news is newer
        admitted = {
            route.channel: route
            for route, ids in reversed(self.resolved)
            if active and route.admits(ticket, ids)
        }
        before = (old.channels if old else frozenset()) | self.adopted.get(ticket.id, frozenset())
        news = News()
        if old is not None:
            changes = changes_since(old, ticket, poller.catalog)
            if replied_since(old, ticket):
                ticket = self._detailed(ticket)
                news = News(changes, last_reply(ticket))
            else:
                news = News(changes)

        shown = self._post(ticket, admitted, before, old, active)
        kept = before & self.uncertain
        shown |= kept
        routes = {route.channel: route for route, _ in self.resolved}
        left = {c: routes[c] for c in before - kept if c in routes and c not in admitted}
        if news or left:
            self._update_cards(ticket, news, left)
            self.report.changed += 1
        now = self._seen(ticket, active, shown)
        if old is not None and not _differs(old, now):
            return
        if news or left or not active:
            self._write(now, old)  # at once: a restart must not thread the same news twice
        else:
            self.unsaved.append((now, Polled(old, self.started)))

    def _post(
        self,
        ticket: Ticket,
        admitted: dict[str, Route],
        before: frozenset[str],
        old: Seen | None,
        active: bool,
    ) -> set[str]:
        """Post a card in each channel the ticket newly reaches; return where it is shown."""
        poller = self.poller
        shown = set(before & admitted.keys())
        for channel, route in admitted.items():
            if channel in before:
                continue
            new_route = route.fingerprint() in self.new_routes
            if new_route and not poller.is_recent(ticket, route.backfill):
                shown.add(channel)  # there before the route's first poll: not posted
                continue
            poller.state.begin_card(channel, ticket.id, poller.clock())
            ts = poller.sink.post(route, ticket)
            if ts is None:
                poller.state.end_card(channel, ticket.id)
                continue  # tried again on the next poll
            shown.add(channel)
            for earlier in poller.state.cards(ticket.id):
                if earlier.channel == channel and earlier.routed:
                    # Back in the channel: the new card is the one kept current.
                    poller.state.drop_card(earlier)
            card = Card(channel, ts, ticket.id, routed=True)
            seen = self._seen(ticket, active, shown)
            poller.state.add_card(card, seen, Polled(old, self.started))
            self.report.posted += 1
            log.info("ticket=%s card posted in channel=%s", ticket.id, channel)
        return shown

    def _write(self, seen: Seen, old: Seen | None) -> None:
        """Remember a ticket (keeping changes from Slack meanwhile); forget one needing no care."""
        state = self.poller.state
        if not seen.active and not state.cards(seen.ticket_id):
            state.forget(seen.ticket_id)
        else:
            state.remember(seen, Polled(old, self.started))

    def save(self) -> None:
        """Remember the tickets that needed no Slack call, in one write."""
        self.poller.state.remember_many(self.unsaved)
        self.unsaved.clear()

    def follow_gone(self, old: Seen) -> None:
        """Learn where a ticket that left the active list went, with one GetTicket."""
        poller = self.poller
        self.report.read_back += 1
        try:
            ticket = poller.client.get_ticket(ticket_id=old.ticket_id)
        except WhmcsApiError as error:
            if error.message == NOT_FOUND:
                log.info(
                    "ticket=%s no longer exists in WHMCS: triage stops following it", old.ticket_id
                )
                for card in poller.state.cards(old.ticket_id):
                    poller.sink.deleted(card)
                    poller.state.drop_card(card)
                poller.state.forget(old.ticket_id)
            else:
                log.warning("ticket=%s could not be read: %s", old.ticket_id, error.message)
            return
        except WhmcsError as error:
            log.warning("ticket=%s could not be read: %s", old.ticket_id, type(error).__name__)
            return
        # NOTE: a ticket can also be missed by one poll's pages because another ticket was
        # replied to or closed meanwhile, which shifts the pages. A status that tickets in this
        # poll's active list have is an active status, so such a ticket is still active. One
        # whose status no other active ticket has is taken as inactive until the next poll.
        self.follow(ticket, old, active=ticket.status in self.active_statuses)

    def _detailed(self, ticket: Ticket) -> Ticket:
        """Return the ticket as GetTicket has it (department name, replies), if it can be read."""
        if ticket.replies:
            return ticket
        try:
            return self.poller.client.get_ticket(ticket_id=ticket.id)
        except WhmcsError as error:
            log.warning("ticket=%s not read in full: %s", ticket.id, type(error).__name__)
            return ticket

    def _update_cards(self, ticket: Ticket, news: News, left: dict[str, Route]) -> None:
        poller = self.poller
        for card in poller.state.cards(ticket.id):
            route = left.get(card.channel) if card.routed else None
            if not news and route is None:
                continue
            if poller.sink.update(card, ticket, news, route):
                self.report.updated += 1
            else:
                poller.state.drop_card(card)

    def _seen(self, ticket: Ticket, active: bool, channels: set[str]) -> Seen:
        return Seen.of(ticket, active, channels, noted_at=self.started)


def _moved(old: Seen, ticket: Ticket) -> bool:
    """Say whether a ticket's triage values differ from those remembered."""
    return (
        old.status != ticket.status
        or old.priority != ticket.priority
        or old.deptid != ticket.deptid
        or old.flag != ticket.flag
        or old.subject != ticket.subject
        or old.lastreply != ticket.lastreply
    )


def _differs(old: Seen, new: Seen) -> bool:
    """Say whether anything triage remembers changed (not counting when it was noted)."""
    return replace(old, noted_at=0.0) != replace(new, noted_at=0.0)

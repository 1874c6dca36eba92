"""One poll's work on each ticket: post where it arrives, update its cards, remember it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

from bot.store import Change
from bot.triage.news import SEEN_NAMES, News, changes_since, last_reply, replied_since
from bot.triage.routes import Route
from bot.triage.state import Card, Polled, Seen
from bot.whmcs import Ticket, WhmcsApiError, WhmcsError

if TYPE_CHECKING:
    from bot.triage.poller import Poller, PollReport

log = logging.getLogger(__name__)

NOT_FOUND = "Ticket ID Not Found"


@dataclass
class PollPass:
    """One poll's work on each ticket."""

    poller: Poller
    resolved: list[tuple[Route, frozenset[int]]]
    new_routes: set[str]
    started: float
    report: PollReport
    active_statuses: frozenset[str]
    adopted: dict[int, frozenset[str]] = field(default_factory=dict)
    # The cards there when this poll had read WHMCS, and those it posts: a card posted since
    # shows the ticket as it was later than this poll's news, and is left to the next poll.
    cards: set[tuple[str, str]] = field(default_factory=set)
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
        if old is None or _moved(old, ticket):
            # Read what is remembered anew, after any change from Slack in flight has been
            # noted: the news may be the bot's own change, which is not told twice.
            with poller.serialised(ticket.id):
                if old is not None:
                    old = poller.state.seen_one(ticket.id) or old
        noted = old is not None and old.noted_at > self.started
        if noted or poller.state.changes.since(ticket.id, self.started):
            return  # changed from Slack since this poll read WHMCS: the next poll compares it
        admitted = {
            route.channel: route
            for route, ids in reversed(self.resolved)
            if active and route.admits(ticket, ids)
        }
        before = (old.channels if old else frozenset()) | self.adopted.get(ticket.id, frozenset())
        listed, news, lastreply = ticket, News(), ticket.lastreply
        if old is not None:
            changes = changes_since(old, ticket, poller.catalog)
            by = self._explained(ticket, changes)
            news = News(changes, by=by)
            if replied_since(old, ticket):
                detailed = self._detailed(ticket)
                if detailed is None:
                    lastreply = old.lastreply  # the reply is told once a poll can read it
                else:
                    ticket, lastreply = detailed, detailed.lastreply
                    news = News(changes, last_reply(detailed), by)
        else:
            self._explained(ticket, ())
        # What is remembered is what the news was told from: a change made between the list
        # and the ticket's full read is told by the next poll, not lost.
        row = replace(listed, lastreply=lastreply)

        shown = self._post(ticket, row, admitted, before, old, active)
        kept = before & self.uncertain
        shown |= kept
        routes = {route.channel: route for route, _ in self.resolved}
        left = {c: routes[c] for c in before - kept if c in routes and c not in admitted}
        if news or left:
            self._update_cards(ticket, news, left)
            self.report.changed += 1
        now = self._seen(row, active, shown)
        if old is not None and not _differs(old, now):
            return
        if news or left or not active:
            self._write(now, old)  # at once: a restart must not thread the same news twice
        else:
            self.unsaved.append((now, Polled(old, self.started)))

    def _explained(self, ticket: Ticket, changes: tuple[Change, ...]) -> dict[str, str]:
        """Return who asked, from Slack, for each change a write of unknown outcome explains."""
        changed = {SEEN_NAMES[c.field]: getattr(ticket, SEEN_NAMES[c.field]) for c in changes}
        users = self.poller.state.changes.explained(ticket.id, changed, self.started)
        return {
            c.field: users[SEEN_NAMES[c.field]] for c in changes if SEEN_NAMES[c.field] in users
        }

    def _post(
        self,
        ticket: Ticket,
        row: Ticket,
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
            self.cards.add((channel, ts))
            seen = self._seen(row, active, shown)
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

    def _detailed(self, ticket: Ticket) -> Ticket | None:
        """Return the ticket as GetTicket has it (department name, replies); None if unread."""
        if ticket.replies:
            return ticket
        try:
            return self.poller.client.get_ticket(ticket_id=ticket.id)
        except WhmcsError as error:
            log.warning("ticket=%s not read in full: %s", ticket.id, type(error).__name__)
            return None

    def _update_cards(self, ticket: Ticket, news: News, left: dict[str, Route]) -> None:
        poller = self.poller
        for card in poller.state.cards(ticket.id):
            route = left.get(card.channel) if card.routed else None
            if (not news and route is None) or (card.channel, card.ts) not in self.cards:
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

"""Keep every card of a ticket current after a change made from Slack.

A change from a command, the form or one card's button is shown on the ticket's other cards
(triage cards and cards posted with `/ticket <ticket> card`) with a line in each thread, and
triage notes the ticket's new values so its next poll does not report the change again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from bot.slack import card_notes
from bot.slack.card_render import CardRenderer
from bot.slack.triage_cards import SlackCards
from bot.tickets.result import Outcome, UpdateResult
from bot.triage.state import Card, Seen, TriageState
from bot.whmcs import Ticket, WhmcsClient, WhmcsError

log = logging.getLogger(__name__)

CHANGED = (Outcome.DONE, Outcome.PARTIAL)


class CardKeeper:
    """Show changes made from Slack on every card of the ticket, and record new cards."""

    def __init__(
        self,
        state: TriageState,
        client: WhmcsClient,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.client = client
        self.clock = clock
        self.cards: SlackCards | None = None
        self.renderer: CardRenderer | None = None

    def attach(self, renderer: CardRenderer, cards: SlackCards) -> None:
        """Give the keeper what draws and posts cards, which is built after it."""
        self.renderer = renderer
        self.cards = cards

    def posted(self, channel: str, ts: str, ticket_id: int) -> None:
        """Record a card posted with `/ticket <ticket> card`, so it is kept current too."""
        try:
            self.state.add_card(Card(channel, ts, ticket_id, routed=False))
        except Exception:
            log.exception("card of ticket=%s not recorded: it will not be kept current", ticket_id)

    def changed(
        self, result: UpdateResult, slack_user: str, clicked: tuple[str, str] | None = None
    ) -> None:
        """Redraw the ticket's cards, except the one clicked, and thread what changed."""
        if result.outcome not in CHANGED or result.ticket is None:
            return
        ticket_id = result.ticket.id
        cards = [c for c in self.state.cards(ticket_id) if (c.channel, c.ts) != clicked]
        seen = self.state.seen_one(ticket_id)
        if not cards and seen is None:
            return
        try:
            ticket = self.client.get_ticket(ticket_id=ticket_id)
        except WhmcsError as error:
            log.warning("ticket=%s cards not updated: %s", ticket_id, type(error).__name__)
            return
        changes = card_notes.changes_of(result)
        if seen is not None:
            self.state.remember(self._noted(seen, ticket, {c.field for c in changes}))
        if self.renderer is None or self.cards is None:
            return

        note = card_notes.note(changes, slack_user)
        lines = [card_notes.thread_line(change, slack_user) for change in changes]
        for card in cards:
            if self.cards.redraw(card, self.renderer.card(ticket, note)):
                self.cards.thread(card, lines)
            else:
                self.state.drop_card(card)

    def _noted(self, seen: Seen, ticket: Ticket, labels: set[str]) -> Seen:
        """Return what triage saw, with the fields changed from Slack as they are now.

        Fields changed elsewhere meanwhile keep their old values, so the next poll still
        reports them.
        """
        return replace(
            seen,
            status=ticket.status if "Status" in labels else seen.status,
            priority=ticket.priority if "Priority" in labels else seen.priority,
            deptid=ticket.deptid if "Department" in labels else seen.deptid,
            flag=ticket.flag if "Flag" in labels else seen.flag,
            subject=ticket.subject if "Subject" in labels else seen.subject,
            noted_at=self.clock(),
        )

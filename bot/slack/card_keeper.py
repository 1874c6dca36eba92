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
from bot.slack.texts import UNFLAGGED
from bot.slack.triage_cards import SlackCards
from bot.tickets.catalog import Catalog
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
        catalog: Catalog,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.state = state
        self.client = client
        self.catalog = catalog
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

    def note(self, result: UpdateResult) -> None:
        """Tell triage of a change from Slack, while the ticket's lock is held.

        The new values come from the update's result, so no WHMCS read stands between the
        write and the note: a poll never takes the bot's own change for one made in WHMCS.
        """
        if result.outcome not in CHANGED or result.ticket is None:
            return
        seen = self.state.seen_one(result.ticket.id)
        if seen is None:
            return
        try:
            noted = self._noted(seen, result)
        except WhmcsError:
            noted = None
        if noted is None:
            try:
                ticket = self.client.get_ticket(ticket_id=result.ticket.id)
            except WhmcsError as error:
                # Without a note the next poll reports the change as made in WHMCS.
                log.warning("ticket=%s change not noted: %s", seen.ticket_id, type(error).__name__)
                return
            noted = self._read(seen, ticket, {c.field for c in card_notes.changes_of(result)})
        self.state.remember(noted)

    def changed(
        self, result: UpdateResult, slack_user: str, clicked: tuple[str, str] | None = None
    ) -> None:
        """Redraw the ticket's cards, except the one clicked, and thread what changed."""
        if result.outcome not in CHANGED or result.ticket is None:
            return
        ticket_id = result.ticket.id
        cards = [c for c in self.state.cards(ticket_id) if (c.channel, c.ts) != clicked]
        if not cards or self.renderer is None or self.cards is None:
            return
        try:
            ticket = self.client.get_ticket(ticket_id=ticket_id)
        except WhmcsError as error:
            log.warning("ticket=%s cards not updated: %s", ticket_id, type(error).__name__)
            return

        changes = card_notes.changes_of(result)
        note = card_notes.note(changes, slack_user)
        lines = [card_notes.thread_line(change, slack_user) for change in changes]
        for card in cards:
            if self.cards.redraw(card, self.renderer.card(ticket, note)):
                self.cards.thread(card, lines)
            else:
                self.state.drop_card(card)

    def _noted(self, seen: Seen, result: UpdateResult) -> Seen | None:
        """Return what triage saw with the update's new values; None when one cannot be named.

        Departments and flags are named in the result; the names are matched back to ids in
        the catalog the update was checked against.
        """
        values: dict[str, str | int] = {}
        catalog = self.catalog
        for change in card_notes.changes_of(result):
            if change.field in ("Status", "Priority", "Subject"):
                values[change.field.lower()] = change.after
            elif change.field == "Department":
                name = change.after
                found = next((d for d in catalog.departments.get() if d.name == name), None)
                if found is None:
                    return None
                values["deptid"] = found.id
            elif change.field == "Flag":
                admin_id = self._admin_id(change.after)
                if admin_id is None:
                    return None
                values["flag"] = admin_id
        return replace(
            seen,
            status=str(values.get("status", seen.status)),
            priority=str(values.get("priority", seen.priority)),
            deptid=int(values.get("deptid", seen.deptid)),
            flag=int(values.get("flag", seen.flag)),
            subject=str(values.get("subject", seen.subject)),
            noted_at=self.clock(),
        )

    def _admin_id(self, label: str) -> int | None:
        """Return the admin id a flag's label names ("unflagged" is 0)."""
        if label == UNFLAGGED:
            return 0
        if label.startswith("admin ") and label[6:].isdigit():
            return int(label[6:])
        found = self.catalog.admins.find(lambda admin: admin.full_name == label)
        return found.id if found else None

    def _read(self, seen: Seen, ticket: Ticket, labels: set[str]) -> Seen:
        """Return what triage saw, with the fields changed from Slack as WHMCS has them now.

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

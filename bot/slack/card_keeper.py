"""Keep every card of a ticket current after a change made from Slack.

A change from a command, the form or one card's button is shown on the ticket's other cards
(triage cards and cards posted with `/ticket <ticket> card`) with a line in each thread, and
triage notes the ticket's new values so its next poll does not report the change again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from bot.config import SLACK_USER_ID
from bot.slack import card_notes
from bot.slack.card_render import CardRenderer
from bot.slack.texts import UNFLAGGED
from bot.slack.triage_cards import SlackCards
from bot.store import Change
from bot.tickets.catalog import Catalog
from bot.tickets.result import Outcome, UpdateResult
from bot.triage.news import SEEN_NAMES
from bot.triage.slack_changes import Value
from bot.triage.state import Card, TriageState
from bot.whmcs import WhmcsClient, WhmcsError

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

    def note(self, result: UpdateResult, requester: str = "") -> None:
        """Tell triage what a change from Slack did or may have done, under the ticket's lock.

        The new values come from the update's result, so no WHMCS read stands between the
        write and the note: a poll never takes the bot's own change for one made in WHMCS. A
        write whose outcome is unknown is told to triage as expected, with who asked for it: the
        first poll that finds it done tells it as that person's change.

        Args:
            requester: the person as the staff-only note names them, "Name (U0123)".
        """
        if result.ticket is None or result.outcome not in (*CHANGED, Outcome.UNKNOWN):
            return
        ticket_id = result.ticket.id
        changes = card_notes.changes_of(result)
        values, unnamed = self._values(changes)
        if result.outcome is Outcome.UNKNOWN:
            self.state.expect(ticket_id, values, slack_user_of(requester), self.clock())
            return
        if unnamed:
            values.update(self._read(ticket_id, unnamed))
        self.state.note(ticket_id, values, self.clock())

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

    def _values(self, changes: Sequence[Change]) -> tuple[dict[str, Value], set[str]]:
        """Return the changed values as triage remembers them, and the fields not named.

        Departments and flags are named in the result; the names are matched back to ids in
        the catalog the update was checked against.
        """
        values: dict[str, Value] = {}
        unnamed: set[str] = set()
        for change in changes:
            name = SEEN_NAMES.get(change.field)
            if name is None:
                continue
            try:
                value = self._value(change.field, change.after)
            except WhmcsError:
                value = None
            if value is None:
                unnamed.add(name)
            else:
                values[name] = value
        return values, unnamed

    def _value(self, label: str, after: str) -> Value | None:
        """Return one field's new value as triage remembers it; None when it cannot be named."""
        if label == "Department":
            found = next((d for d in self.catalog.departments.get() if d.name == after), None)
            return None if found is None else found.id
        if label == "Flag":
            return self._admin_id(after)
        return after

    def _admin_id(self, label: str) -> int | None:
        """Return the admin id a flag's label names ("unflagged" is 0)."""
        if label == UNFLAGGED:
            return 0
        if label.startswith("admin ") and label[6:].isdigit():
            return int(label[6:])
        found = self.catalog.admins.find(lambda admin: admin.full_name == label)
        return found.id if found else None

    def _read(self, ticket_id: int, names: set[str]) -> dict[str, Value]:
        """Return fields whose new value could not be named, as WHMCS has them now."""
        try:
            ticket = self.client.get_ticket(ticket_id=ticket_id)
        except WhmcsError as error:
            # Without a note the next poll reports the change as made in WHMCS.
            log.warning("ticket=%s change not noted: %s", ticket_id, type(error).__name__)
            return {}
        values: dict[str, Value] = {name: getattr(ticket, name) for name in names}
        return values


def slack_user_of(requester: str) -> str:
    """Return the Slack user id a requester ends with, "Name (U0123)"; else the requester."""
    name, _, last = requester.rpartition(" (")
    user = last.removesuffix(")") if name and requester.endswith(")") else requester
    return user if SLACK_USER_ID.fullmatch(user) else requester

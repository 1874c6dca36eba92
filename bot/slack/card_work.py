"""Do what a click on a ticket card asks, after the ack: change the ticket, redraw the card.

A change goes the way a `/ticket` command goes: the person's WHMCS admin, the permission gate,
the ticket service (which reads the ticket again before it writes) and the audit record, with
the source "button". Clicks on one ticket are handled one at a time, so a double click, or two
people clicking at once, changes the ticket once; the later click finds it already so.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.access import Identity
from bot.slack import card_notes, trail
from bot.slack import card_values as cv
from bot.slack.blocks import problem_message, text_message, ticket_message
from bot.slack.card_deps import CardDeps
from bot.slack.card_payload import Click
from bot.slack.card_render import CardRenderer
from bot.slack.card_reply import (
    Private,
    already_message,
    result_message,
    take_over_message,
    taken_over_message,
)
from bot.slack.card_values import CardValue
from bot.slack.gate import make_gate
from bot.slack.texts import (
    CARD_FAILED,
    CARD_NOT_REDRAWN,
    CARD_REFRESH_FAILED,
    CARD_UNREADABLE,
    UNFLAGGED,
)
from bot.tickets.grammar import FieldChange, UpdateRequest
from bot.tickets.result import Outcome, ProblemKind, UpdateResult
from bot.tickets.service import Gate, RefusedError
from bot.whmcs import Ticket, WhmcsError

log = logging.getLogger(__name__)

SOURCE = "button"
CLOSED = "Closed"
REOPENED = "Open"
# Each click as the `/ticket` fields it sets, with the values the grammar would give them.
FIXED_CHANGES = {
    cv.FLAG_ME: FieldChange("flag", "me"),
    cv.TAKE_OVER: FieldChange("flag", "me"),
    cv.UNFLAG: FieldChange("unflag", ""),
    cv.CLOSE: FieldChange("status", CLOSED),
    cv.REOPEN: FieldChange("status", REOPENED),
}
MENU_FIELDS = {cv.STATUS: "status", cv.PRIORITY: "priority"}


def wanted(click: Click) -> tuple[FieldChange, ...]:
    """Return the change a click asks for; empty when a menu sent no choice."""
    fixed = FIXED_CHANGES.get(click.action_id)
    if fixed is not None:
        return (fixed,)
    field = MENU_FIELDS.get(click.action_id)
    choice = click.value.choice.strip()
    return (FieldChange(field, choice),) if field and choice else ()


class CardWork:
    """Change tickets from card clicks and keep each clicked card showing its ticket."""

    def __init__(self, deps: CardDeps) -> None:
        self.deps = deps
        self.renderer = CardRenderer(deps)

    def private(self, click: Click, client: WebClient) -> Private:
        """Return the way to answer the clicker only."""
        return Private(
            client,
            click.user,
            click.channel,
            click.response_url,
            self.deps.api_url,
            self.deps.pacer,
        )

    def change(self, click: Click, client: WebClient) -> None:
        """Apply the change a click asks for, then redraw the card and thread a line under it."""
        changes = wanted(click)
        if not changes:
            self.private(click, client).say(text_message(CARD_UNREADABLE, self.deps.footer))
            return
        with self.deps.serialised(click.ticket_id):
            identity = self._identify(click, client, record=True)
            if identity is None:
                return
            gate = make_gate(self.deps.answers.policy, identity, click.channel)
            flagging = click.action_id in (cv.FLAG_ME, cv.TAKE_OVER)
            if flagging and self._asked_to_take_over(click, client, identity, gate):
                return
            result = self._update(click, identity, UpdateRequest(click.ref, changes), gate)
            self._answer(click, client, result)

    def refresh(self, click: Click, client: WebClient) -> None:
        """Read the ticket again and redraw the card, if the person may view it."""
        with self.deps.serialised(click.ticket_id):
            identity = self._identify(click, client, record=False)
            if identity is None:
                return
            gate = make_gate(self.deps.answers.policy, identity, click.channel)
            shown = self.deps.answers.service.show(click.ref, gate)
            if shown.ticket is None:
                self.private(click, client).say(ticket_message(shown, self.deps.footer))
                return
            if not self.redraw(click, client, shown.ticket):
                self.private(click, client).say(text_message(CARD_REFRESH_FAILED, self.deps.footer))
                return
            log.info("card of ticket=%s refreshed by user=%s", click.ticket_id, click.user)

    def failed(self, click: Click, client: WebClient) -> None:
        """Tell the clicker that handling the click broke off."""
        self.private(click, client).say(text_message(CARD_FAILED, self.deps.footer))

    def redraw(
        self, click: Click, client: WebClient, ticket: Ticket, note: str | None = None
    ) -> bool:
        """Show the ticket on the clicked card (chat.update); False when that failed."""
        if not (click.channel and click.card_ts):
            return False
        card = self.renderer.card(ticket, note)
        try:
            self._call(client, "chat.update", click.channel, ts=click.card_ts, **card)
        except SlackApiError as error:
            log.warning("card of ticket=%s not redrawn: %s", ticket.id, error.response.get("error"))
            return False
        except OSError as error:
            log.warning("card of ticket=%s not redrawn: %s", ticket.id, type(error).__name__)
            return False
        return True

    def _identify(self, click: Click, client: WebClient, record: bool) -> Identity | None:
        """Find whom the clicker acts as; answer them privately and return None when that fails."""
        found = self.deps.identify(click.user)
        if isinstance(found, Identity):
            return found
        if record:
            outcome = "unlinked" if found.kind is ProblemKind.NOT_LINKED else "failed"
            trail.record_failure(
                self.deps.answers.store,
                click.user,
                None,
                str(click.ticket_id),
                outcome,
                found.message,
                SOURCE,
            )
        reply = problem_message(found, self.deps.footer, nothing_changed=record)
        self.private(click, client).say(reply, replace=click.on_question)
        return None

    def _asked_to_take_over(
        self, click: Click, client: WebClient, identity: Identity, gate: Gate
    ) -> bool:
        """Ask before flagging to oneself a ticket flagged to someone else; True when asked.

        "Take it over" goes ahead while the ticket is still flagged to the admin the question
        named; flagged to yet another admin meanwhile, it asks again.
        """
        service = self.deps.answers.service
        try:
            ticket, _ = service.resolve(click.ref)
        except (RefusedError, WhmcsError):
            return False  # the update says why, in the usual words
        confirmed = click.value.flagged if click.action_id == cv.TAKE_OVER else None
        if ticket.flag in (0, identity.admin.id, confirmed):
            return False
        if gate(ticket, frozenset({"view", "flag_self"})) is not None:
            return False  # the update is denied, and says why
        try:
            admin = service.catalog.admin(ticket.flag)
        except WhmcsError:
            admin = None
        name = admin.full_name if admin else f"admin {ticket.flag}"
        setter = card_notes.setter(self.deps.answers.store, ticket.id, "Flag", name)
        card = CardValue(
            ticket.id, flagged=ticket.flag, channel=click.channel, card_ts=click.card_ts
        )
        question = take_over_message(ticket, name, setter, card, self.deps.footer)
        self.private(click, client).say(question, replace=click.on_question)
        log.info(
            "ticket=%s user=%s asked before taking over from admin=%s",
            ticket.id,
            click.user,
            ticket.flag,
        )
        return True

    def _update(
        self, click: Click, identity: Identity, request: UpdateRequest, gate: Gate
    ) -> UpdateResult:
        """Change the ticket through the service, and record the attempt."""
        answers = self.deps.answers
        user, admin_id, ref = click.user, identity.admin.id, click.ref.label
        entry_id = trail.begin(answers.store, user, admin_id, ref, SOURCE)
        try:
            result = answers.service.update(request, identity.admin, click.requester, gate)
        except Exception:
            trail.record_failure(
                answers.store, user, admin_id, ref, "failed", "internal error", SOURCE, entry_id
            )
            raise
        trail.record_update(answers.store, user, admin_id, ref, result, SOURCE, entry_id)
        return result

    def _answer(self, click: Click, client: WebClient, result: UpdateResult) -> None:
        """Redraw the card and thread what changed; say the rest to the clicker only."""
        footer = self.deps.footer
        private = self.private(click, client)
        if result.outcome is Outcome.NO_CHANGE:
            assert result.ticket is not None
            asked = result.fields[0] if result.fields else None
            setter = None
            if asked is not None:
                store = self.deps.answers.store
                setter = card_notes.setter(store, result.ticket.id, asked.label, asked.after)
            private.say(already_message(result, setter, footer), replace=click.on_question)
            self.redraw(click, client, result.ticket)  # a card gone stale shows the ticket now
            return
        if result.outcome in (Outcome.REFUSED, Outcome.DENIED):
            private.say(result_message(result, click.user, footer), replace=click.on_question)
            return

        changes = card_notes.changes_of(result) if result.outcome is not Outcome.UNKNOWN else ()
        drawn = self._redraw_fresh(click, client, card_notes.note(changes, click.user))
        for change in changes:
            self._thread(click, client, card_notes.thread_line(change, click.user))
        if result.outcome is not Outcome.DONE:
            private.say(result_message(result, click.user, footer), replace=click.on_question)
        elif click.on_question and result.ticket is not None:
            before = next((c.before for c in changes if c.field == "Flag"), None) or UNFLAGGED
            private.say(taken_over_message(result.ticket, before, footer), replace=True)
        if not drawn:
            private.say(text_message(CARD_NOT_REDRAWN, footer))
        clicked = (click.channel, click.card_ts) if click.channel and click.card_ts else None
        self.deps.answers.keep_cards(result, click.user, clicked)
        log.info(
            "card click %s on ticket=%s by user=%s: %s",
            click.action_id,
            click.ticket_id,
            click.user,
            result.outcome.value,
        )

    def _redraw_fresh(self, click: Click, client: WebClient, note: str | None) -> bool:
        """Read the ticket as it is after the change, and redraw the card with it."""
        try:
            ticket = self.deps.answers.service.client.get_ticket(ticket_id=click.ticket_id)
        except WhmcsError as error:
            name = type(error).__name__
            log.warning("ticket=%s not read after a card click: %s", click.ticket_id, name)
            return False
        return self.redraw(click, client, ticket, note)

    def _thread(self, click: Click, client: WebClient, line: str) -> None:
        """Post one line in the card's thread, so the channel keeps a history of changes."""
        if not (click.channel and click.card_ts):
            return
        try:
            self._call(
                client, "chat.postMessage", click.channel, thread_ts=click.card_ts, text=line
            )
        except SlackApiError as error:
            log.warning("thread line not posted: %s", error.response.get("error"))
        except OSError as error:
            log.warning("thread line not posted: %s", type(error).__name__)

    def _call(self, client: WebClient, method: str, channel: str, **arguments: Any) -> None:
        """Make a Web API call on the card's channel, through the pacer when there is one.

        The pacer keeps the channel's calls in order and waits out a rate limit (HTTP 429
        with Retry-After), so a click's redraw is not lost to a burst of triage posts.
        """
        if self.deps.pacer is not None:
            self.deps.pacer.call(method, channel, **arguments)
        else:
            client.api_call(method, json={"channel": channel, **arguments})

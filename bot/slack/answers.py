"""Do what a `/ticket` command asks, after the ack, and answer through its response_url."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt import Respond

from bot.access import Directory, Identity, Policy, Unlinked
from bot.slack import access_blocks, blocks, trail
from bot.slack.gate import make_gate
from bot.store import Store
from bot.tickets.grammar import HistoryRequest, ShowRequest, UpdateRequest
from bot.tickets.problems import problem_from_error
from bot.tickets.result import Outcome, UpdateResult
from bot.tickets.service import RefusedError, TicketService, ticket_label
from bot.whmcs import WhmcsError

if TYPE_CHECKING:
    from bot.slack.card_keeper import CardKeeper

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asker:
    """Who typed the command, and where."""

    slack_user: str
    user_name: str
    channel: str | None

    @property
    def requester(self) -> str:
        """Name the person for the staff-only note: Slack name and id."""
        return f"{self.user_name} ({self.slack_user})" if self.user_name else self.slack_user


@dataclass
class Answers:
    """The work behind each kind of `/ticket` command.

    Args:
        cards: keeps every card of a ticket current after a change; set once cards exist.
    """

    service: TicketService
    directory: Directory
    policy: Policy
    store: Store
    confirmations: str = "channel"
    department_scope: bool = True
    footer: str | None = None
    cards: CardKeeper | None = None

    def keep_cards(
        self, result: UpdateResult, slack_user: str, clicked: tuple[str, str] | None = None
    ) -> None:
        """Show a change on the ticket's cards (but the one clicked), after the person's answer."""
        if self.cards is None:
            return
        try:
            self.cards.changed(result, slack_user, clicked)
        except Exception:
            log.exception("cards of a changed ticket not kept current")

    def _identify(self, asker: Asker, respond: Respond, ref: str | None = None) -> Identity | None:
        """Find whom the person acts as; answer them and return None when that fails."""
        try:
            found = self.directory.identify(asker.slack_user)
        except WhmcsError as error:
            # The admins list could not be read: a WHMCS or setup problem, not "unlinked".
            problem = problem_from_error(error)
            if ref is not None:
                trail.record_failure(
                    self.store, asker.slack_user, None, ref, "failed", problem.message, "command"
                )
            message = blocks.problem_message(problem, self.footer, nothing_changed=ref is not None)
            respond(replace_original=True, **message)
            return None
        if isinstance(found, Unlinked):
            if ref is not None:
                trail.record_failure(
                    self.store, asker.slack_user, None, ref, "unlinked", found.reason, "command"
                )
            respond(replace_original=True, **access_blocks.unlinked_message(found, self.footer))
            return None
        return found

    def help(self, asker: Asker, respond: Respond) -> None:
        """List the fields the person may change; everything, when who they are is unknown."""
        try:
            found = self.directory.identify(asker.slack_user)
        except WhmcsError:
            found = None
        allowed = self.policy.allowed(found) if isinstance(found, Identity) else None
        respond(replace_original=True, **access_blocks.help_message(allowed, self.footer))

    def whoami(self, asker: Asker, respond: Respond) -> None:
        """Say which admin the person acts as, how, and what they may change."""
        identity = self._identify(asker, respond)
        if identity is None:
            return
        names = {d.id: d.name for d in self.service.catalog.departments.get()}
        departments = [names.get(i, f"department {i}") for i in identity.admin.department_ids]
        message = access_blocks.whoami_message(
            identity, self.policy.allowed(identity), departments, self.department_scope, self.footer
        )
        respond(replace_original=True, **message)

    def show(self, request: ShowRequest, asker: Asker, respond: Respond) -> None:
        """Show a ticket to the person, if they may view it."""
        identity = self._identify(asker, respond)
        if identity is None:
            return
        result = self.service.show(request.ref, make_gate(self.policy, identity, asker.channel))
        respond(replace_original=True, **blocks.ticket_message(result, self.footer))

    def history(self, request: HistoryRequest, asker: Asker, respond: Respond) -> None:
        """Show the ticket's recent changes from Slack, if the person may view it."""
        identity = self._identify(asker, respond)
        if identity is None:
            return
        try:
            ticket, _ = self.service.resolve(request.ref)
        except (RefusedError, WhmcsError) as error:
            result = self.service.show(request.ref)  # says why, in the usual words
            log.info("history for %s not shown: %s", request.ref.label, type(error).__name__)
            respond(replace_original=True, **blocks.ticket_message(result, self.footer))
            return
        gate = make_gate(self.policy, identity, asker.channel)
        denial = gate(ticket, frozenset({"view"}))
        if denial is not None:
            result = self.service.show(request.ref, gate)
            respond(replace_original=True, **blocks.ticket_message(result, self.footer))
            return
        entries = self.store.entries(ticket_id=ticket.id, limit=access_blocks.HISTORY_LIMIT)
        message = access_blocks.history_message(ticket_label(ticket), entries, self.footer)
        respond(replace_original=True, **message)

    def update(self, request: UpdateRequest, asker: Asker, respond: Respond) -> None:
        """Change the ticket if the person may, record the attempt, and answer."""
        found = self._identify(asker, respond, request.ref.label)
        if found is None:
            return
        gate = make_gate(self.policy, found, asker.channel)
        user, admin_id, ref = asker.slack_user, found.admin.id, request.ref.label
        entry_id = trail.begin(self.store, user, admin_id, ref, "command")
        try:
            result = self.service.update(request, found.admin, asker.requester, gate)
        except Exception:
            trail.record_failure(
                self.store, user, admin_id, ref, "failed", "internal error", "command", entry_id
            )
            raise
        trail.record_update(self.store, user, admin_id, ref, result, "command", entry_id)
        self._answer(result, asker.slack_user, respond)
        self.keep_cards(result, asker.slack_user)

    def _answer(self, result: UpdateResult, user: str, respond: Respond) -> None:
        """Post a change to the channel (values of private fields hidden); the rest privately."""
        footer = self.footer
        # NOTE: the "Working on ticket" ack is an ephemeral message; Slack may post a reply with
        # replace_original as a new message instead of replacing it, and a slash command's
        # response_url cannot delete it, so it is never asked to.
        if result.outcome is Outcome.NO_CHANGE:
            respond(replace_original=True, **blocks.no_change_message(result, footer))
            return
        private = blocks.update_message(result, user, result.actor, False, footer)
        went_through = result.outcome in (Outcome.DONE, Outcome.PARTIAL)
        if not went_through or self.confirmations == "private":
            respond(replace_original=True, **private)
            return
        public = blocks.update_message(result, user, result.actor, True, footer)
        if public != private:
            # The private copy goes first, in place of the "Working on ticket" note: should
            # Slack apply replace_original to the newest message from this response_url, it
            # must never be the channel's copy, which would then show the hidden values.
            respond(replace_original=True, response_type="ephemeral", **private)
        respond(response_type="in_channel", replace_original=False, **public)

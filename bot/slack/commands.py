"""The `/ticket` slash command."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.config import Config
from bot.slack import blocks, texts
from bot.slack.followup import Followups
from bot.tickets.grammar import GrammarError, HelpRequest, ShowRequest, UpdateRequest, parse_command
from bot.tickets.result import Outcome, UpdateResult
from bot.tickets.service import TicketService

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandDeps:
    """What the command listener needs from the rest of the bot."""

    service: TicketService
    config: Config
    followups: Followups
    footer: str | None = None


class TicketCommand:
    """Parse `/ticket`, ack at once, then do the WHMCS work and answer through response_url."""

    def __init__(self, deps: CommandDeps) -> None:
        self.deps = deps

    def __call__(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """Handle one `/ticket` invocation."""
        footer = self.deps.footer
        user = command.get("user_id", "")
        try:
            request = parse_command(command.get("text", ""))
        except GrammarError as error:
            ack(**blocks.usage_message(error, footer))
            return
        if isinstance(request, HelpRequest):
            ack(**blocks.help_message(footer))
            return
        admin_id = self.deps.config.admin_id_for(user)
        if admin_id is None:
            log.info("user=%s refused: not linked to a WHMCS admin", user)
            ack(**blocks.text_message(texts.NOT_LINKED.format(user=user), footer))
            return
        # Slack drops a command not acknowledged within 3 seconds: ack before any WHMCS call.
        ack(text=texts.WORKING.format(ref=request.ref.label))

        def failed() -> None:
            respond(replace_original=True, **blocks.text_message(texts.FAILED, footer))

        if isinstance(request, ShowRequest):
            self.deps.followups.submit(lambda: self._show(request, respond), failed)
        else:
            self.deps.followups.submit(
                lambda: self._update(request, admin_id, user, respond), failed
            )

    def _show(self, request: ShowRequest, respond: Respond) -> None:
        result = self.deps.service.show(request.ref)
        respond(replace_original=True, **blocks.ticket_message(result, self.deps.footer))

    def _update(self, request: UpdateRequest, admin_id: int, user: str, respond: Respond) -> None:
        result = self.deps.service.update(request, admin_id)
        self._answer(result, user, respond)

    def _answer(self, result: UpdateResult, user: str, respond: Respond) -> None:
        """Post a change to the channel (values of private fields hidden); the rest privately."""
        footer = self.deps.footer
        if result.outcome is Outcome.NO_CHANGE:
            respond(replace_original=True, **blocks.no_change_message(result, footer))
            return
        private = blocks.update_message(result, user, result.actor, False, footer)
        went_through = result.outcome in (Outcome.DONE, Outcome.PARTIAL)
        if not went_through or self.deps.config.confirmations == "private":
            respond(replace_original=True, **private)
            return
        public = blocks.update_message(result, user, result.actor, True, footer)
        respond(response_type="in_channel", **public)
        if public != private:
            respond(replace_original=True, **private)
        else:
            respond(delete_original=True)


def register(app: App, deps: CommandDeps) -> None:
    """Attach the `/ticket` listener to the Bolt app."""
    app.command("/ticket")(TicketCommand(deps))

"""The `/ticket` slash command: check, parse, ack at once, then hand the work on."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.config import DEFAULT_TRIAGE_INTERVAL
from bot.settings import DEFAULT_SLACK_API_URL
from bot.slack import blocks, texts
from bot.slack.answers import Answers, Asker
from bot.slack.card_post import CardPoster
from bot.slack.command_reply import CommandReply
from bot.slack.edge import malformed
from bot.slack.followup import Followups
from bot.slack.form_open import FormOpener
from bot.slack.replay import RecentTriggers
from bot.slack.response_urls import ResponseUrls
from bot.slack.triage_answer import triage_message
from bot.tickets.grammar import (
    CardRequest,
    GrammarError,
    HelpRequest,
    HistoryRequest,
    ShowRequest,
    TriageRequest,
    UpdateRequest,
    WhoamiRequest,
    parse_command,
)
from bot.triage.routes import Route

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CommandDeps:
    """What the command listener needs from the rest of the bot.

    With `form`, `/ticket <ticket>` opens the ticket form instead of showing the ticket; with
    `cards`, `/ticket <ticket> card` posts the ticket's card (else it shows the ticket).
    `/ticket triage` shows which of `triage_routes` post in the channel, polled every
    `triage_interval` seconds. With `response_urls`, answers reuse kept-alive connections.
    """

    answers: Answers
    followups: Followups
    footer: str | None = None
    triggers: RecentTriggers = field(default_factory=RecentTriggers)
    form: FormOpener | None = None
    cards: CardPoster | None = None
    triage_routes: tuple[Route, ...] = ()
    triage_interval: float = DEFAULT_TRIAGE_INTERVAL
    response_urls: ResponseUrls | None = None


class TicketCommand:
    """Parse `/ticket`, ack at once, then do the WHMCS work and answer through response_url."""

    def __init__(self, deps: CommandDeps, api_url: str = DEFAULT_SLACK_API_URL) -> None:
        self.deps = deps
        self.api_url = api_url

    def __call__(
        self, ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        """Handle one `/ticket` invocation."""
        footer = self.deps.footer
        problem = malformed(command, self.api_url)
        if problem:
            log.info("refused /ticket: %s", problem)
            ack(**blocks.text_message(texts.MALFORMED_COMMAND, footer))
            return
        user = command["user_id"]
        channel = command.get("channel_id")
        respond = CommandReply(respond, client, user, channel, self.deps.response_urls)
        # Slack gives each invocation its own trigger_id: a second sight of one is a replay.
        if not self.deps.triggers.first_time(command["trigger_id"]):
            log.info("user=%s refused /ticket: trigger_id seen before (a replayed request)", user)
            ack(**blocks.text_message(texts.REPLAYED_COMMAND, footer))
            return

        try:
            request = parse_command(command.get("text", ""))
        except GrammarError as error:
            ack(**blocks.usage_message(error, footer))
            return
        asker = Asker(user, str(command.get("user_name") or ""), command.get("channel_id"))
        if isinstance(request, ShowRequest) and self.deps.form is not None:
            # trigger_id expires 3 seconds after the command: the form opens before any WHMCS
            # call, and the ack says nothing, as the form is the answer.
            ack()
            self.deps.form.open(
                client,
                command["trigger_id"],
                request.ref.label,
                user,
                asker.channel,
                on_refused=lambda: self._show_instead(request, asker, respond),
            )
            return
        # Slack drops a command not acknowledged within 3 seconds: ack before any WHMCS call.
        if isinstance(request, HelpRequest | WhoamiRequest):
            ack(text=texts.WORKING_WHOAMI)
        elif isinstance(request, TriageRequest):
            ack(text=texts.WORKING_TRIAGE)
        else:
            ack(text=texts.WORKING.format(ref=request.ref.label))
        self.deps.followups.submit(
            lambda: self._run(request, asker, respond, client),
            lambda: self._failed(request, asker, respond),
        )

    def _show_instead(self, request: ShowRequest, asker: Asker, respond: Respond) -> None:
        """Show the ticket as a message when Slack would not open the form."""
        self.deps.followups.submit(
            lambda: self.deps.answers.show(request, asker, respond),
            lambda: self._failed(request, asker, respond),
        )

    def _run(self, request: object, asker: Asker, respond: Respond, client: WebClient) -> None:
        answers = self.deps.answers
        if isinstance(request, HelpRequest):
            answers.help(asker, respond)
        elif isinstance(request, WhoamiRequest):
            answers.whoami(asker, respond)
        elif isinstance(request, TriageRequest):
            self._triage(asker, respond)
        elif isinstance(request, ShowRequest):
            answers.show(request, asker, respond)
        elif isinstance(request, HistoryRequest):
            answers.history(request, asker, respond)
        elif isinstance(request, CardRequest):
            if self.deps.cards is not None:
                self.deps.cards.post(request, asker, respond, client)
            else:
                answers.show(ShowRequest(request.ref), asker, respond)
        elif isinstance(request, UpdateRequest):
            answers.update(request, asker, respond)

    def _triage(self, asker: Asker, respond: Respond) -> None:
        """Show the routes that post in the person's channel; anyone may see them."""
        deps = self.deps
        message = triage_message(
            asker.channel,
            deps.triage_routes,
            deps.triage_interval,
            deps.answers.service.catalog.departments.get,
            deps.footer,
        )
        respond(replace_original=True, **message)

    def _failed(self, request: object, asker: Asker, respond: Respond) -> None:
        respond(replace_original=True, **blocks.text_message(texts.FAILED, self.deps.footer))


def register(app: App, deps: CommandDeps, api_url: str = DEFAULT_SLACK_API_URL) -> None:
    """Attach the `/ticket` listener to the Bolt app; `api_url` is the Slack Web API in use."""
    app.command("/ticket")(TicketCommand(deps, api_url))

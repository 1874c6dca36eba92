"""The `/ticket` slash command."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import Ack, App, Respond

from bot.config import SLACK_USER_ID, Config
from bot.settings import DEFAULT_SLACK_API_URL
from bot.slack import blocks, texts
from bot.slack.followup import Followups
from bot.slack.replay import RecentTriggers
from bot.tickets.grammar import GrammarError, HelpRequest, ShowRequest, UpdateRequest, parse_command
from bot.tickets.result import Outcome, UpdateResult
from bot.tickets.service import TicketService

log = logging.getLogger(__name__)

# Slack posts a slash command's response_url on these hosts only (the second is GovSlack's).
SLACK_RESPONSE_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class CommandDeps:
    """What the command listener needs from the rest of the bot."""

    service: TicketService
    config: Config
    followups: Followups
    footer: str | None = None
    triggers: RecentTriggers = field(default_factory=RecentTriggers)


def _origin(url: str) -> tuple[str, str, int] | None:
    """Return a URL's scheme, host and port, or None if it has none or carries credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return None
    return scheme, parts.hostname, port or DEFAULT_PORTS[scheme]


def response_url_allowed(url: str, api_url: str = DEFAULT_SLACK_API_URL) -> bool:
    """Say whether `url` is a response_url Slack could have sent.

    That is https on one of Slack's hook hosts, or, when `api_url` is not Slack's own Web API
    (a test server or a custom deployment), any URL on the same scheme, host and port.
    """
    origin = _origin(url)
    if origin is None:
        return False
    if origin[0] == "https" and origin[1] in SLACK_RESPONSE_HOSTS and origin[2] == 443:
        return True
    custom = _origin(api_url)
    return custom != _origin(DEFAULT_SLACK_API_URL) and origin == custom


class TicketCommand:
    """Parse `/ticket`, ack at once, then do the WHMCS work and answer through response_url."""

    def __init__(self, deps: CommandDeps, api_url: str = DEFAULT_SLACK_API_URL) -> None:
        self.deps = deps
        self.api_url = api_url

    def __call__(self, ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        """Handle one `/ticket` invocation."""
        footer = self.deps.footer
        malformed = self._malformed(command)
        if malformed:
            log.info("refused /ticket: %s", malformed)
            ack(**blocks.text_message(texts.MALFORMED_COMMAND, footer))
            return
        user = command["user_id"]
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

    def _malformed(self, command: dict[str, Any]) -> str | None:
        """Return what is wrong with a payload Slack would never send, or None."""
        user = command.get("user_id")
        if not user:
            return "no user_id"
        if not isinstance(user, str) or not SLACK_USER_ID.match(user):
            return "user_id is not a Slack user id"
        response_url = command.get("response_url")
        if not response_url:
            return "no response_url"
        if not isinstance(response_url, str) or not response_url_allowed(
            response_url, self.api_url
        ):
            return "response_url is not on a host Slack uses"
        if not command.get("trigger_id") or not isinstance(command["trigger_id"], str):
            return "no trigger_id"
        return None

    def _show(self, request: ShowRequest, respond: Respond) -> None:
        result = self.deps.service.show(request.ref)
        respond(replace_original=True, **blocks.ticket_message(result, self.deps.footer))

    def _update(self, request: UpdateRequest, admin_id: int, user: str, respond: Respond) -> None:
        result = self.deps.service.update(request, admin_id)
        self._answer(result, user, respond)

    def _answer(self, result: UpdateResult, user: str, respond: Respond) -> None:
        """Post a change to the channel (values of private fields hidden); the rest privately."""
        footer = self.deps.footer
        # NOTE: the "Working on ticket" ack is an ephemeral message; Slack may post a reply with
        # replace_original as a new message instead of replacing it, and a slash command's
        # response_url cannot delete it, so it is never asked to.
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


def register(app: App, deps: CommandDeps, api_url: str = DEFAULT_SLACK_API_URL) -> None:
    """Attach the `/ticket` listener to the Bolt app; `api_url` is the Slack Web API in use."""
    app.command("/ticket")(TicketCommand(deps, api_url))

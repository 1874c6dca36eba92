"""Post a ticket's card in the channel where `/ticket <ticket> card` was typed."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import texts
from bot.slack.answers import Asker
from bot.slack.blocks import problem_message, text_message, ticket_message, ticket_name
from bot.slack.card_deps import CardDeps
from bot.slack.card_render import CardRenderer
from bot.slack.gate import make_gate
from bot.slack.mrkdwn import escape
from bot.tickets.grammar import CardRequest
from bot.tickets.result import Problem

log = logging.getLogger(__name__)

# chat.postMessage's answers when the bot may not post where the command was typed.
NOT_A_MEMBER = ("not_in_channel", "channel_not_found")


class CardPoster:
    """Post ticket cards for people who may view the ticket (the `view` permission)."""

    def __init__(self, deps: CardDeps) -> None:
        self.deps = deps
        self.renderer = CardRenderer(deps)

    def post(self, request: CardRequest, asker: Asker, respond: Respond, client: WebClient) -> None:
        """Post the card with chat.postMessage; anything else goes to the asker only."""
        footer = self.deps.footer
        identity = self.deps.identify(asker.slack_user)
        if isinstance(identity, Problem):
            respond(replace_original=True, **problem_message(identity, footer))
            return
        gate = make_gate(self.deps.answers.policy, identity, asker.channel)
        shown = self.deps.answers.service.show(request.ref, gate)
        if shown.ticket is None:
            respond(replace_original=True, **ticket_message(shown, footer))
            return
        ticket = shown.ticket

        card = self.renderer.card(ticket)
        error, ts = (
            self._post(client, asker.channel, card) if asker.channel else (NOT_A_MEMBER[0], None)
        )
        if error in NOT_A_MEMBER:
            log.info("card of ticket=%s not posted: the bot is not in the channel", ticket.id)
            respond(replace_original=True, **text_message(texts.CARD_NOT_IN_CHANNEL, footer))
            return
        if error is not None:
            text = texts.CARD_POST_REFUSED.format(error=escape(error))
            respond(replace_original=True, **text_message(text, footer))
            return
        keeper = self.deps.answers.cards
        if keeper is not None and asker.channel and ts:
            keeper.posted(asker.channel, ts, ticket.id)
        log.info(
            "card of ticket=%s posted in channel=%s by user=%s",
            ticket.id,
            asker.channel,
            asker.slack_user,
        )
        lines = [texts.CARD_POSTED.format(ticket=escape(ticket_name(ticket)))]
        if shown.notice:
            lines.append(escape(shown.notice))
        fallback = texts.CARD_POSTED.format(ticket=ticket_name(ticket))
        respond(replace_original=True, **text_message("\n".join(lines), footer, fallback))

    def _post(
        self, client: WebClient, channel: str, card: dict[str, Any]
    ) -> tuple[str | None, str | None]:
        """Call chat.postMessage; return Slack's error code, or None and the card's ts."""
        try:
            if self.deps.pacer is not None:
                # In order with the channel's other cards, a rate limit (HTTP 429) waited out.
                answer = self.deps.pacer.call("chat.postMessage", channel, **card)
            else:
                answer = client.chat_postMessage(channel=channel, **card)
        except SlackApiError as error:
            code = error.response.get("error")
            log.warning("chat.postMessage of a card refused: %s", code)
            return str(code or "unknown"), None
        except OSError as error:
            log.warning("chat.postMessage of a card failed: %s", type(error).__name__)
            return type(error).__name__, None
        ts = answer.get("ts")
        return None, str(ts) if ts else None

"""Answer only the person who clicked a card: refusals, "already so", the take-over question."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.slack import card_values as cv
from bot.slack import texts
from bot.slack.blocks import message, no_change_message, section, ticket_name, update_message
from bot.slack.card_notes import mention
from bot.slack.card_values import CardValue, encode
from bot.slack.edge import response_url_allowed
from bot.slack.form_inputs import plain_text
from bot.slack.mrkdwn import escape, inline
from bot.slack.pacing import Pacer
from bot.tickets.result import Outcome, UpdateResult
from bot.whmcs import Ticket

log = logging.getLogger(__name__)

BUTTON_TEXT_LIMIT = 75
NAME_LIMIT = 100


class Private:
    """Post messages only the clicker sees: through the click's response_url, else ephemeral.

    A click's response_url can also replace the ephemeral message that was clicked (the
    take-over question); a card, which everyone sees, is never replaced through it.

    Args:
        pacer: makes the ephemeral fallback wait out Slack's rate limits.
    """

    def __init__(
        self,
        client: WebClient,
        user: str,
        channel: str | None,
        response_url: str | None,
        api_url: str,
        pacer: Pacer | None = None,
    ) -> None:
        self.client = client
        self.pacer = pacer
        self.user = user
        self.channel = channel
        allowed = response_url and response_url_allowed(response_url, api_url)
        self.response_url = response_url if allowed else None

    def say(self, reply: dict[str, Any], replace: bool = False) -> None:
        """Show `reply` to the clicker; `replace` puts it in place of the question clicked."""
        if self.response_url:
            body = {**reply, "response_type": "ephemeral", "replace_original": replace}
            try:
                answer = WebhookClient(self.response_url, timeout=10).send_dict(body)
            except OSError as error:
                log.warning("response_url post failed: %s", type(error).__name__)
            else:
                if answer.status_code == 200:
                    return
                log.warning("response_url refused a reply: HTTP %s", answer.status_code)
        if not self.channel:
            log.warning("no way to answer user=%s privately", self.user)
            return
        try:
            if self.pacer is not None:
                # The pacer waits out a rate limit (HTTP 429 Retry-After), then asks again.
                self.pacer.call("chat.postEphemeral", self.channel, user=self.user, **reply)
            else:
                self.client.chat_postEphemeral(channel=self.channel, user=self.user, **reply)
        except SlackApiError as error:
            log.warning("chat.postEphemeral refused: %s", error.response.get("error"))
        except OSError as error:
            log.warning("chat.postEphemeral failed: %s", type(error).__name__)


def take_over_message(
    ticket: Ticket,
    flagged_name: str,
    setter: str | None,
    card: CardValue,
    footer: str | None,
) -> dict[str, Any]:
    """Ask whether to take over a ticket flagged to someone else, with a "Take it over" button.

    Args:
        setter: the Slack user who flagged it, when that was done from Slack.
        card: the ticket, the admin it is flagged to now, and the card that was clicked.
    """
    name, by = ticket_name(ticket), texts.CARD_SETTER.format(user=mention(setter)) if setter else ""
    text = texts.CARD_TAKE_OVER_ASK.format(
        ticket=escape(name), admin=inline(flagged_name, NAME_LIMIT), by=by
    )
    # The notification text is escaped by message(): it gets the plain words, no mention.
    fallback = texts.CARD_TAKE_OVER_ASK.format(ticket=name, admin=flagged_name, by="")
    block = section(text)
    block["accessory"] = {
        "type": "button",
        "action_id": cv.TAKE_OVER,
        "text": plain_text(texts.CARD_TAKE_OVER, BUTTON_TEXT_LIMIT),
        "value": encode(card),
        "style": "primary",
    }
    return message([block], fallback, footer)


def already_message(result: UpdateResult, setter: str | None, footer: str | None) -> dict[str, Any]:
    """Say that the ticket already is as the click asked, and who made it so, when known."""
    assert result.outcome is Outcome.NO_CHANGE and result.ticket is not None
    asked = result.fields[0] if len(result.fields) == 1 else None
    if asked is None or asked.label not in ("Flag", "Status", "Priority"):
        return no_change_message(result, footer)
    by = texts.CARD_SETTER.format(user=mention(setter)) if setter else ""
    unflagged = asked.label == "Flag" and asked.after == texts.UNFLAGGED
    name, value = ticket_name(result.ticket), inline(asked.after, NAME_LIMIT)
    text = _already(asked.label, unflagged, value, escape(name), by)
    fallback = _already(asked.label, unflagged, " ".join(asked.after.split()), name, "")
    return message([section(text)], fallback, footer)


def _already(label: str, unflagged: bool, value: str, ticket: str, by: str) -> str:
    if unflagged:
        return texts.CARD_ALREADY_UNFLAGGED.format(ticket=ticket, by=by)
    if label == "Flag":
        return texts.CARD_ALREADY_FLAGGED.format(ticket=ticket, admin=value, by=by)
    if label == "Status":
        return texts.CARD_ALREADY_STATUS.format(ticket=ticket, value=value, by=by)
    return texts.CARD_ALREADY_PRIORITY.format(ticket=ticket, value=value, by=by)


def result_message(result: UpdateResult, user: str, footer: str | None) -> dict[str, Any]:
    """Return the full answer to a change, for the clicker only (refusals, partial results)."""
    return update_message(result, user, result.actor, False, footer)


def taken_over_message(ticket: Ticket, before: str, footer: str | None) -> dict[str, Any]:
    """Say that the clicker took the ticket over, in place of the question."""
    name = ticket_name(ticket)
    text = texts.CARD_TAKE_OVER_DONE.format(ticket=escape(name), admin=inline(before, NAME_LIMIT))
    fallback = texts.CARD_TAKE_OVER_DONE.format(ticket=name, admin=before)
    return message([section(text)], fallback, footer)

"""What people do in Slack, sent to the bot as Slack would: commands, and clicks on cards."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from bot.slack import card_values as cv
from soak.rig import Rig
from tests.fakeslack import FakeSlack
from tests.scenario import formkit as fk
from tests.scenario.harness import SIGNING_SECRET, USER_NAMES, new_trigger_id
from tests.slackreq import post_signed, slash_command_body

Message = dict[str, Any]


@dataclass(frozen=True)
class Card:
    """A ticket card as the channel shows it now."""

    channel: str
    message: Message
    ticket_id: int

    @property
    def ts(self) -> str:
        """Return the card's message ts."""
        return str(self.message["ts"])


def command(rig: Rig, text: str, user: str, channel: str, replay: bool = False) -> list[int]:
    """Type `/ticket <text>`; with `replay`, Slack sends the very same request twice.

    Returns the HTTP status of each ack.
    """
    body = slash_command_body(
        text,
        user_id=user,
        user_name=USER_NAMES.get(user, user.lower()),
        channel_id=channel,
        response_url=rig.slack.new_response_url(),
        trigger_id=new_trigger_id(),
    )
    sends = 2 if replay else 1
    return [post_signed(rig.harness.url, body, SIGNING_SECRET).status_code for _ in range(sends)]


def elements(message: Message) -> list[tuple[str, dict[str, Any]]]:
    """Return each button and menu of a message with its block id."""
    found = []
    for block in message.get("blocks", []):
        candidates = list(block.get("elements", []))
        if "accessory" in block:
            candidates.append(block["accessory"])
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id"):
                found.append((str(block.get("block_id", "")), element))
    return found


def ticket_of(message: Message) -> int | None:
    """Return the ticket a card shows, read from its buttons' values; None when not a card."""
    for _, element in elements(message):
        if element.get("action_id") in cv.ALL and "value" in element:
            value = cv.decode(element["value"])
            if value is not None:
                return value.ticket_id
    return None


def cards(slack: FakeSlack, channel: str) -> list[Card]:
    """Return the cards in a channel as they read now, oldest first (thread lines left out)."""
    found = []
    for message in slack.messages(channel):
        if "thread_ts" in message:
            continue
        ticket_id = ticket_of(message)
        if ticket_id is not None:
            found.append(Card(channel, message, ticket_id))
    return found


def controls(message: Message) -> dict[str, tuple[str, dict[str, Any]]]:
    """Return a message's buttons and menus by action id."""
    return {str(element["action_id"]): (block, element) for block, element in elements(message)}


def click(
    rig: Rig,
    card: Card,
    action_id: str,
    user: str,
    pick: str | None = None,
) -> str:
    """Click a card's button, or pick a menu option by its text; return the response_url."""
    block_id, clicked = controls(card.message)[action_id]
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": clicked["type"],
        "action_ts": f"{time.time():.6f}",
    }
    if pick is None:
        action["value"] = clicked["value"]
    else:
        action["selected_option"] = next(
            option for option in clicked["options"] if option["text"]["text"] == pick
        )
    container = {
        "type": "message",
        "message_ts": card.ts,
        "channel_id": card.channel,
        "is_ephemeral": False,
    }
    return _interact(rig, user, action, container, card.channel, card.message)


def take_over(rig: Rig, question: Message, channel: str, user: str) -> str:
    """Click "Take it over" on the ephemeral question a Flag to me click was answered with."""
    block_id, clicked = controls(question)[cv.TAKE_OVER]
    action = {
        "action_id": cv.TAKE_OVER,
        "block_id": block_id,
        "type": clicked["type"],
        "action_ts": f"{time.time():.6f}",
        "value": clicked["value"],
    }
    container = {"type": "message", "message_ts": "1700000099.000100", "is_ephemeral": True}
    container["channel_id"] = channel
    return _interact(rig, user, action, container, channel, None)


def question_of(slack: FakeSlack, response_url: str) -> Message | None:
    """Return the take-over question posted to a click's response_url, if there is one."""
    for answer in slack.responses(response_url):
        if cv.TAKE_OVER in controls(answer):
            return answer
    return None


def _interact(
    rig: Rig,
    user: str,
    action: dict[str, Any],
    container: dict[str, Any],
    channel: str,
    message: Message | None,
) -> str:
    response_url = rig.slack.new_response_url()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": fk.TEAM,
        "user": fk.user(user),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "container": container,
        "trigger_id": new_trigger_id(),
        "channel": {"id": channel, "name": "support"},
        "response_url": response_url,
        "actions": [action],
        "is_enterprise_install": False,
    }
    if message is not None:
        payload["message"] = message
    fk.interact(rig.harness, payload)
    return response_url


def ack_ok(statuses: list[int]) -> bool:
    """Tell whether every ack was an HTTP 200."""
    return all(status == requests.codes.ok for status in statuses)

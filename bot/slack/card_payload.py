"""Read a click on a ticket card, or on its take-over question, from Slack's payload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import SLACK_USER_ID
from bot.slack import card_values as cv
from bot.slack.card_values import CardValue, decode
from bot.tickets.refs import TicketRef


@dataclass(frozen=True)
class Click:
    """One click on a card's button or menu.

    Args:
        channel, card_ts: the card message, which the click updates in place; for "Take it
            over" they come from the question's button, as the question itself is ephemeral.
        on_question: the click was on the ephemeral take-over question, which its
            response_url can replace.
    """

    action_id: str
    value: CardValue
    user: str
    user_name: str
    channel: str | None
    card_ts: str | None
    response_url: str | None
    trigger_id: str | None
    on_question: bool = False

    @property
    def ticket_id(self) -> int:
        """Return the internal id of the ticket the card shows."""
        return self.value.ticket_id

    @property
    def ref(self) -> TicketRef:
        """Return the ticket as a reference by internal id."""
        return TicketRef(str(self.ticket_id), self.ticket_id, None)

    @property
    def requester(self) -> str:
        """Name the person for the staff-only note: Slack name and id."""
        return f"{self.user_name} ({self.user})" if self.user_name else self.user


def _text(mapping: object, key: str) -> str | None:
    found = mapping.get(key) if isinstance(mapping, Mapping) else None
    return found if isinstance(found, str) and found else None


def clicked_action(body: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Return the one action a block_actions payload reports, or None."""
    actions = body.get("actions")
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], Mapping):
        return None
    return actions[0]


def read_click(body: Mapping[str, Any]) -> Click | None:
    """Return the click a payload reports, or None when it is not one a card could send."""
    action = clicked_action(body)
    user = body.get("user")
    user_id = _text(user, "id")
    if action is None or user_id is None or not SLACK_USER_ID.fullmatch(user_id):
        return None
    action_id = _text(action, "action_id")
    if action_id is None or action_id not in cv.ALL:
        return None
    picked = action.get("selected_option")
    value = decode(_text(picked, "value") if picked is not None else _text(action, "value"))
    if value is None:
        return None

    container = body.get("container")
    channel = _text(container, "channel_id") or _text(body.get("channel"), "id")
    card_ts = _text(container, "message_ts") or _text(body.get("message"), "ts")
    if isinstance(container, Mapping) and container.get("is_ephemeral"):
        card_ts = None  # chat.update cannot change an ephemeral message
    on_question = action_id == cv.TAKE_OVER
    if on_question:
        channel, card_ts = value.channel or channel, value.card_ts
    return Click(
        action_id=action_id,
        value=value,
        user=user_id,
        user_name=_text(user, "username") or _text(user, "name") or "",
        channel=channel,
        card_ts=card_ts,
        response_url=_text(body, "response_url"),
        trigger_id=_text(body, "trigger_id"),
        on_question=on_question,
    )

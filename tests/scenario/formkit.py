"""Drive the ticket form as Slack would: shortcuts, submissions, button clicks, options requests."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import requests

from tests.fakeslack import FakeSlack
from tests.scenario.harness import SIGNING_SECRET, USER_NAMES, Harness, new_trigger_id, text_of
from tests.slack.test_form_state import untouched
from tests.slackreq import interaction_body, post_signed

TEAM = {"id": "T0000001", "domain": "example"}
Values = dict[str, Any]


def user(user_id: str) -> dict[str, str]:
    """Return the `user` object Slack puts in interaction payloads."""
    name = USER_NAMES.get(user_id, user_id.lower())
    return {"id": user_id, "username": name, "name": name, "team_id": TEAM["id"]}


def interact(bot: Harness, payload: dict[str, Any]) -> requests.Response:
    """Send one signed interaction request to the bot and return its HTTP answer (the ack)."""
    response = post_signed(bot.url, interaction_body(payload), SIGNING_SECRET)
    assert response.status_code == 200, response.text
    return response


def ack_body(response: requests.Response) -> dict[str, Any]:
    """Return the JSON an interaction was acked with ({} for an empty ack)."""
    return json.loads(response.text) if response.text.strip() else {}


def global_shortcut(bot: Harness, user_id: str = "U0000001") -> requests.Response:
    """Click the "Update a WHMCS ticket" shortcut."""
    payload = {
        "type": "shortcut",
        "token": "verification-token-not-used",
        "action_ts": f"{time.time():.6f}",
        "team": TEAM,
        "user": user(user_id),
        "is_enterprise_install": False,
        "callback_id": "update_ticket",
        "trigger_id": new_trigger_id(),
    }
    return interact(bot, payload)


def message_shortcut(
    bot: Harness, text: str, user_id: str = "U0000001", channel: str = "C0000001"
) -> requests.Response:
    """Click "Update ticket" on a message with this text."""
    payload = {
        "type": "message_action",
        "token": "verification-token-not-used",
        "action_ts": f"{time.time():.6f}",
        "team": TEAM,
        "user": user(user_id),
        "channel": {"id": channel, "name": "support"},
        "is_enterprise_install": False,
        "callback_id": "update_ticket_from_message",
        "trigger_id": new_trigger_id(),
        "message_ts": "1700000000.000100",
        "response_url": bot.slack.new_response_url(),
        "message": {"type": "message", "user": "U0000002", "ts": "1700000000.000100", "text": text},
    }
    return interact(bot, payload)


def opened_view_ids(slack: FakeSlack) -> list[str]:
    """Return the ids of the views opened so far, oldest first (views.update keeps an id)."""
    ids = []
    for number in range(1, 200):
        try:
            slack.view(f"V{number:08d}")
        except KeyError:
            continue
        ids.append(f"V{number:08d}")
    return ids


def opened_view_id(bot: Harness, count: int = 1) -> str:
    """Wait for the `count`-th view to open and return its id."""

    def opened() -> list[str]:
        found = opened_view_ids(bot.slack)
        return found if len(found) >= count else []

    return bot.slack.wait_for(opened, timeout=5, description=f"{count} opened view(s)")[count - 1]


def current(bot: Harness, view_id: str) -> dict[str, Any]:
    """Return the view as Slack shows it now."""
    return bot.slack.view(view_id)


def wait_view(bot: Harness, view_id: str, says: str, timeout: float = 8.0) -> dict[str, Any]:
    """Wait until the view's text holds `says`; return the view."""

    def shown() -> dict[str, Any] | None:
        view = current(bot, view_id)
        return view if says in view_text(view) else None

    found = bot.slack.wait_for(shown, timeout=timeout, description=f"view saying {says!r}")
    assert found is not None
    return found


def view_text(view: dict[str, Any]) -> str:
    """Flatten a view's blocks into the text a person reads, labels and hints included."""
    parts = [text_of({"blocks": view.get("blocks", [])})]
    for block in view.get("blocks", []):
        for key in ("label", "hint"):
            if key in block:
                parts.append(block[key]["text"])
        accessory = block.get("accessory") or {}
        if "url" in accessory:
            parts.extend((accessory["text"]["text"], accessory["url"]))
    return "\n".join(parts)


def values_of(view: dict[str, Any]) -> Values:
    """Return the state Slack submits for a view whose inputs nobody touched."""
    return untouched(view)


def put(values: Values, block_id: str, **state: Any) -> Values:
    """Set what one input holds, as a person would (block ids as the view has them)."""
    actual = next((k for k in values if k.split("~")[0] == block_id), block_id)
    kind = values.get(actual, {}).get("value", {}).get("type", "plain_text_input")
    values[actual] = {"value": {"type": kind, **state}}
    return values


def choice(value: str, text: str | None = None) -> dict[str, Any]:
    """Return a chosen option as Slack reports it."""
    return {"text": {"type": "plain_text", "text": text or value, "emoji": True}, "value": value}


def submit(
    bot: Harness, view: dict[str, Any], values: Values, user_id: str = "U0000001"
) -> requests.Response:
    """Press the form's submit button with these values."""
    sent = copy.deepcopy(view)
    sent["state"] = {"values": values}
    payload = {
        "type": "view_submission",
        "team": TEAM,
        "user": user(user_id),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "trigger_id": new_trigger_id(),
        "view": sent,
        "response_urls": [],
        "is_enterprise_install": False,
    }
    return interact(bot, payload)


def click(
    bot: Harness, view: dict[str, Any], action_id: str, user_id: str = "U0000001"
) -> requests.Response:
    """Click a button in a view."""
    payload = {
        "type": "block_actions",
        "team": TEAM,
        "user": user(user_id),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": new_trigger_id(),
        "view": view,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "x",
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "is_enterprise_install": False,
    }
    return interact(bot, payload)


def suggest(
    bot: Harness, view: dict[str, Any], block_id: str, typed: str, user_id: str = "U0000001"
) -> list[dict[str, Any]]:
    """Ask for the options of an external select, as Slack does while a person types."""
    payload = {
        "type": "block_suggestion",
        "team": TEAM,
        "user": user(user_id),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "container": {"type": "view", "view_id": view["id"]},
        "action_id": "value",
        "block_id": block_id,
        "value": typed,
        "view": view,
    }
    return ack_body(interact(bot, payload)).get("options", [])

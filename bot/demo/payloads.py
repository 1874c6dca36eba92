"""Shape the requests Slack sends an app: slash commands and interaction payloads."""

from __future__ import annotations

import time
from typing import Any

from bot.demo.team import APP_ID, CHANNELS, TEAM_DOMAIN, TEAM_ID, Person

# Slack still sends the retired verification token in every request; nothing checks it.
VERIFICATION_TOKEN = "demo-verification-token"
Payload = dict[str, Any]


def _team() -> dict[str, str]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _channel_name(channel: str) -> str:
    return next((c.name for c in CHANNELS if c.id == channel), "directmessage")


def _interaction(kind: str, person: Person) -> Payload:
    """Return what every interaction payload carries: its type, the team, the app, who."""
    return {
        "type": kind,
        "token": VERIFICATION_TOKEN,
        "team": _team(),
        "api_app_id": APP_ID,
        "is_enterprise_install": False,
        "enterprise": None,
        "user": {
            "id": person.slack_user,
            "username": person.handle,
            "name": person.handle,
            "team_id": TEAM_ID,
        },
    }


def slash_command(
    person: Person, channel: str, command: str, text: str, response_url: str, trigger_id: str
) -> dict[str, str]:
    """Return a slash command's form fields."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM_ID,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel,
        "channel_name": _channel_name(channel),
        "user_id": person.slack_user,
        "user_name": person.handle,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def action(element: dict[str, Any], block_id: str, picked: dict[str, Any] | None) -> Payload:
    """Return the `actions` entry for a pressed button or an option picked in a menu."""
    pressed: Payload = {
        "type": element.get("type"),
        "action_id": element.get("action_id"),
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if element.get("type") == "button":
        pressed["text"] = element.get("text")
        if "value" in element:
            pressed["value"] = element["value"]
        if "style" in element:
            pressed["style"] = element["style"]
    else:
        pressed["selected_option"] = picked
        if "placeholder" in element:
            pressed["placeholder"] = element["placeholder"]
    return pressed


def message_actions(
    person: Person,
    pressed: Payload,
    message: Payload,
    channel: str,
    ephemeral: bool,
    response_url: str,
    trigger_id: str,
) -> Payload:
    """Return the block_actions payload of a click in a message."""
    payload = _interaction("block_actions", person)
    payload.update(
        container={
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        channel={"id": channel, "name": _channel_name(channel)},
        trigger_id=trigger_id,
        response_url=response_url,
        state={"values": {}},
        actions=[pressed],
    )
    if not ephemeral:
        payload["message"] = message
    return payload


def view_actions(person: Person, pressed: Payload, view: Payload, trigger_id: str) -> Payload:
    """Return the block_actions payload of a click in a modal."""
    payload = _interaction("block_actions", person)
    payload.update(
        container={"type": "view", "view_id": view["id"]},
        trigger_id=trigger_id,
        view=view,
        actions=[pressed],
    )
    return payload


def view_submission(person: Person, view: Payload, trigger_id: str) -> Payload:
    """Return the view_submission payload of a modal's submit button."""
    payload = _interaction("view_submission", person)
    payload.update(trigger_id=trigger_id, view=view, response_urls=[])
    return payload


def view_closed(person: Person, view: Payload) -> Payload:
    """Return the view_closed payload Slack sends for a modal with notify_on_close."""
    payload = _interaction("view_closed", person)
    payload.update(view=view, is_cleared=False)
    return payload


def options_request(person: Person, view: Payload, block_id: str, typed: str) -> Payload:
    """Return the block_suggestion payload Slack sends while someone types in a search menu."""
    payload = _interaction("block_suggestion", person)
    blocks = [b for b in view.get("blocks", []) if b.get("block_id") == block_id]
    element: dict[str, Any] = blocks[0].get("element", {}) if blocks else {}
    payload.update(
        container={"type": "view", "view_id": view["id"]},
        action_id=element.get("action_id"),
        block_id=block_id,
        value=typed,
        view=view,
    )
    return payload

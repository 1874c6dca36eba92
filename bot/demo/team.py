"""The demo's Slack team: its people, its channel, and how each person is linked to WHMCS."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TEAM_ID = "TDEMO"
TEAM_DOMAIN = "ticketbot-demo"
APP_ID = "ADEMO"
BOT_ID = "BDEMO"
BOT_USER = "UTICKETBOT"
BOT_NAME = "ticketbot"


@dataclass(frozen=True)
class Person:
    """A demo Slack user and the WHMCS admin the demo config links them to."""

    slack_user: str
    handle: str
    real_name: str
    email: str
    admin_id: int
    role: str


@dataclass(frozen=True)
class Channel:
    """A demo Slack channel."""

    id: str
    name: str


ALICE = Person("UALICE", "alice", "Alice Admin", "alice@example.com", 1, "lead")
BOB = Person("UBOB", "bob", "Bob Builder", "bob@example.com", 2, "agent")
PEOPLE = (ALICE, BOB)
SUPPORT = Channel("CSUPPORT", "support")
CHANNELS = (SUPPORT,)


def find_person(name: str) -> Person | None:
    """Return the demo user with this Slack user id or handle (any case), or None."""
    wanted = name.strip().lstrip("@").lower()
    for person in PEOPLE:
        if wanted in (person.slack_user.lower(), person.handle):
            return person
    return None


def config_toml() -> str:
    """Return the demo's `ticketbot.toml`: each demo user linked to their admin and role."""
    lines = ["[users]"]
    for person in PEOPLE:
        lines.append(
            f'{person.slack_user} = {{ admin = {person.admin_id}, role = "{person.role}" }}'
        )
    return "\n".join(lines) + "\n"


def user_object(slack_user: str) -> dict[str, Any] | None:
    """Return a demo user (or the bot) as Slack's users.info describes them; None if unknown."""
    if slack_user == BOT_USER:
        profile = {"real_name": BOT_NAME, "display_name": BOT_NAME}
        return {"id": BOT_USER, "name": BOT_NAME, "is_bot": True, "profile": profile}
    person = next((p for p in PEOPLE if p.slack_user == slack_user), None)
    if person is None:
        return None
    return {
        "id": person.slack_user,
        "team_id": TEAM_ID,
        "name": person.handle,
        "real_name": person.real_name,
        "deleted": False,
        "is_bot": False,
        "profile": {
            "real_name": person.real_name,
            "display_name": person.handle,
            "email": person.email,
        },
    }


def channel_object(channel_id: str) -> dict[str, Any] | None:
    """Return a demo channel as Slack's conversations.info describes it; None if unknown."""
    channel = next((c for c in CHANNELS if c.id == channel_id), None)
    if channel is None:
        return None
    return {
        "id": channel.id,
        "name": channel.name,
        "is_channel": True,
        "is_private": False,
        "is_archived": False,
        "is_member": True,
    }

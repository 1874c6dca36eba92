"""Ask Slack about people: the email on a Slack user's profile."""

from __future__ import annotations

from collections.abc import Callable

from slack_sdk import WebClient


def profile_email(client: WebClient) -> Callable[[str], str | None]:
    """Return a lookup of a Slack user's profile email (users.info; needs users:read.email)."""

    def email(slack_user: str) -> str | None:
        answer = client.users_info(user=slack_user)
        user = answer.get("user") or {}
        if user.get("is_bot") or user.get("deleted"):
            return None
        profile = user.get("profile") or {}
        return profile.get("email") or None

    return email

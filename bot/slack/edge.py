"""Tell a slash command Slack really sent from one it never would."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.config import SLACK_USER_ID
from bot.settings import DEFAULT_SLACK_API_URL

# Slack posts a slash command's response_url on these hosts only (the second is GovSlack's).
SLACK_RESPONSE_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
DEFAULT_PORTS = {"http": 80, "https": 443}


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


def malformed(command: dict[str, Any], api_url: str) -> str | None:
    """Return what is wrong with a payload Slack would never send, or None."""
    user = command.get("user_id")
    if not user:
        return "no user_id"
    if not isinstance(user, str) or not SLACK_USER_ID.match(user):
        return "user_id is not a Slack user id"
    response_url = command.get("response_url")
    if not response_url:
        return "no response_url"
    if not isinstance(response_url, str) or not response_url_allowed(response_url, api_url):
        return "response_url is not on a host Slack uses"
    if not command.get("trigger_id") or not isinstance(command["trigger_id"], str):
        return "no trigger_id"
    return None

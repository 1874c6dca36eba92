"""Check Slack: the bot token and its scopes, the app-level token, the triage channels."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.check import texts
from bot.check.report import Report
from bot.settings import Settings

# The bot scopes the features need, and what each is for. They must equal the bot scopes of
# manifest.yml, which an installed package cannot read.
NEEDED_SCOPES = {
    "commands": "the /ticket command and the shortcuts",
    "chat:write": "confirmations, ticket cards and triage posts",
    "users:read": "reading Slack users",
    "users:read.email": "matching Slack users to WHMCS admins by email",
    "links:read": "link previews, which arrive as link_shared events",
    "links:write": "link previews, which are sent with chat.unfurl",
    "channels:read": "checking public triage channels",
    "groups:read": "checking private triage channels",
    "channels:history": "finding a triage card posted just before a restart (public channels)",
    "groups:history": "finding a triage card posted just before a restart (private channels)",
}
# Slack names the token's scopes in this header of every Web API answer.
SCOPES_HEADER = "x-oauth-scopes"
SLACK_TIMEOUT = 10
UNREACHABLE = (urllib.error.URLError, TimeoutError, ConnectionError)


def slack_client(settings: Settings) -> WebClient:
    """Return a Web API client with the bot token, aimed at SLACK_API_URL."""
    return WebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT
    )


def check_bot_token(client: WebClient, report: Report) -> str | None:
    """Report whether Slack accepts the bot token and its scopes; return the bot's user name."""
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        report.fail(texts.SLACK_AUTH_REFUSED.format(error=slack_error_code(error)))
        return None
    except UNREACHABLE as error:
        report.fail(unreachable(client.base_url, error))
        return None

    bot = str(answer.get("user") or "ticketbot")
    report.ok(
        texts.SLACK_AUTH_OK.format(
            api_url=client.base_url,
            team=answer.get("team", "?"),
            team_id=answer.get("team_id", "?"),
            bot=bot,
            bot_id=answer.get("user_id", "?"),
        )
    )
    check_scopes(answer, report)
    return bot


def check_scopes(answer: SlackResponse, report: Report) -> None:
    """Report each needed bot scope that auth.test's answer does not list."""
    listed = _header(answer.headers, SCOPES_HEADER)
    if listed is None:
        report.warn(texts.SCOPES_UNKNOWN)
        return

    granted = {scope.strip() for scope in listed.split(",") if scope.strip()}
    missing = [scope for scope in NEEDED_SCOPES if scope not in granted]
    for scope in missing:
        report.fail(texts.SCOPE_MISSING.format(scope=scope, purpose=NEEDED_SCOPES[scope]))
    if not missing:
        report.ok(texts.SCOPES_OK.format(count=len(NEEDED_SCOPES), scopes=", ".join(NEEDED_SCOPES)))


def check_app_token(settings: Settings, report: Report) -> None:
    """Report whether Slack accepts the app-level token, without opening the WebSocket."""
    if settings.slack_app_token is None:
        report.ok(texts.APP_TOKEN_UNSET)
        return

    client = WebClient(base_url=settings.slack_api_url, timeout=SLACK_TIMEOUT)
    try:
        # The URL it returns is for one connection and expires unused; nothing is opened here.
        client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        report.fail(texts.APP_TOKEN_REFUSED.format(error=slack_error_code(error)))
        return
    except UNREACHABLE as error:
        report.fail(unreachable(client.base_url, error))
        return
    report.ok(texts.APP_TOKEN_OK)


def check_triage_channels(
    client: WebClient, channels: Iterable[str], bot: str, report: Report
) -> None:
    """Report whether each triage channel exists and has the bot as a member."""
    for channel in dict.fromkeys(channels):
        try:
            answer = client.conversations_info(channel=channel)
        except SlackApiError as error:
            report.fail(_channel_refusal(channel, error, bot))
            continue
        except UNREACHABLE as error:
            report.fail(unreachable(client.base_url, error))
            return

        record: Mapping[str, Any] = answer.get("channel") or {}
        name = str(record.get("name") or channel)
        if record.get("is_archived"):
            report.fail(texts.CHANNEL_ARCHIVED.format(channel=channel, name=name))
        elif not record.get("is_member"):
            report.fail(texts.CHANNEL_NOT_MEMBER.format(channel=channel, name=name, bot=bot))
        else:
            report.ok(texts.CHANNEL_OK.format(channel=channel, name=name))


def _channel_refusal(channel: str, error: SlackApiError, bot: str) -> str:
    """Return the line for a conversations.info call that Slack refused."""
    code = slack_error_code(error)
    if code == "channel_not_found":
        return texts.CHANNEL_NOT_FOUND.format(channel=channel, bot=bot)
    if code == "missing_scope":
        needed = error.response.get("needed") or "channels:read or groups:read"
        return texts.CHANNEL_NO_SCOPE.format(channel=channel, error=code, needed=needed)
    return texts.CHANNEL_REFUSED.format(channel=channel, error=code)


def slack_error_code(error: SlackApiError) -> str:
    """Return Slack's error code of a refused call."""
    return str(error.response.get("error") or "unknown_error")


def unreachable(api_url: str, error: BaseException) -> str:
    """Return the line for a Slack Web API that could not be reached, with a short reason."""
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return texts.SLACK_UNREACHABLE.format(api_url=api_url, reason=reason)


def _header(headers: Mapping[str, Any], name: str) -> str | None:
    """Return a response header's value, whatever the case of its name."""
    for key, value in headers.items():
        if key.lower() == name:
            return ", ".join(value) if isinstance(value, list) else str(value)
    return None

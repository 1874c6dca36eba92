"""Build the Bolt app with every listener attached."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack import commands
from bot.slack.commands import CommandDeps

log = logging.getLogger(__name__)


def build_app(bot_token: str, signing_secret: str, api_url: str, deps: CommandDeps) -> App:
    """Return a Bolt app whose Web API calls go to `api_url`.

    Listeners run in the request's own thread (process_before_response): each one only
    parses and acks, and hands WHMCS work to the follow-up pool, so no Bolt thread waits on
    WHMCS.
    """
    client = WebClient(token=bot_token, base_url=api_url, timeout=10)
    app = App(
        signing_secret=signing_secret,
        client=client,
        process_before_response=True,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    commands.register(app, deps)
    return app

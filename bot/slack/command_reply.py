"""Answer a slash command through its response_url, or privately in the channel when that fails.

Slack takes at most five posts to a response_url, within 30 minutes of the command; past that,
or when it cannot be reached, the answer would be lost without a word. It is then posted with
chat.postEphemeral in the command's channel instead, so the person still learns the outcome.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookResponse

from bot.slack.response_urls import ResponseUrls

log = logging.getLogger(__name__)

# What chat.postEphemeral takes from a response_url answer.
MESSAGE_FIELDS = ("text", "blocks")


class CommandReply(Respond):
    """Bolt's respond for one command, falling back to an ephemeral message in its channel.

    With `urls`, answers go over its kept-alive connections; else through Bolt's respond.
    """

    def __init__(
        self,
        respond: Respond,
        client: WebClient,
        user: str,
        channel: str | None,
        urls: ResponseUrls | None = None,
    ) -> None:
        super().__init__(response_url=respond.response_url, proxy=respond.proxy, ssl=respond.ssl)
        self.respond = respond
        self.client = client
        self.user = user
        self.channel = channel
        self.urls = urls

    def __call__(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        """Post the answer to the response_url; say it privately in the channel if refused."""
        try:
            answer = self._post(*args, **kwargs)
        except OSError as error:
            log.warning("response_url post failed: %s", type(error).__name__)
            answer = WebhookResponse(
                url=self.response_url or "", status_code=0, body="", headers={}
            )
        else:
            if 200 <= answer.status_code < 300:
                return answer
            log.warning("response_url refused an answer: HTTP %s", answer.status_code)
        self._ephemeral(_message(args, kwargs))
        return answer

    def _post(self, *args: Any, **kwargs: Any) -> WebhookResponse:
        """Post the answer to the response_url and return Slack's answer."""
        if self.urls is None or not self.response_url:
            return self.respond(*args, **kwargs)
        status, body = self.urls.post(self.response_url, _message(args, kwargs))
        return WebhookResponse(url=self.response_url, status_code=status, body=body, headers={})

    def _ephemeral(self, fields: dict[str, Any]) -> None:
        """Post the answer with chat.postEphemeral; log the reason when that fails too."""
        if not self.channel:
            log.warning("no way to answer user=%s privately", self.user)
            return
        message = {key: fields[key] for key in MESSAGE_FIELDS if fields.get(key)}
        try:
            self.client.chat_postEphemeral(channel=self.channel, user=self.user, **message)
        except SlackApiError as error:
            log.warning("chat.postEphemeral refused: %s", error.response.get("error"))
        except OSError as error:
            log.warning("chat.postEphemeral failed: %s", type(error).__name__)


def _message(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Return the message respond was called with: keywords, or whole as the first argument."""
    first = args[0] if args else kwargs.get("text", "")
    fields = first if isinstance(first, dict) else {**kwargs, "text": first}
    message = {key: value for key, value in fields.items() if value is not None}
    if "blocks" in message:
        message["blocks"] = [
            block.to_dict() if hasattr(block, "to_dict") else block for block in message["blocks"]
        ]
    return message

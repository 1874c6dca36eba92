"""Send channel messages within Slack's rate limits, in order.

Slack accepts about one chat.postMessage per second in a channel (short bursts allowed) and
answers HTTP 429 with a Retry-After header when a method's limit is passed. Calls for one
channel are made one at a time in the order they were asked for, spaced out, and a 429 is
waited out and the same call made again, so nothing is lost or reordered.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

log = logging.getLogger(__name__)

POST_INTERVAL = 1.0  # seconds between posts in one channel
RATE_LIMIT_TRIES = 5
DEFAULT_RETRY_AFTER = 1.0
MAX_RETRY_AFTER = 120.0


def retry_after(error: SlackApiError) -> float | None:
    """Return the seconds a 429 asks to wait, or None when the error is not a rate limit."""
    response = error.response
    if response.status_code != 429 and response.get("error") != "ratelimited":
        return None
    headers = {key.lower(): value for key, value in (response.headers or {}).items()}
    raw = headers.get("retry-after")
    if isinstance(raw, list):
        raw = raw[0] if raw else None
    try:
        seconds = float(raw) if raw is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        seconds = DEFAULT_RETRY_AFTER
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


class Pacer:
    """Make channel calls in order, spacing posts and waiting out rate limits."""

    def __init__(
        self,
        client: WebClient,
        post_interval: float = POST_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.post_interval = post_interval
        self.clock = clock
        self.sleep = sleep
        self._guard = threading.Lock()
        self._channels: dict[str, threading.Lock] = {}
        self._last_post: dict[str, float] = {}

    def _channel_lock(self, channel: str) -> threading.Lock:
        with self._guard:
            return self._channels.setdefault(channel, threading.Lock())

    def call(self, method: str, channel: str, **arguments: Any) -> SlackResponse:
        """Call a Web API method on a channel; SlackApiError for any refusal but a rate limit."""
        with self._channel_lock(channel):
            for attempt in range(1, RATE_LIMIT_TRIES + 1):
                if method == "chat.postMessage":
                    wait = self._last_post.get(channel, -1e9) + self.post_interval - self.clock()
                    if wait > 0:
                        self.sleep(wait)
                    self._last_post[channel] = self.clock()
                try:
                    return self.client.api_call(method, json={"channel": channel, **arguments})
                except SlackApiError as error:
                    seconds = retry_after(error)
                    if seconds is None or attempt == RATE_LIMIT_TRIES:
                        raise
                    log.warning(
                        "Slack rate limit on %s in channel=%s: waiting %.1f s",
                        method,
                        channel,
                        seconds,
                    )
                    self.sleep(seconds)
        raise AssertionError("unreachable")

"""The fake Slack of the tests, noting when each post to a response_url arrives."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from tests.fakeslack import FakeSlack

RESPONSE_PREFIX = "/response/"


class TimedSlack(FakeSlack):
    """A FakeSlack that notes the arrival time of every post to a response_url."""

    def __init__(self, bot_token: str, users: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__(bot_token=bot_token, users=users)
        self._arrived = threading.Condition()
        self._arrivals: dict[str, list[float]] = {}

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Note when a response_url post came (time.monotonic()), then answer the request."""
        # Noted as soon as the request's head is read: the bench's sender stamps its commands
        # with the same clock, CLOCK_MONOTONIC on Linux, shared by every process.
        arrived = time.monotonic()
        super().handle(request)
        path = urlsplit(request.path).path
        if request.command == "POST" and path.startswith(RESPONSE_PREFIX):
            key = path[len(RESPONSE_PREFIX) :]
            with self._arrived:
                self._arrivals.setdefault(key, []).append(arrived)
                self._arrived.notify_all()

    def arrivals(self, response_url: str) -> list[float]:
        """Return when each post to a response_url arrived, oldest first."""
        with self._arrived:
            return list(self._arrivals.get(_key(response_url), ()))

    def wait_for_replies(self, response_urls: Iterable[str], timeout: float) -> int:
        """Wait until each response_url got at least one post; return how many did."""
        keys = {_key(url) for url in response_urls}
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                missing = keys - self._arrivals.keys()
                left = deadline - time.monotonic()
                if not missing or left <= 0:
                    return len(keys) - len(missing)
                self._arrived.wait(min(left, 1.0))


def _key(response_url: str) -> str:
    return response_url.rstrip("/").rsplit("/", 1)[-1]

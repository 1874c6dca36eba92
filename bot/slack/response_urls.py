"""Post answers to slash commands' response_urls over kept-alive connections.

Bolt's respond opens a new connection, and so a new TLS session with Slack, for every answer.
Answers here share kept connections per host across the worker threads instead.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from bot.keepalive import NoAnswer, NotSent, Origin, Pool

log = logging.getLogger(__name__)

TIMEOUT = 10.0
# Slack's answers come from one host; a few more pools cover tests and the demo.
HOSTS = 4
_HEADERS = {"Content-Type": "application/json;charset=utf-8", "User-Agent": "ticketbot"}


class ResponseUrls:
    """Post JSON answers to response_urls; safe to share across threads.

    Args:
        proxy: the proxy the bot's Slack Web API client uses (slack_sdk reads it from the
            environment), or None.
        pool_size: connections kept per host, one per worker thread that answers.
    """

    def __init__(self, proxy: str | None = None, pool_size: int = 16) -> None:
        self.proxy: Origin | None = None
        self._problem: str | None = None
        if proxy:
            try:
                self.proxy = Origin.parse(proxy if "://" in proxy else f"http://{proxy}")
            except ValueError:
                # Answers then go by chat.postEphemeral, through Slack's own client.
                self._problem = "the proxy URL is not valid"
                log.warning("the https_proxy URL is not valid: answers go by chat.postEphemeral")
        self.pool_size = pool_size
        self._pools: dict[Origin, Pool] = {}
        self._lock = threading.Lock()

    def post(self, url: str, message: Mapping[str, Any]) -> tuple[int, str]:
        """Post one answer; return Slack's HTTP status and body.

        Raises OSError when no answer came.
        """
        if self._problem:
            raise ConnectionError(self._problem)
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        try:
            answer = self._pool(Origin.parse(url)).post(path, _HEADERS, body, TIMEOUT)
        except (NotSent, NoAnswer) as error:
            raise ConnectionError(error.reason) from None
        except ValueError as error:  # not an http(s) URL, or a proxy that is not http://
            raise ConnectionError(str(error)) from None
        return answer.status, answer.body.decode("utf-8", "replace")

    def close(self) -> None:
        """Close the kept connections."""
        with self._lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def _pool(self, origin: Origin) -> Pool:
        with self._lock:
            pool = self._pools.pop(origin, None)
            if pool is None:
                if len(self._pools) >= HOSTS:
                    least_used = next(iter(self._pools))
                    self._pools.pop(least_used).close()
                pool = Pool(origin, self.pool_size, self.proxy)
            self._pools[origin] = pool  # the most recently used last
            return pool

"""Send signed `/ticket` commands with a fixed number in flight, and wait for their replies."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

from bench.slack import TimedSlack
from tests.slackreq import sign, slash_command_body

IN_FLIGHT = 50
ACK_TIMEOUT = 10.0
CHANNEL = "C0BENCH01"
FORM = "application/x-www-form-urlencoded"
# After the last reply, how long to keep listening for a second (duplicate) reply.
DUPLICATE_WATCH = 0.3


@dataclass
class Sent:
    """One command as sent: its response_url, when it went, and how its ack came back."""

    text: str
    response_url: str
    sent_at: float
    ack_seconds: float | None = None
    status: int | None = None
    error: str | None = None


@dataclass
class Replies:
    """What reached the response_urls of a batch of commands."""

    arrived: int
    missing: int
    duplicated: int
    # perf_counter when the last first reply was seen, None when none came.
    last_arrival: float | None
    arrival_seconds: list[float] = field(default_factory=list)


class CommandLoad:
    """Send `/ticket` commands the way Slack does, from a pool of `in_flight` senders."""

    def __init__(
        self,
        slack: TimedSlack,
        signing_secret: str,
        users: Sequence[str],
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.slack = slack
        self.signing_secret = signing_secret
        self.users = itertools.cycle(users)
        self.in_flight = in_flight
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._guard = threading.Lock()
        self._triggers = itertools.count(1)
        # The same senders, each with its keep-alive connection, serve every batch: the
        # server sees at most `in_flight` connections, as behind a proxy.
        self._pool = ThreadPoolExecutor(in_flight, thread_name_prefix="sender")

    def close(self) -> None:
        """Stop the senders and close their connections."""
        self._pool.shutdown(wait=True)
        with self._guard:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def send(self, url: str, texts: Sequence[str]) -> list[Sent]:
        """Send every command to `url`, `in_flight` at a time; return them in sending order."""
        with self._guard:
            jobs = [(text, next(self.users)) for text in texts]
        return list(self._pool.map(lambda job: self._send_one(url, *job), jobs))

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # loopback only: no proxy from the environment
            self._local.session = session
            with self._guard:
                self._sessions.append(session)
        return session

    def _send_one(self, url: str, text: str, user: str) -> Sent:
        response_url = self.slack.new_response_url()
        body = slash_command_body(
            text,
            user_id=user,
            user_name=user.lower(),
            channel_id=CHANNEL,
            response_url=response_url,
            trigger_id=f"{next(self._triggers)}.1337.{uuid.uuid4().hex}",
        )
        headers = {**sign(self.signing_secret, body), "Content-Type": FORM}
        sent = Sent(text, response_url, time.perf_counter())
        try:
            answer = self._session().post(url, data=body, headers=headers, timeout=ACK_TIMEOUT)
        except requests.RequestException as error:
            sent.error = type(error).__name__
            return sent
        sent.ack_seconds = time.perf_counter() - sent.sent_at
        sent.status = answer.status_code
        return sent

    def wait_replies(
        self, sent: Sequence[Sent], timeout: float, watch: float = DUPLICATE_WATCH
    ) -> Replies:
        """Wait until every command's response_url got a post, or `timeout` seconds passed.

        Args:
            watch: seconds to keep listening after that for a second (duplicate) reply.
        """
        urls = [item.response_url for item in sent]
        self.slack.wait_for_replies(urls, timeout)
        time.sleep(watch)
        firsts: list[float] = []
        seconds: list[float] = []
        duplicated = 0
        for item in sent:
            times = self.slack.arrivals(item.response_url)
            if times:
                firsts.append(times[0])
                seconds.append(times[0] - item.sent_at)
            duplicated += len(times) > 1
        return Replies(
            arrived=len(firsts),
            missing=len(sent) - len(firsts),
            duplicated=duplicated,
            last_arrival=max(firsts) if firsts else None,
            arrival_seconds=sorted(seconds),
        )

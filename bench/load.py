"""Send signed `/ticket` commands through the sender process, and wait for their replies."""

from __future__ import annotations

import itertools
import json
import logging
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.processes import STOP_TIMEOUT, child_environment
from bench.sender import ACK_TIMEOUT, IN_FLIGHT
from bench.slack import TimedSlack

log = logging.getLogger(__name__)

# After the last reply, how long to keep listening for a second (duplicate) reply.
DUPLICATE_WATCH = 0.3


@dataclass
class Sent:
    """One command as sent: its response_url, when it went, and how its ack came back.

    `sent_at` is time.monotonic() in the sender's process, the clock the fake Slack notes
    reply arrivals with.
    """

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
    # time.monotonic() when the last first reply was seen, None when none came.
    last_arrival: float | None
    arrival_seconds: list[float] = field(default_factory=list)


class CommandLoad:
    """Send `/ticket` commands the way Slack does, `in_flight` at a time, from `bench.sender`.

    The sender runs as a process of its own, so that neither its work nor its waits share an
    interpreter with the fake Slack whose reply times it is measured against.
    """

    def __init__(
        self,
        slack: TimedSlack,
        signing_secret: str,
        users: Sequence[str],
        workdir: Path,
        in_flight: int = IN_FLIGHT,
        ack_timeout: float = ACK_TIMEOUT,
    ) -> None:
        self.slack = slack
        self.signing_secret = signing_secret
        self.users = itertools.cycle(users)
        self.in_flight = in_flight
        self.log_path = workdir / "sender.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        command = [sys.executable, "-m", "bench.sender", "--in-flight", str(in_flight)]
        command += ["--ack-timeout", str(ack_timeout)]
        self.process = subprocess.Popen(
            command,
            env=child_environment({}),
            cwd=workdir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )

    def close(self) -> None:
        """Let the sender finish: end its input, and kill it if it does not exit."""
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            log.warning("the sender did not exit within %g s: killing it", STOP_TIMEOUT)
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def send(self, url: str, texts: Sequence[str]) -> list[Sent]:
        """Send every command to `url`, `in_flight` at a time; return them in sending order."""
        commands = [
            {"text": text, "user": next(self.users), "response_url": self.slack.new_response_url()}
            for text in texts
        ]
        batch = {"url": url, "signing_secret": self.signing_secret, "commands": commands}
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps(batch).encode() + b"\n")
            stdin.flush()
        except BrokenPipeError:
            pass  # reported below, with the sender's log
        line = stdout.readline()
        if not line:
            self.process.wait(STOP_TIMEOUT)
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the sender exited with code {self.process.returncode}:\n{tail}")
        outcomes = json.loads(line)["sent"]
        return [
            Sent(command["text"], command["response_url"], **outcome)
            for command, outcome in zip(commands, outcomes, strict=True)
        ]

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

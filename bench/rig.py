"""The bot under test, running against the sandbox and the fake Slack, and a batch of commands."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.load import DUPLICATE_WATCH, CommandLoad, Replies, Sent
from bench.mix import FieldChanges, bench_tickets
from bench.processes import HttpProcess, ServerProcess
from bench.sandbox_process import SandboxProcess
from bench.scale import Scale
from bench.servers import SIGNING_SECRET, USERS, fake_slack, start_bot
from bench.slack import TimedSlack

BATCH_TIMEOUT = 120.0


@dataclass
class Batch:
    """A batch of commands sent and answered: acks, replies, wall time, the server's CPU time."""

    sent: list[Sent]
    replies: Replies
    seconds: float
    cpu_seconds: float

    @property
    def acks(self) -> list[float]:
        """Return each ack's seconds; a command never acked counts as infinitely late."""
        return [s.ack_seconds if s.ack_seconds is not None else float("inf") for s in self.sent]

    @property
    def refused(self) -> int:
        """Return how many commands were not acked with HTTP 200."""
        return sum(1 for s in self.sent if s.status != 200)


@dataclass
class Rig:
    """The sandbox, the fake Slack, the bot process, and the command sender."""

    workdir: Path
    slack: TimedSlack
    sandbox: SandboxProcess
    bot: HttpProcess
    load: CommandLoad
    changes: FieldChanges

    @classmethod
    def start(cls, workdir: Path, scale: Scale) -> Rig:
        """Start everything, with the bench tickets in the sandbox and the bot ready."""
        slack = fake_slack()
        started: list[ServerProcess] = []
        try:
            sandbox = SandboxProcess(workdir)
            started.append(sandbox)
            rows = bench_tickets(scale.tickets)
            sandbox.put_tickets(rows)
            bot = start_bot(workdir, slack, sandbox)
            started.append(bot)
            bot.wait_ready()
            load = CommandLoad(slack, SIGNING_SECRET, USERS, workdir)
        except BaseException:
            for process in reversed(started):
                process.stop()
            slack.stop()
            raise
        changes = FieldChanges([row["id"] for row in rows])
        return cls(workdir, slack, sandbox, bot, load, changes)

    def stop(self) -> None:
        """Stop the bot, the sandbox and the fake Slack."""
        self.load.close()
        self.bot.stop()
        self.sandbox.stop()
        self.slack.stop()

    def batch(
        self,
        texts: Sequence[str],
        target: HttpProcess | None = None,
        timeout: float = BATCH_TIMEOUT,
        watch: float = DUPLICATE_WATCH,
    ) -> Batch:
        """Send commands to the bot (or `target`) and wait for every reply.

        Args:
            watch: seconds to keep listening after the last reply for duplicates.
        """
        server = target or self.bot
        cpu = server.cpu_seconds()
        asked = time.monotonic()
        sent = self.load.send(server.events_url, texts)
        replies = self.load.wait_replies(sent, timeout, watch)
        # The batch runs from its first command (sent_at, time.monotonic() in the sender's
        # process) to its last reply (noted by the fake Slack with the same clock).
        started = min((s.sent_at for s in sent), default=asked)
        ended = replies.last_arrival if replies.last_arrival is not None else time.monotonic()
        # Read after the duplicate watch, so that work finishing after the last reply counts.
        server.check_alive()
        return Batch(sent, replies, ended - started, server.cpu_seconds() - cpu)

"""Send batches of signed `/ticket` commands from a process of its own, one thread, asyncio.

Run as `python -m bench.sender [--in-flight N] [--ack-timeout S]`. Each line read on stdin is
one batch, as JSON:

    {"url": "http://127.0.0.1:PORT/slack/events", "signing_secret": "...",
     "commands": [{"text": "...", "user": "U...", "response_url": "..."}, ...]}

and is answered by one line on stdout, each command's outcome in the order given:

    {"sent": [{"sent_at": T, "ack_seconds": S, "status": 200, "error": null}, ...]}

Exactly `in_flight` commands are in flight while any are left, over at most `in_flight`
keep-alive connections kept from batch to batch. `sent_at` is time.monotonic(): on Linux that
is CLOCK_MONOTONIC, one clock for the whole system, so the benchmark's process can set it
against the times the fake Slack noted. Running apart from the benchmark keeps this process's
work off the benchmark's interpreter, and one event loop keeps its own delays below a
millisecond where a pool of threads would queue for one interpreter lock.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import logging
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from bench.connection import Answer, ClosedBeforeAnswer, Connection, ExchangeError
from tests.slackreq import LOOPBACK_HOSTS, sign, slash_command_body

log = logging.getLogger(__name__)

IN_FLIGHT = 50
ACK_TIMEOUT = 10.0
CHANNEL = "C0BENCH01"
FORM = "application/x-www-form-urlencoded"
# Slack's signature is good for 5 minutes; a request that waited longer than this for its turn
# is signed again before it goes, well inside that window.
RESIGN_AFTER = 60.0
# A request that finds its keep-alive connection closed, with no answer, after the connection sat
# idle this long is sent once more on a new one: see Sender._exchange.
RETRY_AFTER_IDLE = 1.0
# A batch of thousands of commands is one line of JSON on stdin.
LINE_LIMIT = 256 * 1024 * 1024


class Target(NamedTuple):
    """Where the commands go: a loopback host, its port, and the path of the Slack endpoint."""

    host: str
    port: int
    path: str

    @classmethod
    def of(cls, url: str) -> Target:
        """Return the target of an http URL on loopback; refuse any other host."""
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS or not parts.port:
            raise ValueError(f"commands go to http://127.0.0.1:PORT only, not {url}")
        return cls(parts.hostname, parts.port, parts.path or "/")


@dataclass
class Outcome:
    """How one command's ack came back: when it went, after how long, with what status."""

    sent_at: float
    ack_seconds: float | None = None
    status: int | None = None
    error: str | None = None


@dataclass
class Signed:
    """A command as bytes on the wire, signed at `signed_at` (monotonic seconds)."""

    command: Mapping[str, str]
    trigger_id: str
    wire: bytes
    signed_at: float


class Sender:
    """Keep `in_flight` commands in flight over at most as many keep-alive connections."""

    def __init__(self, in_flight: int = IN_FLIGHT, ack_timeout: float = ACK_TIMEOUT) -> None:
        self.in_flight = in_flight
        self.ack_timeout = ack_timeout
        self._idle: dict[tuple[str, int], list[Connection]] = {}
        self._triggers = itertools.count(1)

    def close(self) -> None:
        """Close every idle connection."""
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()

    async def send(
        self, url: str, signing_secret: str, commands: Sequence[Mapping[str, str]]
    ) -> list[Outcome]:
        """Send every command to `url`; return their outcomes in the order given."""
        target = Target.of(url)
        self._drop_stale()
        # Every request is built and signed before the first one goes.
        queue = [self._sign(target, signing_secret, c, self._trigger_id()) for c in commands]
        outcomes: dict[int, Outcome] = {}
        turns = iter(enumerate(queue))

        async def send_in_turn() -> None:
            for index, signed in turns:
                if time.monotonic() - signed.signed_at > RESIGN_AFTER:
                    signed = self._sign(target, signing_secret, signed.command, signed.trigger_id)
                outcomes[index] = await self._send_one(target, signed.wire)

        await asyncio.gather(*(send_in_turn() for _ in range(min(self.in_flight, len(queue)))))
        return [outcomes[index] for index in range(len(queue))]

    def _trigger_id(self) -> str:
        return f"{next(self._triggers)}.1337.{uuid.uuid4().hex}"

    def _sign(
        self, target: Target, secret: str, command: Mapping[str, str], trigger_id: str
    ) -> Signed:
        user = command["user"]
        body = slash_command_body(
            command["text"],
            user_id=user,
            user_name=user.lower(),
            channel_id=CHANNEL,
            response_url=command["response_url"],
            trigger_id=trigger_id,
        )
        head = [
            f"POST {target.path} HTTP/1.1",
            f"Host: {target.host}:{target.port}",
            f"Content-Type: {FORM}",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in sign(secret, body).items()),
            "",
            "",
        ]
        wire = "\r\n".join(head).encode("latin-1") + body
        return Signed(command, trigger_id, wire, time.monotonic())

    async def _send_one(self, target: Target, request: bytes) -> Outcome:
        address = (target.host, target.port)
        connection = self._take_idle(address)
        outcome = Outcome(time.monotonic())
        try:
            async with asyncio.timeout(self.ack_timeout):
                connection, answer = await self._exchange(address, connection, request)
        except TimeoutError:
            outcome.error = "timeout"
            return outcome
        except ExchangeError as error:
            outcome.error = error.reason
            return outcome
        outcome.ack_seconds = time.monotonic() - outcome.sent_at
        outcome.status = answer.status
        if answer.keep_alive:
            self._idle.setdefault(address, []).append(connection)
        return outcome

    async def _exchange(
        self, address: tuple[str, int], connection: Connection | None, request: bytes
    ) -> tuple[Connection, Answer]:
        if connection is None:
            connection = await Connection.open(*address)
        rested = connection.idle_seconds() >= RETRY_AFTER_IDLE
        try:
            return connection, await connection.exchange(request)
        except ClosedBeforeAnswer:
            if not rested:
                raise
        # NOTE: a server may close an idle keep-alive connection just as a request goes out on
        # it (waitress closes those idle for 120 s) and never read that request; send it once
        # more on a new connection. One closed straight after an answer is the server's fault.
        connection = await Connection.open(*address)
        return connection, await connection.exchange(request)

    def _drop_stale(self) -> None:
        """Close the idle connections their servers have closed, such as a stopped server's."""
        for address, idle in list(self._idle.items()):
            live = [connection for connection in idle if not connection.stale]
            for connection in idle:
                if connection.stale:
                    connection.close()
            if live:
                self._idle[address] = live
            else:
                del self._idle[address]

    def _take_idle(self, address: tuple[str, int]) -> Connection | None:
        idle = self._idle.get(address, [])
        while idle:
            connection = idle.pop()
            if not connection.stale:
                return connection
            connection.close()
        return None


async def serve(sender: Sender) -> None:
    """Answer each batch read on stdin with its outcomes on stdout, until stdin ends."""
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    try:
        while line := await stdin.readline():
            batch = json.loads(line)
            outcomes = await sender.send(batch["url"], batch["signing_secret"], batch["commands"])
            failed = sum(1 for outcome in outcomes if outcome.error)
            if failed:
                log.warning("%d of %d commands got no ack", failed, len(outcomes))
            sys.stdout.write(json.dumps({"sent": [asdict(o) for o in outcomes]}) + "\n")
            sys.stdout.flush()
    finally:
        sender.close()


def main(argv: list[str] | None = None) -> int:
    """Send the batches read on stdin; return 0 once stdin ends."""
    parser = argparse.ArgumentParser(prog="python -m bench.sender", description=__doc__)
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT)
    parser.add_argument("--ack-timeout", type=float, default=ACK_TIMEOUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(Sender(args.in_flight, args.ack_timeout)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

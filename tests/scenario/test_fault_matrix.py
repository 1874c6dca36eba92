"""WHMCS faults met by `/ticket 42 status Closed`, each switched on in the sandbox.

For every fault: the person's answer says what happened, the operator gets exactly one warning
or error line, the ticket is as the answer says (read back after an unknown outcome), no write
is sent twice, and an access error is never followed by another call.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.sandbox import Sandbox
from tests.fakeslack import FakeSlack
from tests.scenario.harness import Harness, text_of

COMMAND = "42 status Closed"
# The bot gives up on WHMCS after WHMCS_TIMEOUT; a slow fault holds its answer for longer.
WHMCS_TIMEOUT = "1"
SLOW = 1.6
UNRESOLVABLE = "whmcs.invalid"
# Every GetTicket of ticket 42 is also asked by ticket number, as `42` may be either.
ROLE_WITHOUT_UPDATE = [
    "getadminusers",
    "getticket",
    "getsupportstatuses",
    "getsupportdepartments",
    "addticketnote",
]


@dataclass(frozen=True)
class Fault:
    """A sandbox fault switch and what a person and the ticket show after it."""

    switch: dict[str, Any]
    says: tuple[str, ...]
    closed: bool = False
    writes: int = 1
    read_back: bool = True
    logger: str = "bot.whmcs.transport"
    level: int = logging.WARNING


NOT_CHANGED = "The ticket was read back and nothing had changed"
CHANGED = "*Status*: Open → Closed"
READ_BACK = "the ticket was read back to confirm what changed"


def on_write(mode: str | None, **switch: Any) -> dict[str, Any]:
    """Return a fault switch for the next UpdateTicket only."""
    return {"mode": mode, "actions": ["updateticket"], "count": 1, **switch}


FAULTS = {
    "timeout before the write": Fault(
        on_write("close", latency=SLOW),
        ("did not answer clearly (timed out after 1 s)", NOT_CHANGED, "Nothing was changed"),
    ),
    "timeout after the write": Fault(
        on_write("timeout_after_write", hang=SLOW),
        ("timed out after 1 s", READ_BACK, CHANGED),
        closed=True,
    ),
    "connection dropped": Fault(
        on_write("close"), ("connection dropped before the answer", NOT_CHANGED)
    ),
    "HTTP 500 page": Fault(
        on_write("html_500"), ("did not answer clearly (HTTP 500)", NOT_CHANGED)
    ),
    "HTTP 503 page": Fault(
        on_write("html_503"), ("did not answer clearly (HTTP 503)", NOT_CHANGED)
    ),
    "PHP notice before the JSON": Fault(
        on_write("php_notice"), ("PHP notices around the JSON", READ_BACK, CHANGED), closed=True
    ),
    "HTML page instead of the JSON": Fault(
        on_write("html_200"), ("did not answer clearly (answer was not JSON)", NOT_CHANGED)
    ),
    "warning body": Fault(
        on_write("warning"), ("The system is in maintenance mode", "Nothing was changed")
    ),
    "status error body": Fault(
        on_write("status_error"),
        ("Request blocked by the security module", "Nothing was changed"),
    ),
    "ticket answer missing its keys": Fault(
        {"mode": "missing_keys", "actions": ["getticket"], "count": 1},
        ("did not answer clearly (answer lacked 'tid')", "Nothing was changed"),
        writes=0,
        read_back=False,
        logger="bot.whmcs.client",
    ),
}


@dataclass(frozen=True)
class Refusal:
    """An access error WHMCS gives every call, and what the person and operator are told."""

    says: tuple[str, ...]
    access: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    ban: bool = False
    refused: str = "getadminusers"
    # Wrong credentials and a ban hold every later call: the next command sends none.
    held: bool = True
    logger: str = "bot.whmcs.hold"
    level: int = logging.ERROR


REFUSALS = {
    "IP not allowed": Refusal(
        ("Invalid IP 127.0.0.1", "allow-list", "setup problem"),
        access={"allowed_ips": ["198.51.100.7"]},
        held=False,
        logger="bot.whmcs.transport",
        level=logging.WARNING,
    ),
    "credentials unknown": Refusal(
        ("Invalid or missing credentials", "WHMCS_IDENTIFIER"),
        env={"WHMCS_IDENTIFIER": "no-such-identifier"},
    ),
    "wrong secret": Refusal(
        ("Authentication Failed", "WHMCS_SECRET"), env={"WHMCS_SECRET": "wrong-secret-1234"}
    ),
    "API role lacks UpdateTicket": Refusal(
        ('Invalid Permissions: API action "updateticket" is not allowed', "API role"),
        access={"allowed_actions": ROLE_WITHOUT_UPDATE},
        refused="updateticket",
        held=False,
        logger="bot.whmcs.transport",
        level=logging.WARNING,
    ),
    "IP banned": Refusal(("IP Banned", "banned the bot's address"), ban=True),
}


@pytest.fixture
def start(sandbox: Sandbox, slack: FakeSlack, tmp_path: Path) -> Iterator[Any]:
    """Start the bot with a short WHMCS timeout and any other settings a test gives."""
    started: list[Harness] = []

    def run(**env: str) -> Harness:
        harness = Harness(sandbox, slack, tmp_path, env={"WHMCS_TIMEOUT": WHMCS_TIMEOUT, **env})
        started.append(harness.start())
        return harness

    yield run
    for harness in started:
        harness.stop()


def faults_logged(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return the warnings and errors the bot logged (the sandbox's own log left out)."""
    return [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING
        and record.name.startswith("bot.")
        and not record.name.startswith("bot.sandbox")
    ]


def answer(bot: Harness) -> str:
    """Send the command and return everything its response_url was sent, as read."""
    posts = bot.command(COMMAND).posts(timeout=15)
    assert posts, "the bot answered nothing"
    return "\n".join(text_of(post) for post in posts)


def received(bot: Harness, writes: int) -> list[str]:
    """Wait until the sandbox has recorded `writes` UpdateTicket calls; return every action.

    The sandbox records a call once it has answered it, so a slow fault shows up late; the
    actions are given in the order they arrived.
    """
    deadline = time.monotonic() + SLOW + 3
    while len(bot.writes()) < writes and time.monotonic() < deadline:
        time.sleep(0.05)
    return [call["action"] for call in sorted(bot.calls(), key=lambda call: call["time"])]


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_whmcs_fault_is_told_logged_once_and_never_written_twice(
    start: Any, caplog: pytest.LogCaptureFixture, fault: Fault
) -> None:
    bot = start()
    before = bot.ticket(42)
    bot.faults(**fault.switch)
    caplog.set_level(logging.INFO)

    said = answer(bot)

    for phrase in fault.says:
        assert phrase in said
    if not fault.closed:
        assert "Open → Closed" not in said
    [line] = faults_logged(caplog)
    assert (line.name, line.levelno) == (fault.logger, fault.level)
    assert "\n" not in line.getMessage()
    actions = received(bot, fault.writes)
    assert actions.count("updateticket") == fault.writes
    if fault.read_back:
        assert "getticket" in actions[actions.index("updateticket") :]
    stored = bot.ticket(42)
    if fault.closed:
        assert stored["status"] == "Closed"
    else:
        assert stored == before


@pytest.mark.parametrize("refusal", REFUSALS.values(), ids=REFUSALS.keys())
def test_an_access_error_is_a_setup_problem_and_never_sent_again(
    start: Any, caplog: pytest.LogCaptureFixture, refusal: Refusal
) -> None:
    bot = start(**refusal.env)
    before = bot.ticket(42)
    if refusal.access:
        url = f"{bot.sandbox.url}/_sandbox/access"
        requests.post(url, json=refusal.access, timeout=5).raise_for_status()
    if refusal.ban:
        for _ in range(3):
            login = {"action": "GetTicket", "identifier": "someone", "secret": "guessed"}
            requests.post(f"{bot.sandbox.url}/includes/api.php", data=login, timeout=5)
    requests.delete(f"{bot.sandbox.url}/_sandbox/calls", timeout=5).raise_for_status()
    caplog.set_level(logging.INFO)

    said = answer(bot)

    for phrase in refusal.says:
        assert phrase in said
    assert "Nothing was changed" in said
    for secret in refusal.env.values():
        assert secret not in said and secret not in caplog.text
    [line] = faults_logged(caplog)
    assert (line.name, line.levelno) == (refusal.logger, refusal.level)
    actions = [call["action"] for call in bot.calls()]
    assert actions[-1] == refusal.refused  # nothing was sent after the refused call
    assert actions.count(refusal.refused) == 1
    assert bot.ticket(42) == before

    caplog.clear()
    again = answer(bot)
    assert refusal.says[0] in again
    if refusal.held:
        assert [call["action"] for call in bot.calls()] == actions
        assert faults_logged(caplog) == []
    assert bot.ticket(42) == before


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A loopback port bound but not listening: connections to it are refused."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield bound.getsockname()[1]


def unresolvable(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make one made-up host name fail to resolve, as a mistyped WHMCS_URL would."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host == UNRESOLVABLE:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return f"http://{UNRESOLVABLE}"


@pytest.mark.parametrize("where", ["connection refused", "the host name does not resolve"])
def test_whmcs_out_of_reach_changes_nothing_and_says_so(
    start: Any,
    caplog: pytest.LogCaptureFixture,
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    if where == "connection refused":
        url = f"http://127.0.0.1:{closed_port}"
    else:
        url = unresolvable(monkeypatch)
    bot = start(WHMCS_URL=url)
    before = bot.ticket(42)
    caplog.set_level(logging.INFO)

    said = answer(bot)

    assert "WHMCS could not be reached" in said and "Nothing was changed" in said
    [line] = faults_logged(caplog)
    assert line.name == "bot.whmcs.transport" and line.levelno == logging.WARNING
    assert where in line.getMessage()
    assert bot.calls() == []
    assert bot.ticket(42) == before

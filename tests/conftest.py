"""Servers shared by the tests, and the privacy check that runs over the whole test run.

The servers are the sandbox WHMCS and the fake Slack Web API, both on loopback. The privacy
check records every line the bot's loggers write (at the levels LOG_LEVEL=DEBUG enables) and
every message a fake Slack receives where a channel can read it, then fails the run if any of
them holds a secret the tests use, a Slack token, an email address or a demo ticket's message;
a log line may not name a demo customer or a ticket's subject either. Direct messages,
ephemeral messages and views are private to one person and are not checked.
"""

from __future__ import annotations

import html
import json
import logging
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from bot.cli import QUIET_LOGGERS
from bot.sandbox import Sandbox
from bot.sandbox.demo_catalog import CLIENTS, GUESTS
from bot.sandbox.demo_tickets import CLIENT_FOLLOW_UPS, NOTES, STAFF_REPLIES, TICKETS
from tests.fakeslack import FakeSlack

SANDBOX_IDENTIFIER = "test-identifier"
SANDBOX_SECRET = "test-secret-value-9f3c"


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[Sandbox]:
    """One sandbox WHMCS for the whole run; each test gets it reset."""
    with Sandbox(identifier=SANDBOX_IDENTIFIER, secret=SANDBOX_SECRET).start() as server:
        yield server


@pytest.fixture
def sandbox(sandbox_server: Sandbox) -> Sandbox:
    """The sandbox WHMCS back at its demo data, with no faults and an empty call log."""
    requests.post(sandbox_server.url + "/_sandbox/reset", timeout=5).raise_for_status()
    return sandbox_server


@pytest.fixture(scope="session")
def slack_server() -> Iterator[FakeSlack]:
    """One fake Slack for the whole run; each test gets it reset."""
    users = {
        "U0000001": {"email": "alice@example.com", "real_name": "Alice Admin", "is_bot": False},
        "U0000002": {"email": "bob@example.com", "real_name": "Bob Builder", "is_bot": False},
        "U0000009": {"email": "nobody@example.org", "real_name": "Nobody", "is_bot": False},
    }
    with FakeSlack(users=users).start() as server:
        yield server


@pytest.fixture
def slack(slack_server: FakeSlack) -> FakeSlack:
    """The fake Slack with nothing recorded."""
    slack_server.reset()
    return slack_server


# Privacy: logs carry ids, never a secret, an email address, a customer's name, a subject or a
# message body; a channel sees no secret, no email address and no message body either.

# A module constant of the tests whose name ends like one of these holds a secret.
_SECRET_NAME = re.compile(r"(?:^|_)(?:TOKEN|SECRET|ACCESS_KEY|IDENTIFIER)$")
_SHORTEST_SECRET = 8  # shorter test values ("k3y", "s3") are too common to look for
# Slack tokens of every kind, including those a test makes up on the spot.
_SLACK_TOKEN = re.compile(r"\b(?:xox[abpre]|xapp)-[0-9A-Za-z-]{4,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# What the demo tickets' customers and staff wrote, long enough to be told from other text.
MESSAGE_BODIES = tuple(
    text
    for text in (*(body for _, _, body in TICKETS), *NOTES, *STAFF_REPLIES, *CLIENT_FOLLOW_UPS)
    if len(text) >= 20
)
# Customer data a card may show to its channel, but no log line may hold.
CUSTOMER_NAMES = tuple(name for _, name, _ in CLIENTS) + tuple(name for name, _ in GUESTS)
SUBJECTS = tuple(subject for subject, _, _ in TICKETS if len(subject) >= 15)
_SHOWN = 120  # characters shown each side of a leak


@dataclass
class Sighting:
    """One text the bot wrote: in which test, where (a logger or a channel), and the text."""

    test: str
    where: str
    text: str
    logged: bool


@dataclass
class PrivacyWatch:
    """Record what the bot logs and posts in channels during the run, and find what leaked."""

    sightings: list[Sighting] = field(default_factory=list)
    test: str = "(before the first test)"
    leaks: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, where: str, text: str, logged: bool) -> None:
        """Record one log line or channel post, under the test that is running."""
        with self._lock:
            self.sightings.append(Sighting(self.test, where, text, logged))

    def posted(self, method: str, channel: str, content: Any) -> None:
        """Record a message posted where a channel can read it."""
        self.saw(f"{method} in {channel}", json.dumps(content, ensure_ascii=False), False)

    def find_leaks(self, secrets: set[str]) -> list[str]:
        """Return one line per leak: the test, where it was seen, what leaked, and around it."""
        leaks = []
        for sighting in self.sightings:
            # Slack's mrkdwn writes & < > as entities; look at the text as people read it too.
            for text in dict.fromkeys((sighting.text, html.unescape(sighting.text))):
                for what, found in _private_in(text, secrets, sighting.logged):
                    at = text.index(found)
                    around = text[max(at - _SHOWN, 0) : at + len(found) + _SHOWN]
                    leaks.append(f"{sighting.test}: {sighting.where}: {what} in {around!r}")
        return list(dict.fromkeys(leaks))


def _private_in(text: str, secrets: set[str], logged: bool) -> list[tuple[str, str]]:
    """Return what a text holds that it must not: a description and the text found."""
    found = [("secret", secret) for secret in secrets if secret in text]
    found += [("Slack token", token) for token in _SLACK_TOKEN.findall(text)]
    found += [("email address", email) for email in _EMAIL.findall(text)]
    found += [("message body", body) for body in MESSAGE_BODIES if body in text]
    if logged:
        found += [("customer name", name) for name in CUSTOMER_NAMES if name in text]
        found += [("ticket subject", subject) for subject in SUBJECTS if subject in text]
    described: dict[str, str] = {}
    for what, text_found in found:
        described.setdefault(text_found, what)
    return [(what, text_found) for text_found, what in described.items()]


class _LogSink(logging.Handler):
    """Hand every formatted record of the bot's loggers, tracebacks included, to the watch."""

    def __init__(self, watch: PrivacyWatch) -> None:
        super().__init__(logging.DEBUG)
        self.watch = watch
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.watch.saw(f"log {record.name}", self.format(record), True)
        except (TypeError, ValueError):  # a log call whose arguments do not fit its message
            self.handleError(record)


def secrets_in_tests() -> set[str]:
    """Return the secrets the tests use: every test module's constant named like a secret."""
    secrets = set()
    for name, module in list(sys.modules.items()):
        if name != "tests" and not name.startswith("tests."):
            continue
        for constant, value in vars(module).items():
            if _SECRET_NAME.search(constant) and isinstance(value, str):
                secrets.add(value)
    return {secret for secret in secrets if len(secret) >= _SHORTEST_SECRET}


_WATCH = PrivacyWatch()
_BOT_LOGGER = logging.getLogger("bot")
_LOG_SINK = _LogSink(_WATCH)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Record the bot's log lines as LOG_LEVEL=DEBUG has them, and the fakes' channel posts."""
    _BOT_LOGGER.addHandler(_LOG_SINK)
    _BOT_LOGGER.setLevel(logging.DEBUG)
    # As at LOG_LEVEL=DEBUG, Bolt's logger stays at INFO: its debug lines carry whole payloads.
    for name in QUIET_LOGGERS:
        if name.startswith("bot."):
            logging.getLogger(name).setLevel(logging.INFO)
    FakeSlack.on_channel_post = _WATCH.posted


def pytest_runtest_logstart(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Name the test that is running in what is recorded from now on."""
    _WATCH.test = nodeid


def pytest_runtest_logfinish(nodeid: str, location: tuple[str, int | None, str]) -> None:
    """Name work that outlives its test after that test."""
    _WATCH.test = f"(after {nodeid})"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if the bot logged or posted in a channel something it must keep private."""
    FakeSlack.on_channel_post = None
    _BOT_LOGGER.removeHandler(_LOG_SINK)
    _WATCH.leaks = _WATCH.find_leaks(secrets_in_tests())
    if _WATCH.leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say what the privacy check read; list each leak with its test, logger or channel."""
    logged = sum(sighting.logged for sighting in _WATCH.sightings)
    posted = len(_WATCH.sightings) - logged
    terminalreporter.write_line(
        f"privacy check: {logged} log lines and {posted} channel posts read, "
        f"{len(_WATCH.leaks)} leaks"
    )
    if not _WATCH.leaks:
        return
    terminalreporter.section("privacy: secrets, email addresses or message bodies leaked", red=True)
    for line in _WATCH.leaks:
        terminalreporter.write_line(line)

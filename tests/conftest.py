"""Servers shared by the tests: the sandbox WHMCS and the fake Slack Web API, both on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from bot.sandbox import Sandbox
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

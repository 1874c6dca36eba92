"""The sandbox counts the TCP connections it accepts, so a client's connection reuse shows."""

from __future__ import annotations

import requests

from bot.sandbox import Sandbox
from tests.sandbox.conftest import SandboxClient


def accepted(sandbox: Sandbox) -> int:
    """Read the count on a connection of its own (which the count then includes)."""
    response = requests.get(f"{sandbox.url}/_sandbox/connections", timeout=5)
    assert response.status_code == 200, response.text
    count: int = response.json()["accepted"]
    return count


def test_calls_over_one_kept_alive_connection_count_once(
    sandbox: Sandbox, api: SandboxClient
) -> None:
    before = accepted(sandbox)

    for _ in range(5):
        api.call("GetTicket", ticketid="42")

    assert accepted(sandbox) == before + 2  # one for the five calls, one for this read


def test_each_new_connection_counts(sandbox: Sandbox) -> None:
    before = accepted(sandbox)

    for _ in range(3):
        with requests.Session() as fresh:
            fresh.get(f"{sandbox.url}/_sandbox/calls", timeout=5).raise_for_status()

    assert accepted(sandbox) == before + 4


def test_the_count_can_start_again_from_zero(sandbox: Sandbox, api: SandboxClient) -> None:
    api.call("GetTicket", ticketid="42")

    cleared = requests.delete(f"{sandbox.url}/_sandbox/connections", timeout=5)

    assert cleared.json() == {"accepted": 0}
    assert accepted(sandbox) == 1

"""A list cached before an admin was disabled in WHMCS cannot lead to a half-written update."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import requests

from bot.sandbox import Sandbox
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import UpdateRequest, parse_command
from bot.tickets.result import Outcome
from bot.tickets.service import TicketService
from bot.whmcs import Admin, Transport, WhmcsClient
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET

ADMIN = Admin(1, "alice", "Alice", "Admin", "alice@example.com", False, 1, (1, 2, 3, 4))


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def service_for(sandbox: Sandbox, clock: Clock) -> TicketService:
    client = WhmcsClient(Transport(sandbox.url, SANDBOX_IDENTIFIER, SANDBOX_SECRET))
    return TicketService(
        client, Catalog(client, ttl=300, clock=clock), ZoneInfo("UTC"), lambda _: None
    )


def request(text: str) -> UpdateRequest:
    parsed = parse_command(text)
    assert isinstance(parsed, UpdateRequest)
    return parsed


def test_flag_with_department_and_priority_rechecks_admins_first(sandbox: Sandbox) -> None:
    clock = Clock()
    service = service_for(sandbox, clock)
    assert service.update(request("41 flag 2"), ADMIN, "test").outcome is Outcome.DONE
    requests.post(f"{sandbox.url}/_sandbox/admins/2", json={"isDisabled": True}, timeout=5)
    clock.now += 60

    result = service.update(request("42 priority High dept 1 flag 2"), ADMIN, "test")

    assert result.outcome is Outcome.REFUSED
    assert result.problems[0].message == "Invalid Admin ID for Flag"
    stored = requests.get(f"{sandbox.url}/_sandbox/tickets/42", timeout=5).json()
    assert (stored["priority"], int(stored["deptid"])) == ("Medium", 2)


def test_a_single_flag_uses_the_cached_list(sandbox: Sandbox) -> None:
    clock = Clock()
    service = service_for(sandbox, clock)
    service.update(request("41 flag 2"), ADMIN, "test")
    requests.delete(f"{sandbox.url}/_sandbox/calls", timeout=5)
    clock.now += 60

    service.update(request("42 flag 5"), ADMIN, "test")

    actions = [
        call["action"] for call in requests.get(f"{sandbox.url}/_sandbox/calls", timeout=5).json()
    ]
    assert "getadminusers" not in actions

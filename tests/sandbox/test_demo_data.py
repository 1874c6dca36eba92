"""The seeded demo install that the demo and the other tests rely on."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.sandbox import Sandbox
from tests.sandbox.conftest import SandboxClient


@pytest.fixture
def tickets(api: SandboxClient) -> list[dict[str, Any]]:
    return [api.ticket(ticket_id) for ticket_id in range(1, 49)]


def test_48_tickets_and_no_more(api: SandboxClient) -> None:
    assert api.call("GetTickets", ignore_dept_assignments="1")["totalresults"] == 48
    assert api.control("GET", "tickets/49").status_code == 404


def test_public_numbers_use_the_old_mask_for_the_first_five(
    tickets: list[dict[str, Any]],
) -> None:
    numbers = [t["tid"] for t in tickets]

    assert all(re.fullmatch(r"0\d{5}", n) for n in numbers[:5])
    assert all(re.fullmatch(r"ABC-\d{6}", n) for n in numbers[5:])
    assert len(set(numbers)) == 48


def test_ticket_42_is_open_unflagged_in_technical_support(api: SandboxClient) -> None:
    answer = api.call("GetTicket", ticketid="42")

    assert (answer["deptid"], answer["status"], answer["flag"]) == ("2", "Open", "0")


def test_tickets_are_varied(tickets: list[dict[str, Any]]) -> None:
    subjects = " ".join(t["subject"] for t in tickets)

    assert {t["status"] for t in tickets} >= {"Open", "Answered", "Closed", "Customer-Reply"}
    assert {t["priority"] for t in tickets} == {"Low", "Medium", "High"}
    assert {t["deptid"] for t in tickets} == {1, 2, 3, 4}
    assert any(t["userid"] == 0 for t in tickets) and any(t["userid"] > 0 for t in tickets)
    assert {t["flag"] for t in tickets} >= {0, 1, 2, 4}
    assert any(t["replies"] for t in tickets) and any(t["notes"] for t in tickets)
    for encoded in ("&amp;", "&lt;", "&quot;", "&#039;"):
        assert encoded in subjects
    assert re.search(r"[\u0400-\u04ff]", subjects) and re.search(r"[\u4e00-\u9fff]", subjects)


def test_dates_are_in_the_recent_past(api: SandboxClient, tickets: list[dict[str, Any]]) -> None:
    now = datetime.fromisoformat(api.control("GET", "settings").json()["now"])
    month_ago = (now - timedelta(days=30)).strftime("%Y-%m-%d %H:%M:%S")

    assert all(month_ago < t["date"] <= t["lastreply"] <= str(now) for t in tickets)


def test_catalog(api: SandboxClient) -> None:
    admins = api.call("GetAdminUsers", include_disabled="1")["admin_users"]

    assert [
        (
            a["id"],
            a["username"],
            a["email"],
            a["roleId"],
            a["isDisabled"],
            a["supportDepartmentIds"],
        )
        for a in admins
    ] == [
        (1, "alice", "alice@example.com", 1, False, ["1", "2", "3", "4"]),
        (2, "bob", "bob@example.com", 2, False, ["1", "2"]),
        (3, "carol", "carol@example.com", 3, False, ["3"]),
        (4, "dave", "dave@example.com", 2, True, ["1", "2"]),
        (5, "erin", "erin@example.com", 2, False, ["1", "2", "4"]),
    ]


def test_seeding_is_deterministic(api: SandboxClient) -> None:
    with Sandbox() as other:
        again = SandboxClient(other)
        for ticket_id in (1, 17, 42):
            first, second = api.ticket(ticket_id), again.ticket(ticket_id)
            assert (first["tid"], first["subject"], first["status"]) == (
                second["tid"],
                second["subject"],
                second["status"],
            )

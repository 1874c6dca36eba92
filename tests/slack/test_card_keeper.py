"""A change from Slack is noted for triage from the update itself, with no WHMCS read."""

from __future__ import annotations

from typing import Any

from bot.sandbox import Sandbox
from bot.slack.card_keeper import CardKeeper
from bot.store import Store
from bot.tickets.catalog import Catalog
from bot.tickets.result import FieldResult, Outcome, UpdateResult
from bot.triage.state import Seen, TriageState
from bot.whmcs import Ticket, Transport, WhmcsClient, WhmcsUnreachable
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET


class Unreadable(WhmcsClient):
    """The sandbox's client, except that reading one ticket always fails."""

    def get_ticket(self, **key: Any) -> Ticket:
        raise WhmcsUnreachable("GetTicket", "simulated outage")


def test_a_change_is_noted_even_when_the_ticket_cannot_be_read_again(sandbox: Sandbox) -> None:
    client = Unreadable(Transport(sandbox.url, SANDBOX_IDENTIFIER, SANDBOX_SECRET))
    state = TriageState(Store(":memory:"))
    seen = Seen(
        42,
        "ABC-1",
        2,
        "Open",
        "Medium",
        0,
        "2026-12-01 10:00:00",
        "Down",
        True,
        frozenset({"C0000001"}),
        1.0,
    )
    state.remember(seen)
    keeper = CardKeeper(state, client, Catalog(client), clock=lambda: 99.0)
    ticket = Ticket.from_api({"id": 42, "tid": "ABC-1", "deptid": 2, "status": "Open"})
    result = UpdateResult(
        Outcome.DONE,
        ticket,
        (
            FieldResult("status", "Status", "Open", "On Hold"),
            FieldResult("dept", "Department", "Technical Support", "Billing"),
            FieldResult("flag", "Flag", "unflagged", "Bob Builder"),
        ),
    )

    keeper.note(result)

    noted = state.seen_one(42)
    assert noted is not None
    assert (noted.status, noted.deptid, noted.flag) == ("On Hold", 3, 2)
    assert noted.channels == seen.channels and noted.noted_at == 99.0

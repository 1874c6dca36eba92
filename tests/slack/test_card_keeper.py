"""A change from Slack is noted for triage from the update itself, with no WHMCS read."""

from __future__ import annotations

from typing import Any

from bot.sandbox import Sandbox
from bot.slack.card_keeper import CardKeeper, slack_user_of
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


def test_a_write_of_unknown_outcome_is_expected_from_the_person_who_asked(
    sandbox: Sandbox,
) -> None:
    client = WhmcsClient(Transport(sandbox.url, SANDBOX_IDENTIFIER, SANDBOX_SECRET))
    state = TriageState(Store(":memory:"))
    seen = Seen(
        42, "ABC-1", 2, "Open", "Medium", 0, "2026-12-01 10:00:00", "Down", True, frozenset(), 1.0
    )
    state.remember(seen)
    keeper = CardKeeper(state, client, Catalog(client), clock=lambda: 99.0)
    ticket = Ticket.from_api({"id": 42, "tid": "ABC-1", "deptid": 2, "status": "Open"})
    asked = FieldResult("status", "Status", "Open", "On Hold", verified=False)

    keeper.note(UpdateResult(Outcome.UNKNOWN, ticket, (asked,)), "Alice Admin (U0000001)")

    assert state.seen_one(42) == seen, "a change nobody confirmed was noted as made"
    found = state.changes.explained(42, {"status": "On Hold"}, read=100.0)
    assert found == {"status": "U0000001"}


def test_the_slack_user_is_read_from_how_a_request_names_the_person() -> None:
    assert slack_user_of("Alice Admin (U0000001)") == "U0000001"
    assert slack_user_of("U0000002") == "U0000002"
    assert slack_user_of("Bob (the builder) (W0000003)") == "W0000003"
    assert slack_user_of("someone") == "someone"

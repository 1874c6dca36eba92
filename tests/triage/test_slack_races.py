"""Triage while people change tickets from Slack: every change is told once, by its maker.

The bot's real update path (TicketService, with the card keeper told of each write under the
ticket's lock) and the poller share the sandbox WHMCS and one store; changes from Slack and in
WHMCS's admin area are made at the moments that once made a change be told twice, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from bot.sandbox import Sandbox
from bot.slack.card_keeper import CardKeeper
from bot.store import Change, Store
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import UpdateRequest, parse_command
from bot.tickets.result import Outcome, UpdateResult
from bot.tickets.service import TicketService
from bot.triage.news import NewReply
from bot.triage.poller import Poller, PollReport
from bot.triage.state import Card, Seen, TriageState
from bot.whmcs import Admin, Transport
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.triage.test_poller import RECENT, TECH, TECH_ROUTE, HookedClient, Rig, Update

ALICE = "U0000001"
ADMIN = Admin(1, "alice", "Alice", "Admin", "alice@example.com", False, 1, (1, 2, 3, 4))
CARDS = "C0000009"  # where `/ticket <ticket> card` cards are posted
TIMEOUT = 0.5  # the bot's WHMCS timeout here; a lost answer arrives after HANG
HANG = 1.0


class Client(HookedClient):
    """The rig's client, which can change WHMCS or switch a fault on just before a write."""

    before_write: dict[str, Any] | None = None
    meanwhile: Callable[[], None] | None = None

    def update_ticket(self, ticket_id: int, params: Any) -> None:
        meanwhile, self.meanwhile = self.meanwhile, None
        if meanwhile is not None:
            meanwhile()
        switch, self.before_write = self.before_write, None
        if switch is not None:
            url = self.transport.url.removesuffix("/includes/api.php")
            requests.post(f"{url}/_sandbox/faults", json=switch, timeout=5).raise_for_status()
        super().update_ticket(ticket_id, params)


@dataclass
class Desk:
    """The poller and the bot's update path over one sandbox and store."""

    rig: Rig
    client: Client
    service: TicketService
    keeper: CardKeeper
    poller: Poller

    def change(self, text: str) -> UpdateResult:
        """Change a ticket from Slack, as Alice: `/ticket <text>`."""
        request = parse_command(text)
        assert isinstance(request, UpdateRequest)
        return self.service.update(request, ADMIN, f"alice ({ALICE})")

    def poll(self) -> PollReport:
        return self.rig.poll(self.poller)

    def updates(self) -> list[Update]:
        """Return the card updates since the last call."""
        updates = list(self.rig.sink.updates)
        self.rig.sink.updates.clear()
        return updates

    def lose_answers(self, mode: str) -> None:
        """Spoil the next write's answer and the read-back that follows it."""
        actions = ["updateticket", "getticket"]
        self.client.before_write = {"mode": mode, "actions": actions, "count": 2, "hang": HANG}

    def remembered(self, ticket_id: int) -> Seen:
        seen = self.rig.state.seen_one(ticket_id)
        assert seen is not None
        return seen


@pytest.fixture
def desk(sandbox: Sandbox, tmp_path: Path) -> Iterator[Desk]:
    client = Client(Transport(sandbox.url, SANDBOX_IDENTIFIER, SANDBOX_SECRET, timeout=TIMEOUT))
    store = Store(tmp_path / "x.sqlite3")
    rig = Rig(sandbox, client, TriageState(store))
    catalog = Catalog(client)
    service = TicketService(client, catalog, ZoneInfo("UTC"), lambda _: None)
    keeper = CardKeeper(rig.state, client, catalog, clock=rig.clock)
    service.on_written = keeper.note
    poller = Poller(
        client,
        catalog,
        rig.state,
        (TECH_ROUTE,),
        rig.sink,
        ZoneInfo("UTC"),
        clock=rig.clock,
        serialised=service.serialised,
    )
    yield Desk(rig, client, service, keeper, poller)
    store.close()
    client.transport.close()


def with_card(desk: Desk, ticket_id: int, **fields: Any) -> None:
    """Open a Technical Support ticket and let a poll post its card and remember it."""
    desk.rig.add(ticket_id, **fields)
    desk.poll()
    assert desk.rig.sink.posted(ticket_id) == [TECH]


# -- changes from Slack while a poll runs -------------------------------------------------------


def test_a_value_set_back_from_slack_while_a_poll_tells_its_change_is_kept(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    assert desk.change("500 priority High").outcome is Outcome.DONE
    desk.rig.set_ticket(500, priority="Low")  # in WHMCS's admin area

    def set_back_from_slack() -> None:
        # Someone sets it back to High while the poll threads "Priority set to Low".
        desk.rig.sink.on_update = None
        desk.rig.clock.now += 1
        assert desk.change("500 priority High").outcome is Outcome.DONE

    desk.rig.sink.on_update = set_back_from_slack
    desk.poll()
    assert [u.news.changes for u in desk.updates()] == [(Change("Priority", "High", "Low"),)]
    assert desk.remembered(500).priority == "High"

    desk.poll()
    assert desk.updates() == [], "the change back from Slack was told again as made in WHMCS"


def test_a_change_from_slack_before_triage_remembers_the_ticket_is_told_once(desk: Desk) -> None:
    desk.poll()
    # 500 is in no route but has a `/ticket 500 card`; 501 gets a triage card in this poll.
    desk.rig.add(500, deptid=1, lastreply="2030-06-01 11:30:00")
    desk.keeper.posted(CARDS, "1900000000.900000", 500)
    desk.rig.add(501, lastreply=RECENT)

    def changed_from_slack() -> None:
        # The poll has compared 500 already and remembers it at its end.
        desk.rig.sink.on_post = None
        desk.rig.clock.now += 1
        assert desk.change("500 status In Progress").outcome is Outcome.DONE

    desk.rig.sink.on_post = changed_from_slack
    desk.poll()
    assert desk.rig.sink.posted(501) == [TECH]
    assert desk.remembered(500).status == "In Progress"

    desk.poll()
    assert desk.updates() == [], "the change from Slack was told again as made in WHMCS"


def test_a_new_ticket_changed_from_slack_after_the_poll_read_it_waits_a_poll(desk: Desk) -> None:
    desk.poll()
    desk.rig.add(500)

    def changed_from_slack() -> None:
        desk.rig.clock.now += 1
        assert desk.change("500 status In Progress").outcome is Outcome.DONE

    desk.client.after_first_page = changed_from_slack
    desk.poll()
    assert desk.rig.sink.posted(500) == [], "a card was posted from news older than the change"

    desk.poll()
    assert desk.rig.sink.posted(500) == [TECH]
    assert desk.remembered(500).status == "In Progress"
    desk.poll()
    assert desk.updates() == []


def test_a_change_in_whmcs_after_one_from_slack_is_told_as_made_in_whmcs(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    assert desk.change("500 status Answered").outcome is Outcome.DONE
    desk.rig.set_ticket(500, priority="High")

    desk.poll()
    assert [u.news.changes for u in desk.updates()] == [(Change("Priority", "Medium", "High"),)]

    assert desk.change("500 status In Progress").outcome is Outcome.DONE
    desk.rig.set_ticket(500, status="On Hold")
    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "In Progress", "On Hold"),)
    assert update.news.by == {}


# -- writes whose outcome is unknown ------------------------------------------------------------


def test_a_write_whose_answer_and_read_back_were_lost_is_told_as_its_makers(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    desk.lose_answers("timeout_after_write")  # the write is done; both answers come too late

    assert desk.change("500 status In Progress").outcome is Outcome.UNKNOWN
    assert desk.rig.control("GET", "tickets/500")["status"] == "In Progress"

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "Open", "In Progress"),)
    assert update.news.by == {"Status": ALICE}, "the bot's own write was told as made in WHMCS"
    desk.poll()
    assert desk.updates() == []


def test_a_change_in_whmcs_after_a_lost_answer_is_told_as_made_in_whmcs(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    desk.lose_answers("timeout_after_write")
    assert desk.change("500 status In Progress").outcome is Outcome.UNKNOWN
    desk.rig.set_ticket(500, status="On Hold", priority="High")

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (
        Change("Status", "Open", "On Hold"),
        Change("Priority", "Medium", "High"),
    )
    assert update.news.by == {}


def test_a_write_that_never_happened_is_not_given_a_later_change(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    desk.lose_answers("close")  # the write is not run; its answer and the read-back are lost

    assert desk.change("500 status In Progress").outcome is Outcome.UNKNOWN
    desk.poll()
    assert desk.updates() == []

    desk.rig.set_ticket(500, status="In Progress")
    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "Open", "In Progress"),)
    assert update.news.by == {}, "a change in WHMCS was put down to a write that never happened"


def test_a_change_from_slack_after_a_lost_answer_replaces_it(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    desk.lose_answers("timeout_after_write")
    assert desk.change("500 status In Progress").outcome is Outcome.UNKNOWN
    assert desk.change("500 status Answered").outcome is Outcome.DONE

    desk.poll()
    assert desk.updates() == [], "a change already told from Slack was told by the poll"


def test_a_refused_write_does_not_claim_a_change_made_in_whmcs_meanwhile(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500)
    # While the change waits for the ticket, staff set the status in WHMCS's admin area; then
    # WHMCS refuses the write (maintenance mode) and the bot reads the ticket back.
    desk.client.meanwhile = lambda: desk.rig.set_ticket(500, status="On Hold")
    desk.client.before_write = {"mode": "warning", "actions": ["updateticket"], "count": 1}

    result = desk.change("500 status In Progress")
    assert result.outcome is Outcome.REFUSED, "a change made in WHMCS was taken for the bot's"
    assert result.changed_fields == ()

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "Open", "On Hold"),)
    assert update.news.by == {}


# -- what a poll reads, and when ----------------------------------------------------------------


def test_a_reply_is_told_by_the_next_poll_when_its_ticket_cannot_be_read(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500, userid=5)
    desk.rig.whmcs("AddTicketReply", ticketid=500, clientid=5, message="Any news?")
    desk.rig.control("POST", "faults", {"mode": "html_503", "actions": ["getticket"], "count": 1})

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "Open", "Customer-Reply"),)
    assert update.news.reply is None

    desk.poll()
    (update,) = desk.updates()
    assert update.news.reply == NewReply("Олег Смирнов", staff=False), "the reply was lost"
    assert update.news.changes == ()


def test_a_change_while_a_poll_reads_a_replied_ticket_is_told_by_the_next(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500, userid=5)
    desk.rig.whmcs("AddTicketReply", ticketid=500, clientid=5, message="Any news?")
    # Between the list of tickets and the ticket's full read, someone changes it in WHMCS.
    desk.client.after_first_page = lambda: desk.rig.set_ticket(500, priority="High")

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Status", "Open", "Customer-Reply"),)

    desk.poll()
    (update,) = desk.updates()
    assert update.news.changes == (Change("Priority", "Medium", "High"),), "the change was lost"


def test_a_card_posted_after_the_poll_read_whmcs_gets_none_of_its_news(desk: Desk) -> None:
    desk.poll()
    with_card(desk, 500, lastreply="2030-06-01 10:00:00")
    with_card(desk, 501, lastreply=RECENT)  # newer: the poll comes to it first
    desk.rig.set_ticket(500, status="Answered")
    desk.rig.set_ticket(501, status="Answered")

    def card_posted() -> None:
        # `/ticket 500 card` is posted while the poll tells 501's news: it shows 500 as it is.
        desk.rig.sink.on_update = None
        desk.keeper.posted(CARDS, "1900000000.900000", 500)

    desk.rig.sink.on_update = card_posted
    desk.poll()
    told = [(u.card.ticket_id, u.card.channel) for u in desk.updates()]
    assert told == [(501, TECH), (500, TECH)], "a card newer than the news was told it"

    desk.rig.set_ticket(500, priority="Low")
    desk.poll()
    assert sorted(u.card.channel for u in desk.updates()) == [TECH, CARDS]


# -- what triage remembers ----------------------------------------------------------------------


def test_a_note_from_slack_changes_only_the_fields_it_names(desk: Desk) -> None:
    state = desk.rig.state
    seen = Seen(500, "ABC-1", 2, "Open", "Medium", 0, RECENT, "Down", True, frozenset({TECH}), 1.0)
    state.add_card(Card(TECH, "1900000000.000001", 500, routed=True), seen)

    state.note(500, {"status": "Closed", "flag": 2}, at=5.0)

    noted = desk.remembered(500)
    assert (noted.status, noted.flag, noted.noted_at) == ("Closed", 2, 5.0)
    assert (noted.priority, noted.channels, noted.lastreply) == ("Medium", {TECH}, RECENT)

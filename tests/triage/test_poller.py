"""The triage poller against the sandbox WHMCS, with a card sink that records what it is told."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from bot.sandbox import Sandbox
from bot.store import Change, Store
from bot.tickets.catalog import Catalog
from bot.triage.news import NewReply, News
from bot.triage.poller import PAGE_SIZE, Poller, PollReport
from bot.triage.routes import Route
from bot.triage.state import Card, Seen, TriageState
from bot.whmcs import Ticket, TicketPage, Transport, WhmcsClient, WhmcsError
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET

TECH = "C0000001"
BILLING = "C0000002"
EVERYTHING = "C0000003"
TECH_ROUTE = Route(TECH, (2,))
BILLING_ROUTE = Route(BILLING, (3,))
# The demo install's tickets are all older than this; new ones are dated just before it.
NOW = datetime(2030, 6, 1, 12, 0, tzinfo=UTC).timestamp()
RECENT = "2030-06-01 11:00:00"
DEMO_ACTIVE = 41


@dataclass
class Update:
    """One call of the sink's update."""

    card: Card
    ticket: Ticket
    news: News
    left: Route | None


class Sink:
    """A card sink that records each post and update and answers as told."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, int]] = []
        self.routes: list[Route] = []
        self.updates: list[Update] = []
        self.refusing: set[str] = set()
        self.gone: set[str] = set()
        self.on_post: Callable[[], None] | None = None
        self.on_update: Callable[[], None] | None = None
        self._count = 0

    def post(self, route: Route, ticket: Ticket) -> str | None:
        self.posts.append((route.channel, ticket.id))
        self.routes.append(route)
        if self.on_post is not None:
            self.on_post()
        if route.channel in self.refusing:
            return None
        self._count += 1
        return f"1900000000.{self._count:06d}"

    def update(self, card: Card, ticket: Ticket, news: News, left: Route | None) -> bool:
        self.updates.append(Update(card, ticket, news, left))
        if self.on_update is not None:
            self.on_update()
        return card.ts not in self.gone

    def posted(self, ticket_id: int) -> list[str]:
        """Return the channels a ticket's card was asked to be posted in."""
        return [channel for channel, posted_id in self.posts if posted_id == ticket_id]


class Clock:
    """The poller's time.time(), moved by the tests."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


class HookedClient(WhmcsClient):
    """A client that runs something once, right after it has read the first page of tickets."""

    after_first_page: Callable[[], None] | None = None

    def get_tickets(self, **params: Any) -> TicketPage:
        page = super().get_tickets(**params)
        hook, self.after_first_page = self.after_first_page, None
        if hook is not None:
            hook()
        return page


@dataclass
class Rig:
    """The sandbox, a client for it, triage's state in a fresh store, the sink and the clock."""

    sandbox: Sandbox
    client: HookedClient
    state: TriageState
    sink: Sink = field(default_factory=Sink)
    clock: Clock = field(default_factory=Clock)

    def poller(self, *routes: Route, page_size: int = PAGE_SIZE, timezone: str = "UTC") -> Poller:
        return Poller(
            self.client,
            Catalog(self.client),
            self.state,
            routes,
            self.sink,
            ZoneInfo(timezone),
            clock=self.clock,
            page_size=page_size,
        )

    def poll(self, poller: Poller) -> PollReport:
        """Poll a minute after the last poll."""
        self.clock.now += 60
        return poller.poll()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        answer = requests.request(
            method, f"{self.sandbox.url}/_sandbox/{path}", json=body, timeout=30
        )
        answer.raise_for_status()
        return answer.json()

    def set_ticket(self, ticket_id: int, **fields: Any) -> None:
        """Change or create a ticket as WHMCS's admin area would."""
        self.control("POST", f"tickets/{ticket_id}", fields)

    def add(self, ticket_id: int, deptid: int = 2, **fields: Any) -> None:
        """Create an Open, Medium ticket, replied to an hour before NOW."""
        values = {"deptid": deptid, "subject": f"Ticket {ticket_id}", "lastreply": RECENT}
        self.set_ticket(ticket_id, **{**values, **fields})

    def whmcs(self, action: str, **params: str | int) -> dict[str, Any]:
        return self.client.transport.call(action, params)

    def actions(self) -> list[str]:
        return [call["action"] for call in self.control("GET", "calls")]


@pytest.fixture
def rig(sandbox: Sandbox, tmp_path: Path) -> Iterator[Rig]:
    client = HookedClient(Transport(sandbox.url, SANDBOX_IDENTIFIER, SANDBOX_SECRET))
    store = Store(tmp_path / "x.sqlite3")
    yield Rig(sandbox, client, TriageState(store))
    store.close()
    client.transport.close()


def ghost(clock: Clock, ticket_id: int = 9999) -> Seen:
    """Return what triage would remember of an active ticket that WHMCS no longer has."""
    return Seen(
        ticket_id, "GHO-1", 2, "Open", "Medium", 0, RECENT, "Ghost", True, frozenset(), clock.now
    )


# -- new tickets --------------------------------------------------------------------------------


def test_the_first_poll_posts_nothing_that_was_already_there(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, BILLING_ROUTE)
    report = rig.poll(poller)

    assert rig.sink.posts == [] and report.posted == 0
    assert report.tickets == DEMO_ACTIVE and report.pages == 1
    assert rig.state.started(TECH_ROUTE.fingerprint())
    assert rig.state.started(BILLING_ROUTE.fingerprint())
    assert rig.poll(poller).posted == 0


def test_a_ticket_opened_after_the_first_poll_is_posted_once(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, BILLING_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.add(501, deptid=1)

    report = rig.poll(poller)
    assert rig.sink.posts == [(TECH, 500)] and report.posted == 1
    assert rig.state.cards(500) == [Card(TECH, "1900000000.000001", 500, routed=True)]
    seen = rig.state.seen_one(500)
    assert seen is not None and seen.channels == {TECH} and seen.active

    assert rig.poll(poller).posted == 0
    assert rig.sink.posts == [(TECH, 500)], "a second poll posted the card again"


def test_a_ticket_opened_through_the_api_is_posted(rig: Rig) -> None:
    poller = rig.poller(BILLING_ROUTE)
    rig.poll(poller)
    opened = rig.whmcs("OpenTicket", deptid=3, subject="Refund", message="Please.", clientid=5)

    rig.poll(poller)
    assert rig.sink.posts == [(BILLING, int(opened["id"]))]


# -- backfill -----------------------------------------------------------------------------------


def test_backfill_posts_only_tickets_replied_to_within_its_hours(rig: Rig) -> None:
    rig.add(500, lastreply="2030-06-01 11:00:00")
    rig.add(501, lastreply="2030-06-01 09:30:00")
    rig.add(502, lastreply="", date="2030-06-01 11:30:00")
    rig.add(503, deptid=3, lastreply="2030-06-01 11:00:00")
    poller = rig.poller(Route(TECH, (2,), backfill=2))

    report = rig.poll(poller)
    assert sorted(rig.sink.posts) == [(TECH, 500), (TECH, 502)]
    assert report.posted == 2
    rig.poll(poller)
    assert len(rig.sink.posts) == 2, "backfilled tickets were posted again"


def test_backfill_reads_whmcs_dates_in_the_installs_time_zone(rig: Rig) -> None:
    # NOW is 08:00 in New York: 07:30 there is half an hour ago, 06:30 an hour and a half.
    rig.add(500, lastreply="2030-06-01 07:30:00")
    rig.add(501, lastreply="2030-06-01 06:30:00")
    poller = rig.poller(Route(TECH, (2,), backfill=1), timezone="America/New_York")

    rig.poll(poller)
    assert rig.sink.posts == [(TECH, 500)]


def test_backfill_applies_to_a_channels_first_poll_only(rig: Rig) -> None:
    rig.poll(rig.poller(TECH_ROUTE))
    rig.add(500, deptid=3)
    rig.add(501, deptid=3, lastreply="2030-05-01 10:00:00")
    rig.add(502, deptid=2)

    # A route for a new channel is added; the old channel goes on as before.
    poller = rig.poller(TECH_ROUTE, Route(BILLING, (3,), backfill=24))
    rig.poll(poller)
    assert sorted(rig.sink.posts) == [(TECH, 502), (BILLING, 500)]
    rig.add(503, deptid=3, lastreply="2030-05-01 10:00:00")
    rig.poll(poller)
    assert rig.sink.posted(503) == [BILLING], "a new ticket waited for backfill"


# -- what the sink answers ----------------------------------------------------------------------


def test_a_card_not_posted_is_asked_for_again_and_recorded_once_posted(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.sink.refusing = {TECH}

    assert rig.poll(poller).posted == 0
    assert rig.state.cards(500) == []
    seen = rig.state.seen_one(500)
    assert seen is None or TECH not in seen.channels
    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH, TECH], "the refused card was not asked for again"
    assert rig.state.cards(500) == []

    rig.sink.refusing = set()
    assert rig.poll(poller).posted == 1
    assert [card.channel for card in rig.state.cards(500)] == [TECH]
    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH, TECH, TECH]


def test_a_backfilled_card_not_posted_on_the_first_poll_is_posted_on_the_next(rig: Rig) -> None:
    rig.add(500)
    poller = rig.poller(Route(TECH, (2,), backfill=2))
    rig.sink.refusing = {TECH}
    rig.poll(poller)
    rig.sink.refusing = set()

    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH, TECH]
    assert len(rig.state.cards(500)) == 1


def test_a_card_that_is_gone_is_dropped_and_not_updated_again(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)
    (card,) = rig.state.cards(500)
    rig.sink.gone = {card.ts}

    rig.set_ticket(500, status="On Hold")
    report = rig.poll(poller)
    assert [u.news.changes for u in rig.sink.updates] == [(Change("Status", "Open", "On Hold"),)]
    assert report.updated == 0
    assert rig.state.cards(500) == []

    rig.set_ticket(500, priority="High")
    rig.poll(poller)
    assert len(rig.sink.updates) == 1, "a card known to be gone was updated"
    assert rig.sink.posted(500) == [TECH], "a deleted card was posted again"


# -- paging -------------------------------------------------------------------------------------


def test_small_pages_see_every_active_ticket_exactly_once(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, page_size=7)
    rig.poll(poller)
    # Many share a last reply time, as tickets imported or mass-edited do.
    rig.control(
        "POST",
        "tickets",
        {
            "tickets": [
                {
                    "id": 1000 + n,
                    "deptid": 2,
                    "subject": f"Bulk {n}",
                    "lastreply": f"2030-06-01 1{n % 3}:00:00",
                }
                for n in range(60)
            ]
        },
    )
    rig.control("DELETE", "calls")

    report = rig.poll(poller)
    total = DEMO_ACTIVE + 60
    assert report.tickets == total
    assert report.pages == -(-total // 7)
    assert Counter(rig.sink.posts) == {(TECH, 1000 + n): 1 for n in range(60)}
    calls = rig.control("GET", "calls")
    pages = [call["params"] for call in calls if call["action"] == "gettickets"]
    assert [int(page["limitstart"]) for page in pages] == list(range(0, total, 7))
    assert {page["limitnum"] for page in pages} == {"7"}
    assert {page["status"] for page in pages} == {"All Active Tickets"}
    assert {page["ignore_dept_assignments"] for page in pages} == {"1"}
    assert report.read_back == 0


def test_an_idle_poll_reads_only_the_pages(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, BILLING_ROUTE, page_size=10)
    rig.poll(poller)
    rig.control("DELETE", "calls")

    report = rig.poll(poller)
    assert rig.actions() == ["gettickets"] * 5 and report.pages == 5
    assert rig.sink.posts == [] and rig.sink.updates == []


def test_a_ticket_replied_to_while_pages_are_read_stays_in_its_channel(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, page_size=7)
    rig.poll(poller)
    rig.add(500, lastreply="2020-01-01 00:00:00")
    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH]

    # The reply moves the ticket to the first page, which this poll has already read.
    rig.client.after_first_page = lambda: rig.set_ticket(500, lastreply="2030-06-01 11:59:00")
    rig.poll(poller)
    assert [u.left for u in rig.sink.updates] == [], "the card said the ticket left its channel"
    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH], "the ticket got a second card in its channel"


def test_a_ticket_skipped_because_another_was_closed_stays_in_its_channel(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, page_size=7)
    rig.poll(poller)
    # Newest first: 508 to 502 fill the first page, 500 opens the second.
    rig.add(500, lastreply="2030-06-01 11:00:00")
    for ticket_id in range(502, 509):
        rig.add(ticket_id, lastreply=f"2030-06-01 11:0{ticket_id - 500}:00")
    rig.poll(poller)
    assert sorted(rig.sink.posted(500) + rig.sink.posted(508)) == [TECH, TECH]

    # Closing a ticket of the first page after it was read pulls 500 up onto that page.
    rig.client.after_first_page = lambda: rig.set_ticket(508, status="Closed")
    report = rig.poll(poller)
    assert report.read_back == 1
    assert rig.sink.updates == [], "the card said the ticket left its channel"
    rig.poll(poller)
    assert [(u.card.ticket_id, u.left) for u in rig.sink.updates] == [(508, TECH_ROUTE)]
    assert rig.sink.posted(500) == [TECH], "the ticket got a second card in its channel"


def test_whmcs_failing_mid_paging_changes_nothing(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, page_size=10)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)
    rig.add(501)
    rig.set_ticket(500, status="On Hold")
    rig.state.remember(ghost(rig.clock))
    before = rig.state.seen()
    rig.sink.posts.clear()
    rig.control("DELETE", "calls")

    rig.client.after_first_page = lambda: rig.control(
        "POST", "faults", {"mode": "html_500", "actions": ["GetTickets"]}
    )
    with pytest.raises(WhmcsError):
        rig.poll(poller)
    assert rig.sink.posts == [] and rig.sink.updates == []
    assert rig.state.seen() == before
    assert "getticket" not in rig.actions(), "a ticket was read back from a partial list"

    rig.control("DELETE", "faults")
    rig.poll(poller)
    assert rig.sink.posts == [(TECH, 501)]
    assert [u.card.ticket_id for u in rig.sink.updates] == [500]
    assert rig.state.seen_one(9999) is None


def test_a_department_list_that_cannot_be_read_fails_the_poll_without_changes(rig: Rig) -> None:
    poller = rig.poller(Route(TECH, ("Technical Support",)))
    rig.poll(poller)
    rig.add(500)
    poller = rig.poller(Route(TECH, ("Technical Support",)))
    rig.control("POST", "faults", {"mode": "html_503", "actions": ["GetSupportDepartments"]})

    with pytest.raises(WhmcsError):
        rig.poll(poller)
    assert rig.sink.posts == [] and rig.state.seen_one(500) is None


# -- tickets that leave -------------------------------------------------------------------------


def test_a_ticket_that_no_longer_exists_is_forgotten(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.state.remember(ghost(rig.clock))

    report = rig.poll(poller)
    assert report.read_back == 1
    assert rig.state.seen_one(9999) is None
    assert rig.sink.updates == [] and rig.sink.posts == []
    rig.control("DELETE", "calls")
    assert rig.poll(poller).read_back == 0
    assert "getticket" not in rig.actions()


def test_a_ticket_that_cannot_be_read_back_is_tried_again(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)
    rig.set_ticket(500, status="Closed")
    rig.control("POST", "faults", {"mode": "html_500", "actions": ["GetTicket"]})

    assert rig.poll(poller).read_back == 1
    assert rig.sink.updates == []
    seen = rig.state.seen_one(500)
    assert seen is not None and seen.active

    rig.control("DELETE", "faults")
    rig.poll(poller)
    assert [u.left for u in rig.sink.updates] == [TECH_ROUTE]


def test_a_closed_ticket_leaves_its_channel_and_is_read_back_once(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    rig.set_ticket(500, status="Closed")
    report = rig.poll(poller)
    assert report.read_back == 1 and report.updated == 1
    (update,) = rig.sink.updates
    assert update.left == TECH_ROUTE
    assert update.news.changes == (Change("Status", "Open", "Closed"),)
    seen = rig.state.seen_one(500)
    assert seen is not None and not seen.active and seen.channels == frozenset()

    assert rig.poll(poller).read_back == 0
    assert len(rig.sink.updates) == 1


def test_a_closed_ticket_without_a_card_is_forgotten(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.set_ticket(41, status="Closed")

    report = rig.poll(poller)
    assert report.read_back == 1
    assert rig.state.seen_one(41) is None
    assert rig.sink.updates == []


# -- changes ------------------------------------------------------------------------------------


def test_changes_made_in_whmcs_update_the_card_once(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    rig.set_ticket(500, status="In Progress", priority="High", flag=2, subject="Ticket 500!")
    rig.poll(poller)
    (update,) = rig.sink.updates
    assert update.left is None
    assert update.news.changes == (
        Change("Status", "Open", "In Progress"),
        Change("Priority", "Medium", "High"),
        Change("Flag", "unflagged", "Bob Builder"),
        Change("Subject", "Ticket 500", "Ticket 500!"),
    )
    rig.poll(poller)
    assert len(rig.sink.updates) == 1, "an unchanged ticket was reported again"


def test_a_reply_is_reported_with_its_author(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500, userid=5)
    rig.add(501)
    rig.poll(poller)

    rig.whmcs("AddTicketReply", ticketid=500, clientid=5, message="Any news?")
    rig.whmcs("AddTicketReply", ticketid=501, adminusername="alice", message="Looking.")
    rig.poll(poller)

    news = {u.card.ticket_id: u.news for u in rig.sink.updates}
    assert news[500].reply == NewReply("Олег Смирнов", staff=False)
    assert news[500].changes == (Change("Status", "Open", "Customer-Reply"),)
    assert news[501].reply is not None and news[501].reply.staff
    assert news[501].changes == (Change("Status", "Open", "Answered"),)
    rig.poll(poller)
    assert len(rig.sink.updates) == 2, "a reply was reported twice"


def test_a_change_from_slack_after_the_poll_read_whmcs_is_left_alone(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    # Someone sets the status from Slack; the card keeper notes it after this poll's start.
    rig.set_ticket(500, status="In Progress", priority="High")
    seen = rig.state.seen_one(500)
    assert seen is not None
    noted = replace(seen, status="In Progress", noted_at=rig.clock.now + 90)
    rig.state.remember(noted)
    rig.poll(poller)
    assert rig.sink.updates == [], "a poll older than the change reported it"
    assert rig.state.seen_one(500) == noted

    rig.poll(poller)
    (update,) = rig.sink.updates
    assert update.news.changes == (Change("Priority", "Medium", "High"),)


def test_many_routes_to_one_channel_post_one_card_from_the_first_that_takes_it(
    rig: Rig,
) -> None:
    routes = (
        Route(TECH, (2,), priorities=("High",), mention="S0000TECH"),
        Route(TECH, (2, 3)),
        Route(TECH, ("technical support",)),
    )
    poller = rig.poller(*routes)
    rig.poll(poller)
    rig.add(500, priority="High")
    rig.add(501)
    rig.add(502, deptid=3)

    rig.poll(poller)
    assert sorted(rig.sink.posts) == [(TECH, 500), (TECH, 501), (TECH, 502)]
    used = {ticket_id: route for (_, ticket_id), route in zip(rig.sink.posts, rig.sink.routes)}
    assert used == {500: routes[0], 501: routes[1], 502: routes[1]}


def test_a_ticket_two_channels_take_gets_a_card_in_each(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, Route(EVERYTHING, (1, 2, 3, 4)))
    rig.poll(poller)
    rig.add(500)

    assert rig.poll(poller).posted == 2
    assert sorted(rig.sink.posts) == [(TECH, 500), (EVERYTHING, 500)]
    assert {card.channel for card in rig.state.cards(500)} == {TECH, EVERYTHING}

    rig.set_ticket(500, status="Answered")
    assert rig.poll(poller).updated == 2
    assert sorted(u.card.channel for u in rig.sink.updates) == [TECH, EVERYTHING]
    assert len(rig.sink.posts) == 2


def test_a_ticket_moved_to_another_route_leaves_the_old_channel(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, BILLING_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    rig.set_ticket(500, deptid=3)
    rig.poll(poller)
    assert rig.sink.posts == [(TECH, 500), (BILLING, 500)]
    tech = [u for u in rig.sink.updates if u.card.channel == TECH]
    assert [u.left for u in tech] == [TECH_ROUTE]
    assert tech[0].news.changes == (Change("Department", "Technical Support", "Billing"),)
    seen = rig.state.seen_one(500)
    assert seen is not None and seen.channels == {BILLING}

    rig.poll(poller)
    assert len(rig.sink.posts) == 2 and len(tech) == 1


def test_a_ticket_moved_between_two_routes_of_one_channel_keeps_its_card(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, Route(TECH, (3,)))
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    rig.set_ticket(500, deptid=3)
    rig.poll(poller)
    assert rig.sink.posts == [(TECH, 500)]
    (update,) = rig.sink.updates
    assert update.left is None
    assert update.news.changes == (Change("Department", "Technical Support", "Billing"),)


def test_a_ticket_that_no_longer_has_a_routes_status_leaves_its_channel(rig: Rig) -> None:
    route = Route(TECH, (2,), statuses=("open", "customer reply"))
    poller = rig.poller(route)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)

    rig.set_ticket(500, status="Answered")
    rig.poll(poller)
    assert [u.left for u in rig.sink.updates] == [route]


def test_odd_tickets_do_not_stop_the_poll(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    subject = "Server on fire " * 5000
    rig.add(500, subject=subject)
    rig.add(501, deptid=0)
    rig.add(502, lastreply="")
    rig.add(503, subject="")

    rig.poll(poller)
    assert sorted(rig.sink.posts) == [(TECH, 500), (TECH, 502), (TECH, 503)]
    seen = rig.state.seen_one(500)
    assert seen is not None and seen.subject == subject

    rig.set_ticket(502, deptid=0)
    rig.poll(poller)
    (update,) = rig.sink.updates
    assert update.left == TECH_ROUTE
    assert update.news.changes == (Change("Department", "Technical Support", "department 0"),)


def test_a_department_name_whmcs_lacks_is_reported_once(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    poller = rig.poller(Route(TECH, ("Technical Support", "Abuse")))
    with caplog.at_level(logging.ERROR, logger="bot.triage.poller"):
        first = rig.poll(poller)
        second = rig.poll(poller)
    assert first.missing_departments == second.missing_departments == ("Abuse",)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "'Abuse'" in errors[0]

    rig.add(500)
    rig.poll(poller)
    assert rig.sink.posts == [(TECH, 500)], "the names WHMCS has were not used"


# -- changes from Slack while a poll runs -------------------------------------------------------


def test_news_is_not_threaded_again_after_a_change_from_slack_during_the_poll(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)
    rig.set_ticket(500, status="Answered")

    def flagged_from_slack() -> None:
        # What the card keeper does when someone clicks "Flag to me" as the card is redrawn.
        rig.sink.on_update = None
        rig.set_ticket(500, flag=2)
        seen = rig.state.seen_one(500)
        assert seen is not None
        rig.state.remember(replace(seen, flag=2, noted_at=rig.clock.now + 1))

    rig.sink.on_update = flagged_from_slack
    rig.poll(poller)
    assert [u.news.changes for u in rig.sink.updates] == [(Change("Status", "Open", "Answered"),)]

    rig.poll(poller)
    assert len(rig.sink.updates) == 1, "the status change was threaded twice"


def test_a_change_from_slack_while_a_card_is_posted_is_not_reported_again(rig: Rig) -> None:
    poller = rig.poller(TECH_ROUTE, BILLING_ROUTE)
    rig.poll(poller)
    rig.add(500)
    rig.poll(poller)
    rig.set_ticket(500, deptid=3)

    def flagged_from_slack() -> None:
        # Someone flags the ticket from its Technical Support card while Billing's is posted.
        rig.sink.on_post = None
        rig.set_ticket(500, flag=2)
        seen = rig.state.seen_one(500)
        assert seen is not None
        rig.state.remember(replace(seen, flag=2, noted_at=rig.clock.now + 1))

    rig.sink.on_post = flagged_from_slack
    rig.poll(poller)
    assert rig.sink.posted(500) == [TECH, BILLING]
    rig.sink.updates.clear()

    rig.poll(poller)
    assert rig.sink.updates == [], "the flag set from Slack was reported as made in WHMCS"

"""The lines a triage card's thread gets for a poll's news, and whom they name."""

from __future__ import annotations

from typing import Any, cast

from bot.slack.triage_cards import SlackCards
from bot.store import Change
from bot.triage.news import News
from bot.triage.state import Card
from bot.whmcs import Ticket

CARD = Card("C0000001", "1900000000.000001", 42, routed=True)
TICKET = Ticket.from_api({"id": 42, "tid": "ABC-1", "deptid": 2, "status": "In Progress"})


class Pacer:
    """Record each Slack call; every one succeeds."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def call(self, method: str, channel: str, **args: Any) -> dict[str, Any]:
        self.calls.append((method, channel, args))
        return {"ok": True, "ts": "1900000000.000002"}


class Renderer:
    """Draw a card as its note alone."""

    def card(self, ticket: Ticket, note: str | None = None) -> dict[str, Any]:
        return {"text": note or f"ticket {ticket.id}", "blocks": []}


def threaded(news: News) -> list[str]:
    pacer = Pacer()
    cards = SlackCards(cast(Any, Renderer()), cast(Any, pacer), ())
    assert cards.update(CARD, TICKET, news, None)
    return [args["text"] for method, _, args in pacer.calls if "thread_ts" in args]


def test_a_change_made_in_whmcs_is_told_as_made_there() -> None:
    news = News((Change("Status", "Open", "In Progress"),))

    assert threaded(news) == ["Status set to In Progress in WHMCS (was Open)"]


def test_a_change_the_bots_own_unconfirmed_write_made_names_who_asked_for_it() -> None:
    changes = (Change("Status", "Open", "In Progress"), Change("Priority", "Medium", "High"))
    news = News(changes, by={"Status": "U0000001"})

    assert threaded(news) == [
        "Status set to In Progress by <@U0000001> (was Open)",
        "Priority set to High in WHMCS (was Medium)",
    ]

"""Triage channels end to end: the poller posts cards and keeps them current from WHMCS."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.sandbox import Sandbox
from bot.slack import card_values as cv
from tests.fakeslack import FakeSlack
from tests.scenario.harness import DEFAULT_CONFIG, Harness
from tests.scenario.test_card import click, element, settle, words
from tests.slack.blockcheck import check_message

TRIAGE = "C0000001"
BILLING = "C0000002"
ROUTES = """
[[triage]]
channel = "C0000001"
departments = ["Technical Support"]

[[triage]]
channel = "C0000002"
departments = [3]
mention = "S0000BILL"
"""


def triage_bot(sandbox: Sandbox, slack: FakeSlack, tmp: Path, routes: str = ROUTES) -> Harness:
    """Start the bot with triage routes; its first poll has run when this returns."""
    config = "triage_interval = 3600\n" + DEFAULT_CONFIG + routes
    harness = Harness(sandbox, slack, tmp, config=config).start()
    harness.poll()
    return harness


@pytest.fixture
def bot(sandbox: Sandbox, slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    """The bot with a Technical Support route to C0000001 and a Billing one to C0000002."""
    harness = triage_bot(sandbox, slack, tmp_path)
    yield harness
    harness.stop()


def cards(bot: Harness, channel: str = TRIAGE) -> list[dict[str, Any]]:
    """Return the cards in a channel as they read now, thread lines left out."""
    return [m for m in bot.slack.messages(channel) if "thread_ts" not in m]


def thread(bot: Harness, ts: str, channel: str = TRIAGE) -> list[str]:
    """Return the lines threaded under a card, oldest first."""
    return [m["text"] for m in bot.slack.messages(channel) if m.get("thread_ts") == ts]


def open_ticket(bot: Harness, subject: str, deptid: int = 2, **extra: Any) -> int:
    """Open a ticket through WHMCS's API, as a customer's email or the client area would."""
    answer = bot.whmcs(
        "OpenTicket", deptid=deptid, subject=subject, message="It broke.", clientid=5, **extra
    )
    return int(answer["id"])


def test_the_first_poll_posts_nothing_that_was_already_there(bot: Harness) -> None:
    assert cards(bot) == [] and cards(bot, BILLING) == []
    assert bot.slack.calls("chat.postMessage") == []


def test_a_new_ticket_gets_one_card_in_its_departments_channel(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Mail server rejects logins")
    report = bot.poll()

    posted = cards(bot)
    assert report.posted == 1 and len(posted) == 1
    text = words(posted[0])
    assert "Mail server rejects logins" in text and "Technical Support" in text
    assert "*Status*\nOpen" in text and "*Flagged to*\nunflagged" in text
    check_message(posted[0])
    assert cards(bot, BILLING) == []
    bot.poll()
    assert len(cards(bot)) == 1, "a second poll posted the card again"
    _, flag_me = element(posted[0], cv.FLAG_ME)
    assert str(ticket_id) in flag_me["value"]


def test_flag_to_me_on_a_triage_card_flags_the_clickers_admin(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Site down")
    bot.poll()
    card = cards(bot)[0]

    click(bot, card, cv.FLAG_ME, user="U0000002")
    settle(bot)
    assert int(bot.ticket(ticket_id)["flag"]) == 2
    now = cards(bot)[0]
    assert "*Flagged to*\nBob Builder" in words(now)
    assert thread(bot, card["ts"]) == ["Flagged to Bob Builder by <@U0000002> (was unflagged)"]
    bot.poll()
    assert thread(bot, card["ts"]) == ["Flagged to Bob Builder by <@U0000002> (was unflagged)"], (
        "the poll reported the bot's own change again"
    )


def test_a_change_made_in_whmcs_updates_the_card_in_place(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Backups failing")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    bot.set_ticket(ticket_id, status="On Hold", priority="Low", flag=1)
    report = bot.poll()
    assert report.updated == 1 and len(cards(bot)) == 1
    text = words(cards(bot)[0])
    assert "*Status*\nOn Hold" in text and "*Priority*\nLow" in text
    assert "*Flagged to*\nAlice Admin" in text
    assert thread(bot, ts) == [
        "Status set to On Hold in WHMCS (was Open)",
        "Priority set to Low in WHMCS (was Medium)",
        "Flagged to Alice Admin in WHMCS (was unflagged)",
    ]
    bot.poll()
    assert len(thread(bot, ts)) == 3, "an unchanged ticket was reported again"


def test_a_customer_reply_is_threaded_under_the_card(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "DNS not resolving")
    bot.set_ticket(ticket_id, lastreply="2026-01-01 09:00:00")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    bot.whmcs("AddTicketReply", ticketid=ticket_id, clientid=5, message="Any news?")
    bot.poll()
    lines = thread(bot, ts)
    assert lines[0] == "Status set to Customer-Reply in WHMCS (was Open)"
    assert len(lines) == 2 and lines[1].startswith("New reply from "), lines
    assert "Any news?" not in words(cards(bot)[0]), "a message body reached the channel"


def test_a_ticket_moved_away_says_where_it_went_and_reaches_the_new_channel(
    bot: Harness,
) -> None:
    ticket_id = open_ticket(bot, "Refund for the wrong plan")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    bot.set_ticket(ticket_id, deptid=3)
    bot.poll()
    assert thread(bot, ts)[-1] == "Moved to Billing: no longer in this channel's triage"
    assert "*Department*\nBilling" in words(cards(bot)[0])
    billing = cards(bot, BILLING)
    assert len(billing) == 1 and "Refund for the wrong plan" in words(billing[0])


def test_a_closed_ticket_leaves_the_route_and_its_card_says_so(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Old question")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    bot.set_ticket(ticket_id, status="Closed")
    report = bot.poll()
    assert report.read_back == 1
    assert thread(bot, ts) == [
        "Status set to Closed in WHMCS (was Open)",
        "Now Closed: no longer in this channel's triage",
    ]
    assert "*Status*\nClosed" in words(cards(bot)[0])
    assert bot.poll().read_back == 0, "a closed ticket was read again on every poll"


def test_a_high_priority_ticket_pings_the_routes_group(bot: Harness) -> None:
    open_ticket(bot, "Charged three times", deptid=3, priority="High")
    open_ticket(bot, "Invoice address", deptid=3, priority="Low")
    bot.poll()
    texts = {
        words(card).count("Charged three times") > 0: words(card) for card in cards(bot, BILLING)
    }
    assert len(texts) == 2
    assert "<!subteam^S0000BILL>" in texts[True]
    assert "<!subteam^" not in texts[False]


def test_a_command_updates_the_triage_card_and_the_poll_stays_quiet(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Slow VPS")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    reply = bot.command(f"{ticket_id} status In Progress priority High", channel="C0000009")
    reply.final()
    assert "*Status*\nIn Progress" in words(cards(bot)[0])
    lines = thread(bot, ts)
    assert lines == [
        "Status set to In Progress by <@U0000001> (was Open)",
        "Priority set to High by <@U0000001> (was Medium)",
    ]
    bot.poll()
    assert thread(bot, ts) == lines


def test_a_restart_neither_reposts_nor_misses(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    bot = triage_bot(sandbox, slack, tmp_path)
    first = open_ticket(bot, "Before the restart")
    bot.poll()
    bot.stop()
    bot.set_ticket(first, status="Answered")
    second = open_ticket(bot, "During the restart")

    restarted = triage_bot(sandbox, slack, tmp_path)
    try:
        posted = cards(restarted)
        assert [words(card).count("During the restart") > 0 for card in posted] == [False, True]
        assert thread(restarted, posted[0]["ts"]) == ["Status set to Answered in WHMCS (was Open)"]
        assert f"ticketid={second}" not in words(posted[0])
    finally:
        restarted.stop()


def test_backfill_posts_recent_tickets_on_a_channels_first_poll(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    config = "triage_interval = 3600\n" + DEFAULT_CONFIG
    config += '[[triage]]\nchannel = "C0000001"\ndepartments = [2]\nbackfill = 24\n'
    bot = Harness(sandbox, slack, tmp_path, config=config).start()
    try:
        open_ticket(bot, "Opened just now")
        bot.poll()
        subjects = "\n".join(words(card) for card in cards(bot))
        assert "Opened just now" in subjects
        assert "Website down after DNS change" not in subjects, "an old ticket was backfilled"
    finally:
        bot.stop()


def test_a_rate_limit_is_waited_out_and_nothing_is_lost(bot: Harness) -> None:
    bot.slack.fail("chat.postMessage", retry_after=1)
    open_ticket(bot, "First")
    open_ticket(bot, "Second")
    bot.poll()

    posted = cards(bot)
    assert len(posted) == 2
    calls = bot.slack.calls("chat.postMessage")
    assert len(calls) == 3, "the limited post was not made again, or made twice"
    assert calls[1]["time"] - calls[0]["time"] >= 0.9, "Retry-After was not honoured"
    assert calls[2]["time"] - calls[1]["time"] >= 0.9, "posts in one channel were not spaced"


def test_a_channel_the_bot_is_not_in_is_reported_once_and_others_go_on(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.slack.fail("chat.postMessage", error="not_in_channel")
    open_ticket(bot, "Tech ticket")
    with caplog.at_level(logging.ERROR, logger="bot.slack.triage_cards"):
        bot.poll()
        open_ticket(bot, "Billing ticket", deptid=3)
        bot.poll()

    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, errors
    assert TRIAGE in errors[0] and "/invite @ticketbot" in errors[0]
    assert len(cards(bot, BILLING)) == 1
    assert cards(bot) == []


def test_thousands_of_tickets_are_paged_and_an_idle_poll_calls_slack_nothing(
    bot: Harness,
) -> None:
    tickets = [
        {
            "id": 1000 + n,
            "deptid": 2 if n % 2 else 1,
            "subject": f"Bulk ticket {n}",
            "status": "Open" if n % 10 == 0 else "Closed",
            "lastreply": "2026-01-01 10:00:00",
        }
        for n in range(3000)
    ]
    bot.set_tickets(tickets)
    report = bot.poll()
    assert report.posted == 0, "tickets already there were posted as new"

    requests_before = len(bot.calls())
    slack_before = len(bot.slack.calls())
    report = bot.poll()
    assert report.posted == 0 and report.updated == 0 and report.read_back == 0
    assert len(bot.slack.calls()) == slack_before, "an idle poll called Slack"
    whmcs_calls = len(bot.calls()) - requests_before
    assert whmcs_calls == report.pages == 4, (whmcs_calls, report.pages, report.tickets)


def test_the_running_bot_posts_a_new_ticket_within_one_poll_interval(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    config = "triage_interval = 5\n" + DEFAULT_CONFIG + ROUTES
    bot = Harness(sandbox, slack, tmp_path, config=config).start()
    try:
        # The first poll runs as the bot starts; what it finds there is not posted.
        assert bot.bot is not None and bot.bot.triage is not None
        poller = bot.bot.triage.poller
        slack.wait_for(lambda: poller.state.started(poller.routes[0].fingerprint()), timeout=10)
        ticket_id = open_ticket(bot, "Opened while the bot runs")
        opened = time.monotonic()
        posted = slack.wait_for(lambda: cards(bot), timeout=8)
        assert time.monotonic() - opened <= 6.5
        assert "Opened while the bot runs" in words(posted[0])

        click(bot, posted[0], cv.FLAG_ME)
        settle(bot)
        assert int(bot.ticket(ticket_id)["flag"]) == 1
        assert "*Flagged to*\nAlice Admin" in words(cards(bot)[0])
    finally:
        bot.stop()


def test_editing_a_route_does_not_flood_its_channel(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    bot = triage_bot(sandbox, slack, tmp_path)
    bot.stop()
    widened = ROUTES.replace('departments = ["Technical Support"]', "departments = [1, 2]")
    restarted = triage_bot(sandbox, slack, tmp_path, routes=widened)
    try:
        assert cards(restarted) == [], "adding a department posted all its tickets"
        open_ticket(restarted, "Login problem", deptid=1)
        restarted.poll()
        assert len(cards(restarted)) == 1
    finally:
        restarted.stop()


def test_a_ticket_deleted_in_whmcs_is_said_under_its_card(bot: Harness) -> None:
    ticket_id = open_ticket(bot, "Spam")
    bot.poll()
    ts = cards(bot)[0]["ts"]

    requests.delete(f"{bot.sandbox.url}/_sandbox/tickets/{ticket_id}", timeout=5)
    bot.poll()
    assert thread(bot, ts) == ["This ticket was deleted in WHMCS"]
    assert bot.poll().read_back == 0


def test_a_card_posted_just_before_the_bot_stopped_is_not_posted_again(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = triage_bot(sandbox, slack, tmp_path)
    ticket_id = open_ticket(bot, "Posted as the bot died")
    assert bot.bot is not None and bot.bot.triage is not None
    state = bot.bot.triage.poller.state

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the process dies between Slack's answer and the record

    monkeypatch.setattr(state, "add_card", killed)
    with pytest.raises(KeyboardInterrupt):
        bot.bot.triage.poller.poll()
    monkeypatch.undo()
    bot.stop()
    assert len(cards(bot)) == 1

    restarted = triage_bot(sandbox, slack, tmp_path)
    try:
        assert len(cards(restarted)) == 1, "the card was posted a second time"
        bot.set_ticket(ticket_id, status="On Hold")
        restarted.poll()
        ts = cards(restarted)[0]["ts"]
        assert thread(restarted, ts) == ["Status set to On Hold in WHMCS (was Open)"]
    finally:
        restarted.stop()


def test_a_card_never_posted_before_the_bot_stopped_is_posted_after(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = triage_bot(sandbox, slack, tmp_path)
    open_ticket(bot, "Never made it")
    assert bot.bot is not None and bot.bot.triage is not None
    poller = bot.bot.triage.poller

    def killed(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt  # the process dies before Slack is asked

    monkeypatch.setattr(poller.sink, "post", killed)
    with pytest.raises(KeyboardInterrupt):
        poller.poll()
    monkeypatch.undo()
    bot.stop()
    assert cards(bot) == []

    restarted = triage_bot(sandbox, slack, tmp_path)
    try:
        assert len(cards(restarted)) == 1, "the ticket was missed"
    finally:
        restarted.stop()

"""Links to WHMCS tickets posted in Slack unfurl into the ticket's summary, end to end over HTTP."""

from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any

import pytest
import requests
from slack_sdk.models.blocks import Block

from tests.fakeslack import BOT_USER_ID
from tests.scenario.harness import SIGNING_SECRET, Harness
from tests.scenario.test_card import words
from tests.scenario.test_permissions import BILLING_TICKET, EMAIL_ONLY
from tests.slackreq import sign

CHANNEL = "C0000001"
MESSAGE_TS = "1700000050.000100"
ALICE, BOB, NOBODY = "U0000001", "U0000002", "U0000009"
UNFURL_LOGGER = "bot.slack.unfurl"
_EVENTS = itertools.count(1)


def page(bot: Harness, ticket_id: int, action: str = "view") -> str:
    """Return a ticket's admin page as Slack puts it in a link_shared event (`&` as `&amp;`)."""
    return f"{bot.sandbox.url}/admin/supporttickets.php?action={action}&amp;id={ticket_id}"


def share(
    bot: Harness,
    *urls: str,
    user: str = ALICE,
    event_id: str | None = None,
    retry: int | None = None,
    **fields: Any,
) -> requests.Response:
    """Send a signed link_shared event, as Slack does when someone posts these links."""
    event: dict[str, Any] = {
        "type": "link_shared",
        "channel": CHANNEL,
        "is_bot_user_member": True,
        "user": user,
        "message_ts": MESSAGE_TS,
        "links": [{"domain": "127.0.0.1", "url": url} for url in urls],
        "event_ts": f"{time.time():.6f}",
        **fields,
    }
    body = {
        "token": "verification-token-not-used",
        "team_id": "T0000001",
        "api_app_id": "A0000001",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_EVENTS):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": "T0000001", "user_id": BOT_USER_ID, "is_bot": True},
        ],
        "is_ext_shared_channel": False,
    }
    raw = json.dumps(body).encode()
    headers = {**sign(SIGNING_SECRET, raw), "Content-Type": "application/json"}
    if retry is not None:
        # Slack marks a delivery it sends again after no answer within 3 seconds.
        headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
    assert bot.url.startswith("http://127.0.0.1:")
    response = requests.post(bot.url, data=raw, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response


def unfurls(bot: Harness) -> list[dict[str, Any]]:
    """Wait until the bot has finished its work; return the arguments of each chat.unfurl."""
    assert bot.bot is not None and bot.bot.followups.wait_idle(10)
    return [call["args"] for call in bot.slack.calls("chat.unfurl")]


def check_blocks(blocks: list[dict[str, Any]]) -> None:
    """Fail unless slack_sdk reads every block as sent and finds it valid, 50 at most."""
    assert 0 < len(blocks) <= 50
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"slack_sdk does not know block {raw!r}"
        block.validate_json()
        assert block.to_dict() == raw, f"slack_sdk reads {raw!r} differently"


def interactive(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the buttons and menus among the blocks."""
    found = [b for b in blocks if b["type"] == "actions"]
    return found + [b["accessory"] for b in blocks if "accessory" in b]


def unfurl_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return what the unfurl listener logged."""
    return [r.getMessage() for r in caplog.records if r.name == UNFURL_LOGGER]


def test_a_shared_ticket_link_unfurls_into_the_tickets_summary(bot: Harness) -> None:
    started = time.monotonic()
    share(bot, page(bot, 42))
    assert time.monotonic() - started < 2

    [call] = unfurls(bot)
    assert (call["channel"], call["ts"]) == (CHANNEL, MESSAGE_TS)
    # Slack matches each unfurl to the link exactly as the event carried it.
    assert list(call["unfurls"]) == [page(bot, 42)]
    blocks = call["unfurls"][page(bot, 42)]["blocks"]
    check_blocks(blocks)
    text = words({"blocks": blocks})
    assert "Ticket #ABC-165776 (id 42)" in text and "Website returns 502 Bad Gateway" in text
    assert "*Status*\nOpen" in text and "*Priority*\nMedium" in text
    assert "*Department*\nTechnical Support" in text and "*Flagged to*\nunflagged" in text
    assert "*From*\nОлег Смирнов (client 5)" in text and "*Last reply*" in text
    link = f"{bot.sandbox.url}/admin/supporttickets.php?action=view&amp;id=42|Open in WHMCS"
    assert link in text
    assert interactive(blocks) == []
    assert "oleg@example.ru" not in str(call)
    assert "Every page returns 502" not in str(call)  # the opening message stays in WHMCS
    assert bot.writes() == []


def test_a_link_in_the_message_composer_unfurls_by_its_unfurl_id(bot: Harness) -> None:
    share(
        bot,
        page(bot, 42, action="viewticket"),
        channel="COMPOSER",
        message_ts="Uxxxxxxx-909b5454-75f8-4ac4-b325-1b40e230bbd8-gryl3kb80b3wm49ihzoo35fyqoq08n2y",
        unfurl_id="Uxxxxxxx-909b5454-75f8-4ac4-b325-1b40e230bbd8-gryl3kb80b3wm49ihzoo35fyqoq08n2y",
        source="composer",
    )
    [call] = unfurls(bot)
    assert call["source"] == "composer" and call["unfurl_id"].startswith("Uxxxxxxx-909b")
    assert "channel" not in call and "ts" not in call
    assert "Ticket #ABC-165776 (id 42)" in words(call["unfurls"][page(bot, 42, "viewticket")])


def test_several_links_unfurl_in_one_call_each_ticket_read_once(bot: Harness) -> None:
    share(bot, page(bot, 42), page(bot, BILLING_TICKET), page(bot, 42), page(bot, 42, "viewticket"))
    [call] = unfurls(bot)
    assert set(call["unfurls"]) == {
        page(bot, 42),
        page(bot, BILLING_TICKET),
        page(bot, 42, "viewticket"),
    }
    assert "(id 2)" in words(call["unfurls"][page(bot, BILLING_TICKET)])
    reads = [c for c in bot.calls() if c["action"] == "getticket"]
    assert sorted(int(c["params"]["ticketid"]) for c in reads) == [BILLING_TICKET, 42]


def test_an_event_slack_delivers_again_unfurls_once(bot: Harness) -> None:
    share(bot, page(bot, 42), event_id="Ev0RETRY01")
    share(bot, page(bot, 42), event_id="Ev0RETRY01", retry=1)
    share(bot, page(bot, 42), event_id="Ev0RETRY01", retry=2)
    assert len(unfurls(bot)) == 1

    share(bot, page(bot, 42), event_id="Ev0RETRY02")  # the same link posted again
    assert len(unfurls(bot)) == 2


def test_someone_not_linked_gets_no_unfurl(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, UNFURL_LOGGER)
    share(bot, page(bot, 42), user=NOBODY)
    assert unfurls(bot) == []
    [line] = unfurl_lines(caplog)
    assert "ticket=42" in line and NOBODY in line and "linked to no WHMCS admin" in line
    assert "@" not in line


def test_links_to_other_hosts_and_pages_are_ignored(bot: Harness) -> None:
    whmcs_calls = len(bot.calls())
    host_and_port = bot.sandbox.url.removeprefix("http://")
    share(
        bot,
        page(bot, 42).replace("127.0.0.1", "localhost"),
        page(bot, 42).replace(host_and_port, "127.0.0.1:9"),
        f"{bot.sandbox.url}/admin/supporttickets.php?action=list",
        f"{bot.sandbox.url}/viewticket.php?tid=ABC-165776&amp;c=abc",
        "https://example.com/admin/supporttickets.php?action=view&amp;id=42",
    )
    assert unfurls(bot) == []
    assert len(bot.calls()) == whmcs_calls  # nothing was asked of WHMCS


def test_the_bots_own_links_are_not_unfurled(bot: Harness) -> None:
    whmcs_calls = len(bot.calls())
    share(bot, page(bot, 42), user=BOT_USER_ID)
    assert unfurls(bot) == []
    assert len(bot.calls()) == whmcs_calls


def test_a_ticket_the_person_may_not_view_is_not_unfurled(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.stop()
    bot.config = EMAIL_ONLY  # Bob: an agent in General and Technical Support, not Billing
    bot.start()
    caplog.set_level(logging.INFO, UNFURL_LOGGER)

    share(bot, page(bot, BILLING_TICKET), page(bot, 42), user=BOB)
    [call] = unfurls(bot)
    assert list(call["unfurls"]) == [page(bot, 42)]
    assert "Billing" not in str(call)
    [denied] = [line for line in unfurl_lines(caplog) if "not unfurled" in line]
    assert denied.startswith(
        f"link to ticket={BILLING_TICKET} not unfurled for user={BOB} in channel={CHANNEL} "
    )
    assert denied.endswith("the admin may not view the ticket")

    share(bot, page(bot, BILLING_TICKET), user=BOB)
    assert len(unfurls(bot)) == 1


def test_a_whmcs_outage_gives_no_unfurl_and_no_crash(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.faults(mode="html_503")
    share(bot, page(bot, 42))
    assert unfurls(bot) == []
    [line] = unfurl_lines(caplog)
    assert "ticket=42" in line and "WHMCS could not be read" in line
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    bot.faults(count=0)
    share(bot, page(bot, 42))
    [call] = unfurls(bot)
    assert "Ticket #ABC-165776 (id 42)" in words(call["unfurls"][page(bot, 42)])


def test_a_ticket_whmcs_cannot_read_is_not_unfurled_while_others_are(bot: Harness) -> None:
    share(bot, page(bot, 1))  # the admins are read and cached now
    assert len(unfurls(bot)) == 1
    bot.slack.reset()
    bot.faults(mode="html_503", actions=["getticket"], count=1)
    share(bot, page(bot, 42), page(bot, 999999))
    assert unfurls(bot) == []

    share(bot, page(bot, 42), page(bot, 999999))  # 999999 is no ticket
    [call] = unfurls(bot)
    assert list(call["unfurls"]) == [page(bot, 42)]


def test_slow_whmcs_never_delays_the_events_answer(bot: Harness) -> None:
    bot.faults(latency=2.0)
    started = time.monotonic()
    share(bot, page(bot, 42))
    assert time.monotonic() - started < 1.0
    assert len(unfurls(bot)) == 1


def test_slack_refusing_the_unfurl_is_logged_not_raised(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    bot.slack.fail("chat.unfurl", "cannot_unfurl_url")
    share(bot, page(bot, 42))
    assert len(unfurls(bot)) == 1
    assert any("refused: cannot_unfurl_url" in line for line in unfurl_lines(caplog))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

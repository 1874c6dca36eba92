"""Ticket cards end to end over HTTP: post one, click its buttons and menus, restart the bot."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

import pytest

from bot.slack import card_values as cv
from tests.scenario import formkit as fk
from tests.scenario.harness import Harness, new_trigger_id
from tests.scenario.test_permissions import BILLING_TICKET, EMAIL_ONLY
from tests.slack.blockcheck import check_message

CHANNEL = "C0000001"
ALICE, BOB = "U0000001", "U0000002"


def post_card(bot: Harness, ref: str = "42", user: str = ALICE) -> dict[str, Any]:
    """Type `/ticket <ref> card` and return the card it posted in the channel."""
    reply = bot.command(f"{ref} card", user=user, channel=CHANNEL)
    assert "Posted the card" in words(reply.final())
    return card(bot)


def card(bot: Harness) -> dict[str, Any]:
    """Return the channel's newest card as it reads now (thread lines left out)."""
    cards = [m for m in bot.slack.messages(CHANNEL) if "thread_ts" not in m]
    assert cards, "no card in the channel"
    return cards[-1]


def thread(bot: Harness, ts: str) -> list[str]:
    """Return the lines threaded under a card, oldest first."""
    return [m["text"] for m in bot.slack.messages(CHANNEL) if m.get("thread_ts") == ts]


def words(message: dict[str, Any]) -> str:
    """Flatten a message into the text a person reads: fallback, blocks, fields, buttons."""

    def texts(node: Any) -> list[str]:
        if isinstance(node, list):
            return [text for item in node for text in texts(item)]
        if not isinstance(node, dict):
            return []
        own = [node["text"]] if isinstance(node.get("text"), str) else []
        return own + [
            text for key, value in node.items() if key != "value" for text in texts(value)
        ]

    return "\n".join(texts(message))


def element(message: dict[str, Any], action_id: str) -> tuple[str, dict[str, Any]]:
    """Return the block id and the button or menu of a message with this action_id."""
    for block in message["blocks"]:
        candidates = list(block.get("elements", []))
        if "accessory" in block:
            candidates.append(block["accessory"])
        for found in candidates:
            if isinstance(found, dict) and found.get("action_id") == action_id:
                return block.get("block_id", ""), found
    raise AssertionError(f"no {action_id} in {words(message)!r}")


def click(
    bot: Harness,
    message: dict[str, Any],
    action_id: str,
    user: str = ALICE,
    pick: str | None = None,
    ephemeral: bool = False,
    trigger_id: str | None = None,
) -> str:
    """Click a button (or pick a menu option by its text) as Slack would; return response_url."""
    block_id, clicked = element(message, action_id)
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": clicked["type"],
        "action_ts": f"{time.time():.6f}",
    }
    if pick is None:
        action["value"] = clicked["value"]
    else:
        options = [o for o in clicked["options"] if o["text"]["text"] == pick]
        action["selected_option"] = options[0]
    ts = message.get("ts", "1700000099.000100")
    response_url = bot.slack.new_response_url()
    payload = {
        "type": "block_actions",
        "team": fk.TEAM,
        "user": fk.user(user),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": CHANNEL,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "channel": {"id": CHANNEL, "name": "support"},
        "response_url": response_url,
        "actions": [action],
        "is_enterprise_install": False,
    }
    if not ephemeral:
        payload["message"] = message
    assert fk.ack_body(fk.interact(bot, payload)) == {}
    return response_url


def settle(bot: Harness) -> None:
    """Wait until the bot has finished the work clicks handed on."""
    assert bot.bot is not None and bot.bot.followups.wait_idle(10)


def private(bot: Harness, response_url: str) -> list[dict[str, Any]]:
    """Return what the clicker alone was shown through the click's response_url."""
    answers = bot.slack.responses(response_url)
    for answer in answers:
        assert answer["response_type"] == "ephemeral"
    return answers


def audit(bot: Harness) -> list[tuple[str, str, int | None]]:
    """Return (source, outcome, ticket id) of every recorded attempt, oldest first."""
    with sqlite3.connect(bot.db) as db:
        return db.execute("SELECT source, outcome, ticket_id FROM audit ORDER BY id").fetchall()


def test_card_command_posts_the_ticket_card_in_the_channel(bot: Harness) -> None:
    posted = post_card(bot)
    check_message(posted)
    text = words(posted)
    assert "Ticket #ABC-165776 (id 42)" in text and "Website returns 502 Bad Gateway" in text
    assert "*Status*\nOpen" in text and "*Priority*\nMedium" in text
    assert "*Department*\nTechnical Support" in text and "*Flagged to*\nunflagged" in text
    assert "*From*\nОлег Смирнов (client 5)" in text and "*Last reply*" in text
    assert "oleg@example.ru" not in str(posted)
    assert "Every page returns 502" not in str(posted)  # the opening message stays in WHMCS
    _, link = element(posted, cv.OPEN_IN_WHMCS)
    assert link["url"] == f"{bot.sandbox.url}/admin/supporttickets.php?action=view&id=42"
    assert bot.writes() == []


def test_a_bot_not_in_the_channel_asks_to_be_invited(bot: Harness) -> None:
    bot.slack.fail("chat.postMessage", "not_in_channel")
    answer = bot.command("42 card", channel=CHANNEL).final()
    assert "/invite @ticketbot" in words(answer)
    assert answer.get("response_type") != "in_channel"
    assert bot.slack.messages(CHANNEL) == []


def test_flag_to_me_flags_updates_the_card_and_threads_a_line(bot: Harness) -> None:
    posted = post_card(bot)
    url = click(bot, posted, cv.FLAG_ME)
    settle(bot)

    assert int(bot.ticket(42)["flag"]) == 1
    now = card(bot)
    assert now["ts"] == posted["ts"] and "edited" in now
    assert "*Flagged to*\nAlice Admin" in words(now)
    assert "Flagged to Alice Admin by <@U0000001>" in words(now)
    element(now, cv.UNFLAG)
    assert thread(bot, posted["ts"]) == ["Flagged to Alice Admin by <@U0000001> (was unflagged)"]
    assert private(bot, url) == []
    assert audit(bot) == [("button", "done", 42)]
    assert "Changed from Slack by alice (U0000001)" in bot.ticket(42)["notes"][0]["message"]

    url = click(bot, now, cv.UNFLAG)
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 0
    assert "Unflagged by <@U0000001>" in words(card(bot))
    assert len(thread(bot, posted["ts"])) == 2


def test_taking_over_someone_elses_ticket_asks_first(bot: Harness) -> None:
    posted = post_card(bot)
    click(bot, posted, cv.FLAG_ME, user=BOB)
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 2

    url = click(bot, card(bot), cv.FLAG_ME)
    settle(bot)
    assert len(bot.writes()) == 1
    [question] = private(bot, url)
    assert "already flagged to Bob Builder (by <@U0000002>). Take it over?" in words(question)
    assert question["replace_original"] is False

    answer_url = click(bot, question, cv.TAKE_OVER, ephemeral=True)
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 1
    [taken] = private(bot, answer_url)
    assert taken["replace_original"] is True
    assert "You took over ticket #ABC-165776 (id 42) from Bob Builder" in words(taken)
    assert "Flagged to Alice Admin by <@U0000001>" in words(card(bot))
    assert thread(bot, posted["ts"])[-1] == (
        "Flagged to Alice Admin by <@U0000001> (was Bob Builder)"
    )


@pytest.mark.parametrize("second", [ALICE, BOB], ids=["double click", "two people"])
def test_clicks_at_once_change_the_ticket_once(bot: Harness, second: str) -> None:
    posted = post_card(bot)
    urls: dict[str, str] = {}

    def press(user: str) -> None:
        urls[user + str(len(urls))] = click(bot, posted, cv.FLAG_ME, user=user)

    presses = [threading.Thread(target=press, args=(user,)) for user in (ALICE, second)]
    for pressing in presses:
        pressing.start()
    for pressing in presses:
        pressing.join()
    settle(bot)

    assert len(bot.writes()) == 1
    winner = int(bot.ticket(42)["flag"])
    assert winner in (1, 2)
    told = [words(answer) for url in urls.values() for answer in private(bot, url)]
    assert len(told) == 1
    name, user = ("Alice Admin", ALICE) if winner == 1 else ("Bob Builder", BOB)
    assert f"already flagged to {name} (by <@{user}>)" in told[0]
    assert len(thread(bot, posted["ts"])) == 1


def test_status_and_priority_menus_close_and_reopen(bot: Harness) -> None:
    posted = post_card(bot)
    click(bot, posted, cv.STATUS, pick="In Progress")
    settle(bot)
    click(bot, card(bot), cv.PRIORITY, pick="High")
    settle(bot)
    stored = bot.ticket(42)
    assert (stored["status"], stored["priority"]) == ("In Progress", "High")
    text = words(card(bot))
    assert "*Status*\nIn Progress" in text and "*Priority*\nHigh" in text

    click(bot, card(bot), cv.CLOSE)
    settle(bot)
    assert bot.ticket(42)["status"] == "Closed"
    element(card(bot), cv.REOPEN)
    click(bot, card(bot), cv.REOPEN)
    settle(bot)
    assert bot.ticket(42)["status"] == "Open"
    element(card(bot), cv.CLOSE)

    assert thread(bot, posted["ts"]) == [
        "Status set to In Progress by <@U0000001> (was Open)",
        "Priority set to High by <@U0000001> (was Medium)",
        "Status set to Closed by <@U0000001> (was In Progress)",
        "Status set to Open by <@U0000001> (was Closed)",
    ]
    assert len(bot.writes()) == 4

    url = click(bot, card(bot), cv.PRIORITY, pick="High")
    settle(bot)
    [already] = private(bot, url)
    assert "already has priority High (by <@U0000001>)" in words(already)
    assert len(bot.writes()) == 4 and audit(bot)[-1] == ("button", "no_change", 42)


def test_a_denied_click_changes_nothing_and_is_told_privately(bot: Harness) -> None:
    bot.stop()
    bot.config = EMAIL_ONLY
    bot.start()
    posted = post_card(bot, str(BILLING_TICKET))
    updates = len(bot.slack.calls("chat.update"))

    url = click(bot, posted, cv.FLAG_ME, user=BOB)
    settle(bot)
    assert int(bot.ticket(BILLING_TICKET)["flag"]) == 0 and bot.writes() == []
    [denied] = private(bot, url)
    assert denied["replace_original"] is False
    assert "Not allowed" in words(denied) and "Billing" in words(denied)
    assert len(bot.slack.calls("chat.update")) == updates
    assert thread(bot, posted["ts"]) == []
    assert audit(bot)[-1] == ("button", "denied", BILLING_TICKET)


def test_edit_opens_the_form_with_the_clicks_trigger(bot: Harness) -> None:
    posted = post_card(bot)
    trigger_id = new_trigger_id()
    click(bot, posted, cv.EDIT, trigger_id=trigger_id)
    view_id = fk.opened_view_id(bot)
    form = fk.wait_view(bot, view_id, "Open in WHMCS")
    assert "(id 42)" in fk.view_text(form)
    assert bot.slack.calls("views.open")[0]["args"]["trigger_id"] == trigger_id
    assert bot.writes() == []


def test_someone_not_linked_is_told_privately_and_recorded(bot: Harness) -> None:
    posted = post_card(bot)
    url = click(bot, posted, cv.FLAG_ME, user="U0000009")
    settle(bot)
    [told] = private(bot, url)
    assert "No enabled WHMCS admin has the email nobody@example.org" in words(told)
    assert bot.writes() == [] and audit(bot) == [("button", "unlinked", None)]


def test_refresh_shows_a_change_made_in_whmcs(bot: Harness) -> None:
    posted = post_card(bot)
    bot.set_ticket(42, status="Answered", priority="Low")
    click(bot, posted, cv.REFRESH)
    settle(bot)
    text = words(card(bot))
    assert "*Status*\nAnswered" in text and "*Priority*\nLow" in text
    assert bot.writes() == [] and thread(bot, posted["ts"]) == []


def test_a_card_posted_before_a_restart_still_works(bot: Harness) -> None:
    posted = post_card(bot)
    bot.stop()
    bot.start()
    click(bot, posted, cv.FLAG_ME)
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 1
    assert "Flagged to Alice Admin by <@U0000001>" in words(card(bot))

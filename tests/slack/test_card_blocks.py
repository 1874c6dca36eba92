"""A ticket card is valid Block Kit within Slack's limits, whatever WHMCS holds, and leaks nothing."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.slack import card_notes
from bot.slack import card_values as cv
from bot.slack.card_blocks import CardFacts, build_card
from bot.slack.card_reply import already_message, take_over_message
from bot.slack.card_values import CardValue, decode, encode
from bot.store import Change
from bot.tickets.result import FieldResult, Outcome, UpdateResult
from bot.whmcs import Ticket
from tests.slack.blockcheck import check_message
from tests.slack.test_blocks import HOSTILE

UTC = ZoneInfo("UTC")
NOW = datetime(2026, 3, 2, 12, 0)
STATUSES = ("Open", "Answered", "Customer-Reply", "On Hold", "In Progress", "Closed")
ADMIN_URL = "https://billing.example.com/admin/"
INJECTIONS = ("<!channel", "<!here", "<!everyone", "<@U0000001>", "<https://evil", "<mailto:")


def ticket(text: str = "Website returns 502", **fields: Any) -> Ticket:
    """Return ticket 42 whose text fields all hold `text`, changed by `fields`."""
    base = Ticket.from_api({"id": "42", "tid": "ABC-165776", "status": "Open", "flag": "0"})
    values: dict[str, Any] = {
        "subject": text,
        "name": text,
        "email": "hanako.sato@example.jp",
        "cc": "boss@example.jp",
        "deptname": text,
        "priority": "Medium",
        "message": "BODY: my password is hunter2",
        "lastreply": "2026-03-02 09:00:00",
        "userid": 4,
    }
    return dataclasses.replace(base, **{**values, **fields})


def facts(**changes: Any) -> CardFacts:
    """Return what a card shows besides the ticket: the demo statuses, no flag, no note."""
    return dataclasses.replace(CardFacts(STATUSES, "", ADMIN_URL, UTC, now=NOW), **changes)


def flat(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def elements(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the card's buttons and menus by action_id."""
    found = {}
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            found[element["action_id"]] = element
    return found


def mrkdwn(node: Any) -> list[str]:
    """Return every text Slack reads as mrkdwn in a message: its blocks' and its fallback."""
    if isinstance(node, list):
        return [text for item in node for text in mrkdwn(item)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if node.get("type") == "mrkdwn" else []
    return found + [text for value in node.values() for text in mrkdwn(value)]


def no_injection(message: dict[str, Any]) -> None:
    """Fail if a mention or link reaches text Slack reads as mrkdwn (plain text is never read)."""
    for text in [message["text"], *mrkdwn(message["blocks"])]:
        for markup in INJECTIONS:
            assert markup not in text


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("flag", [0, 2])
def test_a_card_of_hostile_text_is_valid_and_injects_nothing(text: str, flag: int) -> None:
    card = build_card(
        ticket(text, flag=flag, status=text or "Open"),
        facts(flagged_name=text, note=card_notes.note([Change("Flag", None, text)], "U0000002")),
    )
    check_message(card)
    no_injection(card)
    assert "hunter2" not in flat(card)
    assert "example.jp" not in flat(card)


def test_a_card_shows_the_facts_a_support_lead_needs() -> None:
    card = build_card(ticket(flag=2), facts(flagged_name="Bob Builder", footer="demo"))
    check_message(card)
    text = flat(card)
    assert card["blocks"][0]["text"]["text"] == "Ticket #ABC-165776 (id 42)"
    assert "*Website returns 502*" in text
    for fact in ("*Status*\\nOpen", "*Priority*\\nMedium", "*Flagged to*\\nBob Builder"):
        assert fact in text
    assert "*From*\\nWebsite returns 502 (client 4)" in text
    assert "*Last reply*\\n3 hours ago (<!date^1772442000^" in text
    link = card["blocks"][1]["accessory"]
    assert link["url"] == ADMIN_URL + "supporttickets.php?action=view&id=42"
    assert card["blocks"][-1]["elements"][0]["text"] == "demo"


def test_guests_unflagged_tickets_and_unknown_dates_read_plainly() -> None:
    card = build_card(ticket("Pat", userid=0, lastreply="soon"), facts())
    text = flat(card)
    assert "Pat (guest)" in text
    assert "*Flagged to*\\nunflagged" in text
    assert "*Last reply*\\nsoon" in text


def test_email_addresses_are_hidden_even_inside_names_and_subjects() -> None:
    card = build_card(ticket("Jo <jo@example.net> asks about info@ mail"), facts())
    text = flat(card)
    assert "jo@example.net" not in text
    assert "(email address hidden)" in text
    assert "info@ mail" in text  # not an address: kept


def test_buttons_follow_the_ticket_state_and_carry_its_id() -> None:
    open_unflagged = elements(build_card(ticket(), facts()))
    assert list(open_unflagged) == [
        cv.FLAG_ME,
        cv.CLOSE,
        cv.EDIT,
        cv.REFRESH,
        cv.STATUS,
        cv.PRIORITY,
    ]
    assert "confirm" in open_unflagged[cv.CLOSE]

    closed_flagged = elements(build_card(ticket(flag=3, status="Closed"), facts(editable=False)))
    assert list(closed_flagged) == [
        cv.FLAG_ME,
        cv.UNFLAG,
        cv.REOPEN,
        cv.REFRESH,
        cv.STATUS,
        cv.PRIORITY,
    ]
    for action_id in (cv.FLAG_ME, cv.UNFLAG, cv.REOPEN, cv.REFRESH):
        assert decode(closed_flagged[action_id]["value"]) == CardValue(42)


def test_menus_offer_live_statuses_and_priorities_with_the_current_one_picked() -> None:
    menus = elements(build_card(ticket(status="On Hold"), facts()))
    statuses = menus[cv.STATUS]
    assert [o["text"]["text"] for o in statuses["options"]] == list(STATUSES)
    assert decode(statuses["initial_option"]["value"]) == CardValue(42, "On Hold")
    priorities = menus[cv.PRIORITY]
    assert [decode(o["value"]) for o in priorities["options"]] == [
        CardValue(42, p) for p in ("Low", "Medium", "High")
    ]
    assert priorities["initial_option"]["text"]["text"] == "Medium"


def test_a_status_no_longer_configured_is_still_shown_and_too_many_are_cut() -> None:
    many = [f"Status {n}" for n in range(150)] + ["x" * 200]
    card = build_card(ticket(status="Retired"), facts(statuses=many))
    check_message(card)
    options = elements(card)[cv.STATUS]["options"]
    assert len(options) == 100
    assert options[0]["text"]["text"] == "Retired"
    assert all(len(o["value"]) <= 150 for o in options)


def test_values_survive_a_round_trip_and_junk_names_no_ticket() -> None:
    value = CardValue(42, "Waiting on Vendor", 2, "C0000001", "1700000000.000100")
    assert decode(encode(value)) == value
    assert decode("42") == CardValue(42)
    assert decode('{"t":42,"future":"key"}') == CardValue(42)
    for junk in (None, "", "0", "-1", "abc", "[42]", '{"t":"42"}', '{"t":true}', "9" * 11):
        assert decode(junk) is None
    assert decode('{"t":42,"ch":"<!channel>","ts":"1.2"}') == CardValue(42)


def test_notes_name_who_changed_what_and_hide_contact_details() -> None:
    changes = [
        Change("Flag", "unflagged", "Alice Admin"),
        Change("Status", "Open", "Closed"),
        Change("Email", "a@example.com", "b@example.com"),
    ]
    line = card_notes.note(changes, "U0000001")
    assert line == ("Flagged to Alice Admin; Status set to Closed; Email changed by <@U0000001>")
    dated = card_notes.note(changes[:1], "U0000001", "2026-03-02T09:30:00Z")
    assert dated is not None and "<!date^1772443800^" in dated
    assert card_notes.note([], "U0000001") is None
    assert (
        card_notes.note(changes[:1], "<!channel>") == "Flagged to Alice Admin by &lt;!channel&gt;"
    )
    assert card_notes.thread_line(changes[1], "U0000002") == (
        "Status set to Closed by <@U0000002> (was Open)"
    )
    assert card_notes.thread_line(Change("Flag", "Bob", "unflagged"), "U0000002") == (
        "Unflagged by <@U0000002> (was Bob)"
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_private_answers_are_valid_and_inject_nothing(text: str) -> None:
    card = CardValue(42, flagged=2, channel="C0000001", card_ts="1700000000.000100")
    question = take_over_message(ticket(text), text, "U0000002", card, None)
    check_message(question)
    no_injection(question)
    assert "<@U0000002>" in question["blocks"][0]["text"]["text"]
    button = question["blocks"][0]["accessory"]
    assert button["action_id"] == cv.TAKE_OVER and decode(button["value"]) == card

    result = UpdateResult(
        Outcome.NO_CHANGE, ticket(text), (FieldResult("flag", "Flag", text, text, False),)
    )
    already = already_message(result, "U0000002", None)
    check_message(already)
    assert "is already flagged to" in already["text"]
    assert "<!channel" not in flat(already)

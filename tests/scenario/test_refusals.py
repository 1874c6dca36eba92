"""Bad values, unknown tickets and unlinked users get a clear answer and change nothing."""

from __future__ import annotations

import pytest

from tests.scenario.harness import Harness, text_of

STATUSES = "Open,Answered,Customer-Reply,On Hold,In Progress,Waiting on Vendor,Closed"


@pytest.mark.parametrize(
    ("command", "error", "hint"),
    [
        (
            "42 status Finished",
            f"Invalid Ticket Status. Valid statuses are: {STATUSES}",
            "status Open",
        ),
        (
            "42 priority urgent",
            "Invalid Ticket Priority. Valid priorities are: Low,Medium,High",
            "priority High",
        ),
        ("42 dept Accounts", "Department ID Not Found", "Billing (3)"),
        ("42 dept 99", "Department ID Not Found", "General Support (1)"),
        ("42 created yesterday", "Invalid Date Format", "YYYY-MM-DD HH:MM"),
        (
            "42 created 2099-01-01 10:00",
            "Ticket creation date cannot be in the future",
            "already passed",
        ),
        ("42 flag 4", "Invalid Admin ID for Flag", "enabled WHMCS admin"),
        ("42 flag 999", "Invalid Admin ID for Flag", "enabled WHMCS admin"),
        ("42 flag 0", "Invalid Admin ID for Flag", "use: unflag"),
        ("42 flag @bob", "Invalid Admin ID for Flag", "plain text"),
        ("42 flag <@U0000009|nobody>", "Invalid Admin ID for Flag", "not linked to a WHMCS admin"),
        ("42 email not-an-address", "Email Address Invalid", "name@example.com"),
        ("42 cc a@example.com, nope", "Email Address Invalid", "separated by commas"),
        ("42 client 0 name Jo", "Name and email address are required if not a client", "client 0"),
    ],
)
def test_bad_value_is_refused_before_anything_is_written(
    bot: Harness, command: str, error: str, hint: str
) -> None:
    before = bot.ticket(42)
    reply = bot.command(command)
    final = reply.final()
    text = text_of(final)
    assert error in text
    assert hint in text
    assert "Nothing was changed." in text
    assert final.get("response_type") != "in_channel"
    assert bot.writes() == []
    assert bot.ticket(42) == before


def test_one_bad_value_stops_the_good_ones_too(bot: Harness) -> None:
    final = bot.command("42 priority High status Finished").final()
    assert "Invalid Ticket Status" in text_of(final)
    assert bot.ticket(42)["priority"] != "High" or bot.writes() == []
    assert bot.writes() == []


def test_unknown_ticket(bot: Harness) -> None:
    final = bot.command("4242 status Closed").final()
    assert "Ticket ID Not Found" in text_of(final)
    assert "No ticket matches 4242" in text_of(final)
    assert bot.writes() == []


def test_unknown_ticket_number(bot: Harness) -> None:
    final = bot.command("#ZZZ-000000 status Closed").final()
    assert "Ticket ID Not Found" in text_of(final)
    assert bot.writes() == []


def test_unlinked_user_is_told_what_to_ask_for_and_no_ticket_is_touched(bot: Harness) -> None:
    text = text_of(bot.command("42 status Closed", user="U0000009").final())
    assert "No enabled WHMCS admin has the email" in text
    assert "U0000009 = " in text
    assert [c["action"] for c in bot.calls()] == ["getadminusers"]


def test_usage_errors_come_in_the_ack(bot: Harness) -> None:
    reply = bot.command("42 colour blue")
    text = text_of(reply.ack_body)
    assert "colour" in text
    assert "/ticket help" in text
    assert bot.calls() == []


def test_help_for_an_unlinked_person_lists_every_field(bot: Harness) -> None:
    text = text_of(bot.command("help", user="U0000009").final())
    assert "/ticket 42 status Closed" in text
    assert "cf.&lt;id&gt;" in text
    assert "/ticket whoami" in text
    assert bot.writes() == []


def test_linked_admin_that_is_disabled_is_refused(bot: Harness) -> None:
    bot.stop()
    bot.config = "[users]\nU0000001 = 4\n"
    bot.start()
    final = bot.command("42 status Closed").final()
    assert "You are linked to WHMCS admin 4, which is" in text_of(final)
    assert bot.writes() == []

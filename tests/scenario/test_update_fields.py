"""`/ticket <ref> <field> <value>` changes each UpdateTicket field in WHMCS, end to end."""

from __future__ import annotations

import base64
import time

import pytest

from tests.scenario.harness import Harness, text_of


def test_status_closed_changes_ticket_and_tells_the_channel(bot: Harness) -> None:
    started = time.monotonic()
    reply = bot.command("42 status Closed")
    assert reply.ack.status_code == 200
    assert time.monotonic() - started < 2
    assert "Working on ticket 42" in reply.ack_body["text"]

    posts = reply.posts()
    public = [p for p in posts if p.get("response_type") == "in_channel"]
    assert len(public) == 1
    text = text_of(public[0])
    assert "#" + bot.ticket(42)["tid"] in text
    assert "*Status*: Open → Closed" in text
    assert "Changed by <@U0000001> (linked WHMCS admin: Alice Admin)" in text
    assert bot.ticket(42)["status"] == "Closed"
    assert len(bot.writes()) == 1


def test_change_with_nothing_private_is_posted_to_the_channel_once(bot: Harness) -> None:
    reply = bot.command("42 priority High")
    posts = reply.posts()
    assert [p.get("response_type") for p in posts] == ["in_channel"]
    assert "*Priority*: Medium → High" in text_of(posts[0])
    assert not any(p.get("delete_original") for p in posts)
    assert bot.ticket(42)["priority"] == "High"


@pytest.mark.parametrize(
    ("command", "field", "expected"),
    [
        ("42 priority low", "priority", "Low"),
        ("42 status in-progress", "status", "In Progress"),
        ("42 status waiting on vendor", "status", "Waiting on Vendor"),
        ("42 dept Billing", "deptid", 3),
        ("42 department 1", "deptid", 1),
        (
            "42 subject Server down since 09:00 status Open",
            "subject",
            "Server down since 09:00 status Open",
        ),
        ("42 flag me", "flag", 1),
        ("42 flag <@U0000002|bob>", "flag", 2),
        ("42 flag 5", "flag", 5),
        ("42 cc a@example.com, b@example.com", "cc", "a@example.com,b@example.com"),
        ('42 name "Jo O\'Brien"', "name", "Jo O&#039;Brien"),
        ("42 email jo@example.net", "email", "jo@example.net"),
        ("42 client 7", "userid", 7),
        ("42 created 2024-03-01 09:30", "date", "2024-03-01 09:30:00"),
        (
            "42 message Please reboot & retry\nThanks",
            "message",
            "Please reboot &amp; retry\nThanks",
        ),
        ("42 markdown on", "markdown", True),
        ("42 client-close prevent", "preventClientClosure", True),
    ],
)
def test_each_field_reaches_whmcs(bot: Harness, command: str, field: str, expected: object) -> None:
    reply = bot.command(command)
    final = reply.final()
    assert "updated" in text_of(reply.responses(1)[0]), text_of(final)
    stored = bot.ticket(42)[field]
    if field in ("deptid", "flag", "userid"):
        stored = int(stored)
    if field in ("markdown", "preventClientClosure"):
        stored = bool(int(stored)) if isinstance(stored, (str, int)) else stored
    assert stored == expected


def test_unflag_clears_the_flag(bot: Harness) -> None:
    bot.set_ticket(42, flag=2)
    reply = bot.command("42 unflag")
    assert "*Flag*: Bob Builder → unflagged" in text_of(reply.responses(1)[0])
    assert int(bot.ticket(42)["flag"]) == 0


def test_custom_fields_are_sent_php_serialized(bot: Harness) -> None:
    reply = bot.command('42 cf.7 "rack B4 café" cf.1 x')
    assert "*Custom field 7*: set to rack B4 café" in text_of(reply.responses(1)[0])
    update = bot.writes()[0]["params"]
    raw = base64.b64decode(update["customfields"]).decode("utf-8")
    assert raw == 'a:2:{i:7;s:13:"rack B4 café";i:1;s:1:"x";}'
    stored = bot.ticket(42)["customfields"]
    assert (stored["7"], stored["1"]) == ("rack B4 café", "x")


def test_guest_ticket_needs_name_and_email_in_the_same_command(bot: Harness) -> None:
    refused = bot.command("42 client 0").final()
    assert "Name and email address are required if not a client" in text_of(refused)
    assert bot.writes() == []

    reply = bot.command("42 client 0 name Jo Bloggs email jo@example.com")
    reply.final()
    stored = bot.ticket(42)
    assert int(stored["userid"]) == 0
    assert stored["name"] == "Jo Bloggs" and stored["email"] == "jo@example.com"


def test_markdown_and_client_closure_are_confirmed_as_set(bot: Harness) -> None:
    reply = bot.command("42 markdown off client-close allow")
    text = text_of(reply.responses(1)[0])
    assert "*Markdown*: set to off" in text
    assert "*Client closure*: set to client may close" in text
    params = bot.writes()[0]["params"]
    assert params["markdown"] == "0" and params["preventClientClosure"] == "0"


def test_several_fields_in_one_command_are_one_write(bot: Harness) -> None:
    reply = bot.command("42 status On Hold priority High dept Technical Support flag me")
    text = text_of(reply.responses(1)[0])
    assert "*Status*: Open → On Hold" in text
    assert "*Flag*: unflagged → Alice Admin" in text
    assert "*Department*: Technical Support (unchanged)" in text
    assert len(bot.writes()) == 1
    stored = bot.ticket(42)
    assert (stored["status"], stored["priority"], int(stored["flag"])) == ("On Hold", "High", 1)


def test_channel_copy_hides_contact_values_but_asker_sees_them(bot: Harness) -> None:
    reply = bot.command("42 email secret.person@example.net")
    posts = reply.posts()
    assert len(posts) == 2
    public = next(p for p in posts if p.get("response_type") == "in_channel")
    private = [p for p in posts if p.get("response_type") != "in_channel"][-1]
    assert "secret.person@example.net" not in text_of(public)
    assert "*Email*: changed (value shown only to <@U0000001>)" in text_of(public)
    assert "secret.person@example.net" in text_of(private)
    assert private.get("replace_original") is True


def test_same_value_again_sends_nothing(bot: Harness) -> None:
    reply = bot.command("42 status open")
    assert "Nothing to change" in text_of(reply.final())
    assert "status is already Open" in text_of(reply.final())
    assert bot.writes() == []


def test_private_confirmations_keep_changes_out_of_the_channel(bot: Harness) -> None:
    bot.stop()
    bot.config = 'confirmations = "private"\n' + bot.config
    bot.start()
    reply = bot.command("42 status Closed")
    posts = reply.posts()
    assert all(p.get("response_type") != "in_channel" for p in posts)
    assert "Open → Closed" in text_of(posts[-1])

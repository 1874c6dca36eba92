"""A ticket is named by its id or its public ticket number, and ambiguity changes nothing."""

from __future__ import annotations

import requests

from tests.scenario.harness import Harness, text_of


def test_public_ticket_number_with_and_without_hash(bot: Harness) -> None:
    tid = bot.ticket(17)["tid"]
    bot.command(f"#{tid} priority High").final()
    assert bot.ticket(17)["priority"] == "High"
    bot.command(f"{tid} priority Low").final()
    assert bot.ticket(17)["priority"] == "Low"


def test_all_digit_number_with_leading_zeros_stays_a_string(bot: Harness) -> None:
    tid = bot.ticket(3)["tid"]
    assert tid.isdigit() and tid.startswith("0")
    final = bot.command(f"#{tid} status Answered").final()
    assert f"#{tid} (id 3)" in text_of(final)
    assert bot.ticket(3)["status"] == "Answered"


def test_bare_number_that_is_only_a_ticket_number_is_used_and_said(bot: Harness) -> None:
    bot.set_ticket(12, tid="777")
    final = bot.command("777 priority High").final()
    text = text_of(final)
    assert "No ticket has the id 777" in text
    assert "#777 (id 12)" in text
    assert bot.ticket(12)["priority"] == "High"


def test_bare_number_that_is_both_an_id_and_another_tickets_number_changes_nothing(
    bot: Harness,
) -> None:
    bot.set_ticket(12, tid="42")
    final = bot.command("42 status Closed").final()
    text = text_of(final)
    assert "42 is both the id of" in text
    assert "(id 42)" in text and "#42 (id 12)" in text
    assert bot.writes() == []
    assert bot.ticket(42)["status"] == "Open"


def test_ticket_form_is_private_and_decodes_entities_once(bot: Harness) -> None:
    bot.set_ticket(42, subject='Invoice <A&B> "paid"')
    reply = bot.command("42")
    assert reply.ack.text == ""
    filled = bot.slack.wait_for(lambda: bot.slack.calls("views.update"), timeout=5)
    view = filled[0]["args"]["view"]
    summary = text_of({"blocks": view["blocks"]})
    assert 'Invoice &lt;A&amp;B&gt; "paid"' in summary
    assert "*Status*: Open" in summary
    subject = next(b for b in view["blocks"] if b.get("block_id") == "subject")
    assert subject["element"]["initial_value"] == 'Invoice <A&B> "paid"'
    assert reply.posts() == []
    assert bot.slack.messages("C0000001") == []
    assert bot.writes() == []


def test_a_second_command_on_a_bare_number_reads_and_writes_once_each(bot: Harness) -> None:
    bot.command("42 priority High").final()
    requests.delete(f"{bot.sandbox.url}/_sandbox/calls", timeout=5)

    bot.command("42 priority Low").final()
    actions = sorted(call["action"] for call in bot.calls())
    assert actions == ["addticketnote", "getticket", "updateticket"]
    assert bot.ticket(42)["priority"] == "Low"

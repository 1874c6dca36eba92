"""Values that look plausible but WHMCS would store badly are refused before any write."""

from __future__ import annotations

import pytest

from tests.scenario.harness import Harness, text_of


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("42 priority High created 0999-01-01 00:00", "Invalid Date Format"),
        ("42 created 0001-01-01T00:00:00+01:00", "Invalid Date Format"),
        ("42 created 9999-12-31T23:59:59-14:00", "Invalid Date Format"),
        ('42 email jo@example.com"', "Email Address Invalid"),
        ("42 email jo@example.com)", "Email Address Invalid"),
        ("42 email jo@example..com", "Email Address Invalid"),
        ("42 email jo@-.com", "Email Address Invalid"),
        ("42 email jo@example.com.", "Email Address Invalid"),
        (
            "42 subject Hello\u0085World",
            "Subject contains control or direction-changing characters",
        ),
        (
            "42 subject Hello\u202eWorld",
            "Subject contains control or direction-changing characters",
        ),
        ("42 subject \u200b", "Subject has no visible text"),
        ("42 name \u200b\ufeff", "Name has no visible text"),
        ('42 subject "line one\nline two"', "Subject must be on one line"),
        ("42 client 99999", "Client ID Not Found"),
    ],
)
def test_refused_before_anything_is_written(bot: Harness, command: str, error: str) -> None:
    before = bot.ticket(42)
    text = text_of(bot.command(command).final())
    assert error in text
    assert bot.writes() == []
    assert bot.ticket(42) == before


def test_a_time_skipped_by_a_clock_change_is_refused(bot: Harness) -> None:
    bot.stop()
    bot.env = {"WHMCS_TIMEZONE": "Europe/London"}
    bot.start()
    text = text_of(bot.command("42 created 2024-03-31 01:30").final())
    assert "Invalid Date Format" in text
    assert "Europe/London" in text
    assert bot.writes() == []


def test_an_existing_client_is_accepted(bot: Harness) -> None:
    before = int(bot.ticket(42)["userid"])
    text = text_of(bot.command("42 client 7").responses(1)[0])
    assert f"*Client*: client {before} → client 7" in text
    assert int(bot.ticket(42)["userid"]) == 7


def test_mentions_typed_in_text_are_stored_as_people_read_them(bot: Harness) -> None:
    bot.command("42 subject ask <@U0000002|bob> in <#C0000001|support>, <!here>").final()
    assert bot.ticket(42)["subject"] == "ask @bob in #support, @here"


def test_white_space_differences_are_no_change(bot: Harness) -> None:
    bot.set_ticket(42, name="Jo  Bloggs", cc="a@example.com, b@example.com")
    assert "Nothing to change" in text_of(bot.command("42 name Jo Bloggs").final())
    assert "Nothing to change" in text_of(bot.command("42 cc a@example.com,B@example.com").final())
    assert bot.writes() == []


def test_a_department_change_warns_about_client_closure(bot: Harness) -> None:
    text = text_of(bot.command("42 dept Billing").responses(1)[0])
    assert "new department's setting for whether the client may close it" in text


def test_every_field_of_a_long_command_is_confirmed(bot: Harness) -> None:
    command = "42 " + " ".join(f"cf.{i} v{i}" for i in range(1, 300))
    command = command[: command.rfind(" cf.", 0, 4000)]
    last = command.rsplit("cf.", 1)[1].split()[0]
    text = text_of(bot.command(command).responses(1)[0])
    assert f"*Custom field {last}*: set to v{last}" in text
    assert "*Custom field 1*: set to v1" in text


def test_whmcs_text_cannot_mention_the_channel_in_any_part_of_a_message(bot: Harness) -> None:
    bot.set_ticket(42, tid="<!channel>", subject="<!here> <https://evil.example|click>")
    reply = bot.command("42 status Closed")
    posts = reply.responses(1)
    again = bot.command("42 status Closed").final()
    for message in [*posts, again]:
        # Slack reads mentions and links in the notification text and in mrkdwn, not in plain_text.
        marked = [message.get("text", "")] + [
            element["text"]
            for block in message.get("blocks", [])
            for element in [block.get("text"), *block.get("elements", [])]
            if isinstance(element, dict) and element.get("type") == "mrkdwn"
        ]
        for text in marked:
            assert "<!channel>" not in text and "<!here>" not in text
            assert "<https://evil" not in text


def test_configured_custom_fields_are_named_and_unknown_ids_refused(bot: Harness) -> None:
    bot.stop()
    bot.config = '[customfields]\n7 = "Rack location"\n1 = "Server"\n\n' + bot.config
    bot.start()
    refused = text_of(bot.command("42 cf.999 x").final())
    assert "Custom field 999 is not listed under [customfields]" in refused
    assert "cf.7 (Rack location)" in refused
    assert bot.writes() == []

    done = text_of(bot.command("42 cf.7 B4").responses(1)[0])
    assert "*Rack location (cf.7)*: set to B4" in done
    assert bot.ticket(42)["customfields"]["7"] == "B4"

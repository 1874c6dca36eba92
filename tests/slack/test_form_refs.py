"""The "Update ticket" shortcut finds the tickets a message names, and nothing else."""

from __future__ import annotations

import pytest

from bot.slack.form_refs import message_text, refs_in_message


@pytest.mark.parametrize(
    ("text", "refs"),
    [
        ("Customer on #ABC-123456 is angry", ["#ABC-123456"]),
        ("old install: #007731.", ["#007731"]),
        ("see ticket 42 please", ["42"]),
        ("Ticket: 42, ticket id 43 and ticket no. 44", ["42", "43", "44"]),
        (
            "<https://billing.example.com/admin/supporttickets.php?action=view&amp;id=42|view>",
            ["42"],
        ),
        ("https://billing.example.com/viewticket.php?tid=ABC-123456&amp;c=Xy9", ["#ABC-123456"]),
        ("#ABC-123456 and again #ABC-123456", ["#ABC-123456"]),
        ("Merged #ABC-123456 into ticket 17", ["#ABC-123456", "17"]),
    ],
)
def test_tickets_named_in_a_message_are_found_in_order(text: str, refs: list[str]) -> None:
    assert refs_in_message(text) == refs


@pytest.mark.parametrize(
    "text",
    [
        "nothing here",
        "ping <#C0123ABC|general> about #urgent",
        "we have 42 tickets open",
        "it&#39;s down, see https://example.com/page#section2",
        "https://billing.example.com/admin/supporttickets.php?action=list&amp;id=42",
        "ticket 99999999999 is too long for an id",
        "#" + "A1" * 20,
    ],
)
def test_words_numbers_channels_and_anchors_are_no_tickets(text: str) -> None:
    assert refs_in_message(text) == []


def test_whmcs_notifications_are_read_from_their_attachments() -> None:
    message = {
        "text": "",
        "attachments": [
            {
                "title": "New ticket opened",
                "title_link": "https://billing.example.com/admin/supporttickets.php?action=view&id=7",
            }
        ],
    }
    assert refs_in_message(message_text(message)) == ["7"]

"""The "Update ticket" message shortcut stays quick whatever the message holds."""

from __future__ import annotations

import time

import pytest

from bot.slack.form_refs import refs_in_message
from tests.scenario import formkit as fk
from tests.scenario.harness import Harness

HOSTILE = {
    "digits between two #": "#" + "1" * 39_998 + "#",
    "ticket then spaces": "ticket" + " " * 39_993 + "x",
    "ticket words": "ticket " * 5_714,
    "ticket no. ticket": "ticket no. " * 3_636,
    "a link's query": "viewticket.php?" + "tid=" * 9_996,
    "hashes": "#1-" * 13_333,
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_40000_character_message_is_read_in_a_fraction_of_a_second(text: str) -> None:
    assert len(text) >= 39_990
    started = time.perf_counter()
    refs_in_message(text)
    assert time.perf_counter() - started < 0.2


def test_only_the_start_of_a_long_message_is_read() -> None:
    assert refs_in_message("ticket 42 " + "x" * 40_000 + " ticket 17") == ["42"]
    assert refs_in_message("#ABC-123456, ticket no. 7 and ticket: 8, not ticket 9x") == [
        "#ABC-123456",
        "7",
        "8",
    ]


def test_the_shortcut_on_a_hostile_message_acks_at_once_and_asks_which(bot: Harness) -> None:
    started = time.monotonic()
    ack = fk.message_shortcut(bot, "#" + "1" * 39_998 + "#")
    assert time.monotonic() - started < 1
    assert fk.ack_body(ack) == {}
    asking = fk.current(bot, fk.opened_view_id(bot))
    assert [b["block_id"] for b in asking["blocks"] if b["type"] == "input"] == ["ref"]

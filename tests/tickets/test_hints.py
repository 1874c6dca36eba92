"""The hints that go with a refusal say what to type instead."""

from __future__ import annotations

from bot.tickets.hints import ticket_not_found


def test_a_hash_before_a_bare_id_is_explained() -> None:
    hint = ticket_not_found("#42")
    assert "No ticket has the ticket number 42" in hint
    assert "type /ticket 42 without the #" in hint


def test_an_unknown_ticket_number_names_both_ways_to_name_a_ticket() -> None:
    hint = ticket_not_found("#ABC-000001")
    assert hint.startswith("No ticket matches #ABC-000001.")
    assert "/ticket 1234" in hint and "/ticket #ABC-123456" in hint

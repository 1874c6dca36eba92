"""`/ticket triage`: the word is the command, never a ticket reference."""

import pytest

from bot.tickets.grammar import (
    GrammarError,
    ShowRequest,
    TicketRef,
    TriageRequest,
    parse_command,
)


@pytest.mark.parametrize("text", ["triage", "TRIAGE", " Triage \n", "\ttriage"])
def test_triage_asks_for_the_channels_routes(text: str) -> None:
    assert parse_command(text) == TriageRequest()


def test_a_ticket_number_spelt_triage_needs_its_hash() -> None:
    assert parse_command("#triage") == ShowRequest(TicketRef("#triage", None, "triage"))


@pytest.mark.parametrize("text", ["triage C0000001", "triage please", "tri age", "triages"])
def test_triage_with_more_or_other_letters_is_refused(text: str) -> None:
    with pytest.raises(GrammarError) as caught:
        parse_command(text)
    assert "is not a ticket reference" in caught.value.message
    assert text.split()[0] in caught.value.message


def test_triage_after_a_ticket_is_not_a_field() -> None:
    with pytest.raises(GrammarError) as caught:
        parse_command("42 triage")
    assert '"triage"' in caught.value.message


def test_a_lookalike_with_non_ascii_letters_is_not_triage() -> None:
    # A Cyrillic "а" in place of the Latin "a".
    with pytest.raises(GrammarError):
        parse_command("tri\u0430ge")

"""Every message `/ticket` can produce is valid Block Kit within Slack's limits, whatever WHMCS holds."""

from __future__ import annotations

import dataclasses

import pytest

from bot.access import ACTIONS, Identity, Unlinked
from bot.slack import access_blocks, blocks, card_notes
from bot.store import AuditEntry, Change
from bot.tickets.grammar import GrammarError
from bot.tickets.result import FieldResult, Outcome, Problem, ProblemKind, ShowResult, UpdateResult
from bot.whmcs import Admin, Ticket
from tests.slack.blockcheck import check_message

HOSTILE = [
    "x" * 10_000,
    "<!channel> <@U0000001> <https://evil.example|click> *bold* _it_ ~s~ `c`",
    "Ünïcödé 日本語 العربية 🚀🔥" * 300,
    "&amp; &lt; &gt; & < >" * 200,
    "line\nbreaks\r\nand\ttabs\x00\x07 control",
    "",
]


def ticket(subject: str) -> Ticket:
    """Return a ticket whose text fields all hold `subject`."""
    base = Ticket.from_api({"id": "42", "tid": "ABC-123456", "subject": "s", "status": "Open"})
    return dataclasses.replace(
        base,
        subject=subject,
        name=subject,
        email=subject,
        deptname=subject,
        status=subject,
        priority=subject,
        message=subject,
        date=subject,
        lastreply=subject,
    )


def fields(value: str) -> tuple[FieldResult, ...]:
    names = [
        "status",
        "priority",
        "dept",
        "subject",
        "flag",
        "cc",
        "name",
        "email",
        "client",
        "created",
        "message",
        "markdown",
        "client_close",
        "cf.1",
        "cf.2",
        "cf.3",
    ]
    return tuple(
        FieldResult(
            name, name.title(), value, value[::-1] + "!", readable=i % 3 != 0, private=i % 2 == 0
        )
        for i, name in enumerate(names)
    )


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("outcome", list(Outcome))
@pytest.mark.parametrize("public", [True, False])
def test_update_messages_are_valid(text: str, outcome: Outcome, public: bool) -> None:
    problem = Problem(text, text, ProblemKind.INPUT)
    result = UpdateResult(outcome, ticket(text), fields(text), (problem,) * 3, text, text, text)
    message = blocks.update_message(result, "U0000001", text, public, blocks_footer(text))
    check_message(message)
    flat = str(message)
    assert "<!channel>" not in flat
    own = flat.replace("Changed by <@U0000001>", "").replace("only to <@U0000001>", "")
    assert "<@U0000001>" not in own
    assert "<https://evil" not in flat


def blocks_footer(text: str) -> str | None:
    return "footer" if text else None


@pytest.mark.parametrize("text", HOSTILE)
def test_show_no_change_usage_and_help_are_valid(text: str) -> None:
    check_message(
        blocks.ticket_message(ShowResult(ticket(text), notice=text, flagged_to=text), "f")
    )
    check_message(blocks.ticket_message(ShowResult(problems=(Problem(text, text),)), None))
    no_change = UpdateResult(Outcome.NO_CHANGE, ticket(text), fields(text), notice=text)
    check_message(blocks.no_change_message(no_change, None))
    check_message(blocks.usage_message(GrammarError(text or "x", text), None))
    for allowed in (None, frozenset(), frozenset({"status"}), frozenset(ACTIONS)):
        check_message(access_blocks.help_message(allowed, "f"))
    admin = Admin(7, text or "x", text, text, "a@example.com", False, 2, (1, 2))
    identity = Identity("U0000007", admin, "email", text or "agent")
    check_message(
        access_blocks.whoami_message(identity, frozenset(ACTIONS), [text] * 40, False, "f")
    )
    check_message(access_blocks.unlinked_message(Unlinked("U0000007", text, text), None))
    entries = [
        AuditEntry(
            "2026-12-04T17:30:00Z",
            "U0000007",
            7,
            42,
            text,
            "command",
            "done",
            (Change(text or "Status", text, text), Change("Email", "a", "b")),
            text,
        )
    ] * 30
    check_message(access_blocks.history_message(text, entries, "f"))


def test_channel_copy_hides_private_values() -> None:
    change = FieldResult("email", "Email", "old@example.com", "new@example.com", private=True)
    result = UpdateResult(Outcome.DONE, ticket("Subject"), (change,), actor="Alice")
    public = str(blocks.update_message(result, "U0000001", "Alice", True, None))
    private = str(blocks.update_message(result, "U0000001", "Alice", False, None))
    assert "new@example.com" not in public and "old@example.com" not in public
    assert "old@example.com → new@example.com" in private


def test_channel_copy_hides_email_addresses_in_subjects() -> None:
    # Customers write their address into subjects; the channel sees the subject on every change.
    change = FieldResult(
        "subject", "Subject", "Help jo@example.com", "Refund for jo@example.com", private=False
    )
    result = UpdateResult(
        Outcome.DONE, ticket("Ping me at jo@example.com"), (change,), actor="Alice"
    )
    public = str(blocks.update_message(result, "U0000001", "Alice", True, None))
    private = str(blocks.update_message(result, "U0000001", "Alice", False, None))
    assert "jo@example.com" not in public
    assert "Ping me at (email address hidden)" in public
    assert "Help jo@example.com → Refund for jo@example.com" in private
    assert "Ping me at jo@example.com" in private


def test_long_values_are_cut_with_an_ellipsis() -> None:
    message = blocks.ticket_message(ShowResult(ticket("é" * 5000)), None)
    header = message["blocks"][0]["text"]["text"]
    assert len(header) <= 150
    subject = message["blocks"][1]["text"]["text"]
    assert subject.endswith("…*")


def test_help_lists_only_what_the_person_may_change() -> None:
    agent = str(access_blocks.help_message(frozenset({"status", "priority", "flag_self"}), None))
    assert "`status &lt;status&gt;`" in agent and "`flag me`" in agent
    assert "`client &lt;client id&gt;`" not in agent and "`message &lt;text&gt;`" not in agent
    assert "`name`, `email`" not in agent
    assert "/ticket 42 flag me" in agent and "flag @alice" not in agent and "cf.7" not in agent
    lead = str(access_blocks.help_message(frozenset(ACTIONS), None))
    assert "`client &lt;client id&gt;`" in lead and "`message &lt;text&gt;`" in lead


def test_history_hides_contact_values() -> None:
    entry = AuditEntry(
        "2026-12-04T17:30:00Z",
        "U0000007",
        7,
        42,
        "ABC-1",
        "command",
        "done",
        (Change("Email", "old@example.com", "new@example.com"),),
    )
    text = str(access_blocks.history_message("#ABC-1 (id 42)", [entry], None))
    assert "old@example.com" not in text and "new@example.com" not in text
    assert "Email changed" in text


def test_thread_lines_hide_email_addresses_in_what_a_subject_was() -> None:
    change = Change("Subject", "Invoice for jo@example.com", "Invoice question")

    line = card_notes.thread_line(change, "U0000001")

    assert "jo@example.com" not in line
    assert "(email address hidden)" in line

"""Audit entries as an operator reads them: one line each, as text or as JSON."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from bot.access.audit import entry_json, format_entry
from bot.store import AuditEntry, Change

FLAGGED = AuditEntry(
    at="2026-12-04T17:30:00Z",
    slack_user="U0000002",
    admin_id=2,
    ticket_id=42,
    ticket_number="ABC-165776",
    source="command",
    outcome="done",
    changes=(Change("Flag", "unflagged", "Bob Builder"),),
    id=7,
)


def test_a_change_reads_as_one_line_with_who_what_and_when() -> None:
    assert format_entry(FLAGGED) == (
        "2026-12-04 17:30:00Z U0000002 admin=2 #ABC-165776 (id 42) command done: "
        "Flag unflagged → Bob Builder"
    )


def test_several_changes_are_joined_and_unreported_ones_say_set_to() -> None:
    entry = replace(
        FLAGGED,
        source="form",
        changes=(
            Change("Status", "Open", "Closed"),
            Change("Priority", "Low", "High"),
            Change("Markdown", None, "on"),
        ),
    )

    assert format_entry(entry).endswith(
        "form done: Status Open → Closed; Priority Low → High; Markdown set to on"
    )


def test_a_denied_attempt_ends_with_its_reason_and_names_no_admin() -> None:
    entry = replace(
        FLAGGED,
        slack_user="U0000009",
        admin_id=None,
        ticket_id=None,
        source="button",
        outcome="denied",
        changes=(Change("Status", None, "Closed"),),
        detail="U0000009 is not linked to a WHMCS admin",
    )

    assert format_entry(entry) == (
        "2026-12-04 17:30:00Z U0000009 admin=- #ABC-165776 button denied: "
        "Status set to Closed — U0000009 is not linked to a WHMCS admin"
    )


def test_a_refusal_without_changes_or_ticket_number_still_says_which_ticket() -> None:
    entry = replace(
        FLAGGED, ticket_number="", outcome="refused", changes=(), detail="Invalid Ticket Status"
    )

    assert format_entry(entry) == (
        "2026-12-04 17:30:00Z U0000002 admin=2 id 42 command refused: Invalid Ticket Status"
    )


def test_line_breaks_and_terminal_controls_in_values_stay_on_one_visible_line() -> None:
    entry = replace(
        FLAGGED,
        changes=(Change("Opening message", "line one\r\nline two", "fine\u2028\x1b[2Jgone"),),
        detail="reason\nwith\x85breaks\u202eevil",
    )

    line = format_entry(entry)

    assert line.splitlines() == [line]
    assert "\x1b" not in line and "\u202e" not in line
    assert "line one↵line two" in line
    assert "\\u001b[2J" in line


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


@given(
    slack_user=text,
    ticket_number=text,
    field=text,
    before=st.none() | text,
    after=text,
    detail=text,
)
def test_no_value_can_break_an_entry_over_two_lines(
    slack_user: str, ticket_number: str, field: str, before: str | None, after: str, detail: str
) -> None:
    entry = replace(
        FLAGGED,
        slack_user=slack_user,
        ticket_number=ticket_number,
        changes=(Change(field, before, after),),
        detail=detail,
        outcome="denied",
    )

    for line in (format_entry(entry), entry_json(entry)):
        assert len(line.splitlines()) == 1
        assert "\n" not in line


def test_json_holds_every_field_and_keeps_non_ascii_text_readable() -> None:
    entry = replace(
        FLAGGED,
        changes=(
            Change("Subject", "Café down", "Café up\u2028again"),
            Change("Markdown", None, "on"),
        ),
        detail="",
    )

    line = entry_json(entry)

    assert "Café" in line
    assert line.splitlines() == [line]
    assert json.loads(line) == {
        "id": 7,
        "at": "2026-12-04T17:30:00Z",
        "slack_user": "U0000002",
        "admin_id": 2,
        "ticket_id": 42,
        "ticket_number": "ABC-165776",
        "source": "command",
        "outcome": "done",
        "changes": [
            {"field": "Subject", "before": "Café down", "after": "Café up\u2028again"},
            {"field": "Markdown", "before": None, "after": "on"},
        ],
        "detail": "",
    }

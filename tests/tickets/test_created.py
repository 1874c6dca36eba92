"""Creation dates are read as WHMCS server time; an offset is converted, then dropped."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.tickets.fields import squash
from bot.tickets.values import parse_created

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01 09:30:15", datetime(2026, 3, 1, 9, 30, 15)),
        ("2026-03-01 09:30", datetime(2026, 3, 1, 9, 30)),
        ("2026-03-01", datetime(2026, 3, 1)),
        ("2026-03-01T09:30:00", datetime(2026, 3, 1, 9, 30)),
        # WHMCS would store 08:30 for this and drop the offset; the bot sends Berlin wall time.
        ("2026-03-01T08:30:00Z", datetime(2026, 3, 1, 9, 30)),
        ("2026-07-01T08:30:00+00:00", datetime(2026, 7, 1, 10, 30)),
        ("2026-07-01T10:30:00.123+02:00", datetime(2026, 7, 1, 10, 30)),
    ],
)
def test_dates_become_server_wall_clock(text: str, expected: datetime) -> None:
    assert parse_created(text, BERLIN) == expected


@pytest.mark.parametrize("text", ["yesterday", "01/03/2026", "2026-13-01", "2026-02-30 10:00", ""])
def test_unreadable_dates_are_refused(text: str) -> None:
    assert parse_created(text, BERLIN) is None


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("in progress", "In Progress"),
        ("IN-PROGRESS", "In Progress"),
        ("customer_reply", "Customer-Reply"),
        ("onhold", "On Hold"),
    ],
)
def test_status_matching_ignores_case_spaces_hyphens_underscores(typed: str, title: str) -> None:
    assert squash(typed) == squash(title)


def test_different_statuses_do_not_match() -> None:
    assert squash("Open") != squash("Closed")

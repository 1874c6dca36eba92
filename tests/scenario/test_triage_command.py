"""`/ticket triage`: the routes that post tickets in the channel the command was typed in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Sandbox
from bot.slack.triage_answer import duration, every
from tests.fakeslack import FakeSlack
from tests.scenario.harness import DEFAULT_CONFIG, Harness, text_of
from tests.slack.blockcheck import check_message

TECH = "C0000001"
BILLING = "C0000002"
ROUTES = """
[[triage]]
channel = "C0000001"
departments = ["technical support", 4]
statuses = ["Open", "Customer-Reply"]
exclude_subject_contains = ["newsletter"]
mention = "S0000TECH"
backfill = 24

[[triage]]
channel = "C0000002"
departments = [3]
mention = "U0000002"

[[triage]]
channel = "C0000001"
departments = [1, "Sales", 7]
priorities = ["High"]
exclude_statuses = ["On Hold"]
"""


def start(sandbox: Sandbox, slack: FakeSlack, tmp: Path, routes: str, top: str = "") -> Harness:
    """Start the bot with triage routes, polling hourly; its first poll has run on return."""
    config = "triage_interval = 3600\n" + top + DEFAULT_CONFIG + routes
    harness = Harness(sandbox, slack, tmp, config=config).start()
    harness.poll()
    return harness


@pytest.fixture
def bot(sandbox: Sandbox, slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    """The bot with two routes to C0000001 and one to C0000002."""
    harness = start(sandbox, slack, tmp_path, ROUTES)
    yield harness
    harness.stop()


def triage(bot: Harness, channel: str = TECH, user: str = "U0000001") -> dict[str, Any]:
    """Type `/ticket triage` in a channel and return the private answer, checked as Block Kit."""
    reply = bot.command("triage", user=user, channel=channel)
    assert reply.ack.status_code == 200
    final = reply.final()
    check_message(final)
    assert final.get("response_type") != "in_channel", "the answer was posted for everyone"
    return final


def route_sections(message: dict[str, Any]) -> list[str]:
    """Return the text of each route's section, in order."""
    return [
        block["text"]["text"]
        for block in message["blocks"]
        if block["type"] == "section" and block["text"]["text"].startswith("*Triage route ")
    ]


def test_a_channel_with_two_routes_lists_both_with_department_names(bot: Harness) -> None:
    answer = triage(bot)

    first, third = route_sections(answer)
    assert first.startswith("*Triage route 1*") and third.startswith("*Triage route 3*")
    assert "*Departments*: Technical Support, Sales &amp; Pre-Sales" in first
    assert "*Statuses*: Open, Customer-Reply" in first
    assert "*Priorities*: every priority" in first
    assert "*Left out*: subjects containing “newsletter”" in first
    assert "*High priority pings*: <!subteam^S0000TECH>" in first
    assert "*Backfill*: 24 hours" in first

    assert "*Departments*: General Support" in third
    assert "*Statuses*: every active status" in third
    assert "*Priorities*: High" in third
    assert "*Left out*: status On Hold" in third
    assert "*High priority pings*: nobody" in third
    assert "*Backfill*: none" in third

    text = text_of(answer)
    assert "2 `[[triage]]` routes" in text and f"<#{TECH}>" in text
    assert "checked for new and changed tickets every hour" in text
    assert "Billing" not in text, "a route of another channel was shown"


def test_the_other_channel_shows_its_own_route_and_who_is_pinged(bot: Harness) -> None:
    (only,) = route_sections(triage(bot, BILLING))
    assert "*Triage route 2*" in only and "*Departments*: Billing" in only
    assert "*High priority pings*: <@U0000002>" in only


def test_departments_whmcs_lacks_are_flagged(bot: Harness) -> None:
    answer = triage(bot)

    third = route_sections(answer)[1]
    assert "“Sales” (not in WHMCS)" in third
    assert "department 7 (not in WHMCS)" in third
    assert "General Support (not in WHMCS)" not in third
    assert "Support Departments" in text_of(answer), "no hint on where to check the names"


def test_a_channel_without_routes_says_so_and_shows_how_to_add_one(bot: Harness) -> None:
    answer = triage(bot, "C0000009")
    text = text_of(answer)

    assert "No triage routes post tickets in this channel" in text
    assert '[[triage]]\nchannel = "C0000009"\ndepartments = [' in text
    assert f"<#{TECH}>, <#{BILLING}>" in text
    assert "Triage route" not in text


def test_a_channel_whose_routes_are_all_elsewhere_says_no_channel_has_one(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    harness = Harness(sandbox, slack, tmp_path, config=DEFAULT_CONFIG).start()
    try:
        text = text_of(triage(harness))
    finally:
        harness.stop()
    assert "No triage routes post tickets in this channel" in text
    assert "No channel has a triage route yet." in text


def test_whmcs_down_still_lists_the_routes_as_configured(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    # With catalog_ttl = 0 every command reads WHMCS's departments afresh.
    harness = start(sandbox, slack, tmp_path, ROUTES, top="catalog_ttl = 0\n")
    try:
        harness.faults(mode="html_503", actions=["getsupportdepartments"])
        answer = triage(harness)
    finally:
        harness.stop()

    first, third = route_sections(answer)
    assert "*Departments*: technical support, department 4" in first
    assert "*Departments*: department 1, Sales, department 7" in third
    assert "<!subteam^S0000TECH>" in first
    text = text_of(answer)
    assert "Department names could not be checked" in text
    assert "not in WHMCS" not in text, "names were flagged without WHMCS's list"


def test_anyone_may_run_it_even_unlinked(bot: Harness) -> None:
    answer = triage(bot, user="U0000009")
    assert len(route_sections(answer)) == 2
    assert "not linked" not in text_of(answer)


def test_in_a_direct_message_it_says_to_type_it_in_a_channel(bot: Harness) -> None:
    text = text_of(triage(bot, "D0000001"))
    assert "Type `/ticket triage` in a channel" in text
    assert f"<#{TECH}>, <#{BILLING}>" in text
    assert "Triage route" not in text


def test_many_routes_stay_within_slacks_limits(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    many = "".join(
        f'\n[[triage]]\nchannel = "{TECH}"\ndepartments = [2, "{"x" * 200}"]\n'
        f'exclude_subject_contains = ["{"y" * 300}", "{"z" * 300}", "{"w" * 300}"]\n'
        for _ in range(45)
    )
    harness = start(sandbox, slack, tmp_path, many)
    try:
        answer = triage(harness)
    finally:
        harness.stop()

    assert len(route_sections(answer)) == 40
    assert "5 more routes post tickets in this channel" in text_of(answer)
    assert all(len(b["text"]["text"]) <= 3000 for b in answer["blocks"] if "text" in b)


def test_help_lists_triage(bot: Harness) -> None:
    assert "`/ticket triage`" in text_of(bot.command("help").final())


def test_triage_with_more_words_is_refused_at_once(bot: Harness) -> None:
    reply = bot.command("triage everything")
    assert '"triage" is not a ticket reference' in reply.ack_body["text"]


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (30, "every 30 seconds"),
        (60, "every minute"),
        (300, "every 5 minutes"),
        (90, "every 90 seconds"),
        (3600, "every hour"),
        (7200, "every 2 hours"),
    ],
)
def test_the_poll_interval_reads_naturally(seconds: float, said: str) -> None:
    assert every(seconds) == said


@pytest.mark.parametrize(
    ("hours", "said"), [(0.5, "30 minutes"), (1, "1 hour"), (0.1, "6 minutes"), (36, "36 hours")]
)
def test_backfill_hours_read_naturally(hours: float, said: str) -> None:
    assert duration(hours * 3600) == said

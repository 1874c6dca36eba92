"""Who is who, who may change what, and the record of every attempt, end to end."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest
import requests

from tests.scenario.harness import Harness, text_of

# Bob (U0000002, bob@example.com) is not in [users]: he is matched by email to WHMCS admin 2,
# an agent in General Support (1) and Technical Support (2). Alice is a lead.
EMAIL_ONLY = """
[users]
U0000001 = { admin = 1, role = "lead" }
"""
BILLING_TICKET = 2  # a demo ticket in Billing (3), a department Bob does not have


@pytest.fixture
def team(bot: Harness) -> Harness:
    """The bot with Bob linked by email only."""
    bot.stop()
    bot.config = EMAIL_ONLY
    bot.start()
    return bot


def audit(bot: Harness, *args: str) -> list[dict[str, object]]:
    """Run `ticketbot audit --json` on the bot's database, as an operator would."""
    env = {**os.environ, "TICKETBOT_DB": str(bot.db)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "audit", "--json", *args],
        env=env,
        cwd=bot.tmp,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_email_matched_agent_flags_in_own_department_and_is_refused_elsewhere(
    team: Harness,
) -> None:
    done = team.command("42 flag me", user="U0000002").responses(1)[0]
    assert "*Flag*: unflagged → Bob Builder" in text_of(done)
    assert int(team.ticket(42)["flag"]) == 2

    denied = text_of(team.command(f"{BILLING_TICKET} flag me", user="U0000002").final())
    assert "Billing" in denied and "Technical Support" in denied
    assert "Nothing was changed." in denied
    assert int(team.ticket(BILLING_TICKET)["flag"]) == 0

    notes = team.ticket(42)["notes"]
    assert len(notes) == 1
    assert "Changed from Slack by bob (U0000002)" in notes[0]["message"]
    assert "Flag: unflagged -&gt; Bob Builder" in notes[0]["message"]
    assert team.ticket(42)["replies"] == [] or all(
        "Slack" not in reply["message"] for reply in team.ticket(42)["replies"]
    )
    assert "addticketreply" not in [c["action"] for c in team.calls()]

    records = audit(team, "--user", "U0000002")
    assert [(r["ticket_id"], r["outcome"], r["admin_id"]) for r in records] == [
        (42, "done", 2),
        (BILLING_TICKET, "denied", 2),
    ]
    assert records[0]["changes"] == [
        {"field": "Flag", "before": "unflagged", "after": "Bob Builder"}
    ]


def test_agent_is_told_the_missing_permission_and_who_can_grant_it(team: Harness) -> None:
    final = team.command("42 client 7", user="U0000002").final()
    text = text_of(final)
    assert "permission: client" in text
    assert "<@U0000001>" in str(final["blocks"])
    assert "[roles.agent]" in text
    assert team.writes() == []


@pytest.mark.parametrize(
    ("command", "permission"),
    [
        ("42 flag 5", "flag_others"),
        ("42 name Jo", "contact"),
        ("42 created 2025-01-01 10:00", "created"),
        ("42 message hello", "message"),
        ("42 markdown on", "markdown"),
        ("42 cf.7 x", "customfields"),
        ("42 client-close prevent", "client_close"),
    ],
)
def test_lead_only_fields_are_denied_to_agents(
    team: Harness, command: str, permission: str
) -> None:
    text = text_of(team.command(command, user="U0000002").final())
    assert f"permission: {permission}" in text
    assert team.writes() == []


def test_unflagging_someone_elses_ticket_needs_unflag_others(team: Harness) -> None:
    team.set_ticket(42, flag=5)
    assert "unflag_others" in text_of(team.command("42 unflag", user="U0000002").final())
    team.set_ticket(42, flag=2)
    team.command("42 unflag", user="U0000002").final()
    assert int(team.ticket(42)["flag"]) == 0


def test_lead_may_do_everything_anywhere(team: Harness) -> None:
    team.command(f"{BILLING_TICKET} client 7 flag 5 markdown on").final()
    stored = team.ticket(BILLING_TICKET)
    assert (int(stored["userid"]), int(stored["flag"])) == (7, 5)


def test_viewing_a_ticket_outside_ones_departments_is_denied(team: Harness) -> None:
    text = text_of(team.command(f"{BILLING_TICKET} history", user="U0000002").final())
    assert "Billing" in text
    assert "*Status*" not in text


def test_department_scope_can_be_turned_off(bot: Harness) -> None:
    bot.stop()
    bot.config = "department_scope = false\n" + EMAIL_ONLY
    bot.start()
    bot.command(f"{BILLING_TICKET} flag me", user="U0000002").final()
    assert int(bot.ticket(BILLING_TICKET)["flag"]) == 2


def test_channel_rules_limit_a_triage_channel_to_its_departments(bot: Harness) -> None:
    bot.stop()
    bot.config = (
        "channel_scope = true\n"
        + EMAIL_ONLY
        + '\n[[triage]]\nchannel = "C0000BILL"\ndepartments = ["Billing"]\n'
    )
    bot.start()
    denied = text_of(bot.command("42 priority High", channel="C0000BILL").final())
    assert "C0000BILL" in denied or "channel" in denied
    assert bot.writes() == []
    bot.command(f"{BILLING_TICKET} priority High", channel="C0000BILL").final()
    assert bot.ticket(BILLING_TICKET)["priority"] == "High"
    bot.command("42 priority High", channel="C0000OTHER").final()
    assert bot.ticket(42)["priority"] == "High"


def test_whoami_for_a_linked_and_an_email_matched_person(team: Harness) -> None:
    lead = text_of(team.command("whoami").final())
    assert "You act as Alice Admin (WHMCS admin 1)" in lead
    assert "Linked in ticketbot.toml" in lead
    assert "*Role*: lead" in lead
    bob = text_of(team.command("whoami", user="U0000002").final())
    assert "You act as Bob Builder (WHMCS admin 2)" in bob
    assert "Matched by your Slack email" in bob
    assert "General Support, Technical Support" in bob
    assert "flag tickets to yourself" in bob and "change the client" not in bob


def test_whoami_tells_an_unlinked_person_what_to_ask_for(team: Harness) -> None:
    text = text_of(team.command("whoami", user="U0000009").final())
    assert "You are not linked to a WHMCS admin" in text
    assert "No enabled WHMCS admin has the email" in text
    assert "U0000009 = " in text


@pytest.mark.parametrize("config", [None, EMAIL_ONLY])
def test_help_lists_only_what_an_agent_may_run(bot: Harness, config: str | None) -> None:
    if config:
        bot.stop()
        bot.config = config
        bot.start()
    text = text_of(bot.command("help", user="U0000002").final())
    assert "`status &lt;status&gt;`" in text
    assert "`client &lt;client id&gt;`" not in text


def test_a_denial_says_nothing_about_a_ticket_the_person_may_not_see(team: Harness) -> None:
    final = team.command(f"{BILLING_TICKET} status Closed", user="U0000002").final()
    subject = team.ticket(BILLING_TICKET)["subject"]
    tid = team.ticket(BILLING_TICKET)["tid"]
    assert subject not in str(final) and tid not in str(final)
    assert "Not allowed" in text_of(final)


@pytest.mark.parametrize(
    ("command", "permission"),
    [
        ("42 client 99999", "client"),
        ("42 email not-an-address", "contact"),
        ("42 created yesterday", "created"),
        ("42 flag 999", "flag_others"),
        ("42 name \u202eevil", "contact"),
    ],
)
def test_permission_comes_before_any_check_of_the_value(
    team: Harness, command: str, permission: str
) -> None:
    text = text_of(team.command(command, user="U0000002").final())
    assert f"permission: {permission}" in text
    actions = [c["action"] for c in team.calls()]
    assert "getclientsdetails" not in actions and "updateticket" not in actions
    assert "Enabled admins" not in text


def test_an_agent_may_clear_a_flag_nobody_has(team: Harness) -> None:
    text = text_of(team.command("42 unflag", user="U0000002").final())
    assert "Nothing to change" in text


def test_lookalike_characters_never_match_an_admins_email(team: Harness) -> None:
    requests.post(f"{team.sandbox.url}/_sandbox/admins/5", json={"isDisabled": False}, timeout=5)
    team.slack.users["U0000077"] = {"email": "ERIN@EXAMPLE.COM", "real_name": "Erin"}
    team.slack.users["U0000078"] = {"email": "\u212arin@example.com", "real_name": "K"}
    try:
        same = text_of(team.command("whoami", user="U0000077").final())
        lookalike = text_of(team.command("whoami", user="U0000078").final())
    finally:
        del team.slack.users["U0000077"], team.slack.users["U0000078"]
    assert "You act as Erin Escalation" in same
    assert "You act as" not in lookalike


def test_a_locked_database_does_not_cost_the_answer(team: Harness) -> None:
    holder = sqlite3.connect(team.db, isolation_level=None, timeout=1)
    holder.execute("BEGIN IMMEDIATE")
    try:
        final = team.command("42 status Closed", user="U0000002").final(timeout=30)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert team.ticket(42)["status"] == "Closed"
    assert "Something went wrong" not in text_of(final)


def test_unlinked_attempts_are_recorded_as_such(team: Harness) -> None:
    team.command("42 status Closed", user="U0000009").final()
    assert [r["outcome"] for r in audit(team)] == ["unlinked"]


def test_history_tells_refused_requests_from_changes(team: Harness) -> None:
    team.command("42 client 7", user="U0000002").final()
    text = text_of(team.command("42 history").final())
    assert "<@U0000002> not allowed (/ticket): asked for Client set to 7" in text


def test_history_shows_changes_made_from_slack(team: Harness) -> None:
    team.command("42 status Closed").final()
    team.command("42 client 7", user="U0000002").final()
    text = text_of(team.command("42 history").final())
    assert "<@U0000001> changed (/ticket): Status Open → Closed" in text
    assert "<@U0000002> not allowed (/ticket)" in text


def test_staff_notes_can_be_turned_off(bot: Harness) -> None:
    bot.stop()
    bot.config = "staff_notes = false\n" + bot.config
    bot.start()
    bot.command("42 status Closed").final()
    assert bot.ticket(42)["notes"] == []
    assert "addticketnote" not in [c["action"] for c in bot.calls()]


def test_failed_and_unlinked_attempts_are_recorded(team: Harness) -> None:
    team.faults(mode="html_503", actions=["updateticket"], count=1)
    team.command("42 status Closed").final()
    team.command("42 status Closed", user="U0000009").final()
    records = audit(team)
    assert [(r["slack_user"], r["outcome"]) for r in records] == [
        ("U0000001", "refused"),
        ("U0000009", "unlinked"),
    ]
    assert "HTTP 503" in str(records[0]["detail"])

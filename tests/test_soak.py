"""The soak's checks catch what they look for, and a short soak runs them all against the bot."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.slack import card_values as cv
from bot.store import AuditEntry, Change
from soak.ledger import Direct
from soak.report import CHECK_CARDS, CHECK_LINES, CHECK_STATE, CHECK_WRITES
from soak.rig import TECH
from soak.verify import Evidence, Verdicts, verify

ROOT = Path(__file__).resolve().parents[1]
T0 = 1_800_000_000.0
TICKET = 7
ALICE = "U0000001"


def entry(number: int, outcome: str, *changes: tuple[str, str, str], at: float = T0) -> AuditEntry:
    """Return an audit entry of ticket 7 made from a command."""
    return AuditEntry(
        at=datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        slack_user=ALICE,
        admin_id=1,
        ticket_id=TICKET,
        ticket_number="ABC-000007",
        source="command",
        outcome=outcome,
        changes=tuple(Change(field, before, after) for field, before, after in changes),
        id=number,
    )


def write(at: float, **params: str) -> dict[str, Any]:
    """Return an UpdateTicket call of ticket 7 as the sandbox logs it."""
    return {"action": "updateticket", "params": {"ticketid": str(TICKET), **params}, "time": at}


def opened() -> list[Direct]:
    """Return the first values of ticket 7, opened well before anything else."""
    first = {
        "Status": "Open",
        "Priority": "Medium",
        "Department": "Technical Support",
        "Subject": "Disk full",
        "Flag": "unflagged",
    }
    return [
        Direct(TICKET, name, value, T0 - 60, T0 - 60, "opened") for name, value in first.items()
    ]


def card(ts: str, *lines: str) -> list[dict[str, Any]]:
    """Return a card of ticket 7 with these lines in its thread."""
    button = {"type": "button", "action_id": cv.FLAG_ME, "value": cv.encode(cv.CardValue(TICKET))}
    top = {"ts": ts, "text": "Ticket", "blocks": [{"type": "actions", "elements": [button]}]}
    return [top] + [
        {"ts": f"{ts}{n}", "thread_ts": ts, "text": line} for n, line in enumerate(lines)
    ]


def checked(
    entries: list[AuditEntry],
    calls: list[dict[str, Any]],
    status: str = "Closed",
    cards: list[dict[str, Any]] | None = None,
) -> Verdicts:
    """Run every check on a run that left ticket 7 with this status."""
    stored = {
        "status": status,
        "priority": "Medium",
        "deptid": 2,
        "subject": "Disk full",
        "flag": 0,
    }
    messages = cards or []
    posts = [
        {"method": "chat.postMessage", "args": {"channel": TECH}, "time": T0 - 30}
        for message in messages
        if "thread_ts" not in message
    ]
    evidence = Evidence(
        entries=entries,
        calls=calls,
        injected=[],
        stored={TICKET: stored},
        messages={TECH: messages, "C0000002": [], "C0000009": []},
        posts=posts,
        slack_calls=Counter(),
        directs=opened(),
        counts=Counter(),
        problems=[],
        spike=1.0,
    )
    return verify(evidence)


CLOSED = ("Status", "Open", "Closed")


def test_a_run_that_went_right_passes() -> None:
    verdicts = checked([entry(1, "done", CLOSED)], [write(T0 + 0.2, status="Closed")])

    assert verdicts.state.passed and verdicts.state.fields == 5
    assert verdicts.writes_once


def test_a_write_sent_twice_for_one_attempt_is_caught() -> None:
    calls = [write(T0 + 0.2, status="Closed"), write(T0 + 0.4, status="Closed")]

    verdicts = checked([entry(1, "done", CLOSED)], calls)

    assert not verdicts.writes_once
    assert len(verdicts.pairing.lone_writes) == 1


def test_a_change_recorded_without_a_write_is_caught() -> None:
    verdicts = checked([entry(1, "done", CLOSED)], [])

    assert not verdicts.writes_once
    assert [e.id for e in verdicts.pairing.lone_changes] == [1]


def test_whmcs_holding_another_value_than_the_record_is_a_mismatch() -> None:
    verdicts = checked([entry(1, "done", CLOSED)], [write(T0 + 0.2, status="Closed")], "Answered")

    assert not verdicts.state.passed
    assert "ticket 7 Status: WHMCS has 'Answered'" in verdicts.state.mismatches[0]


def test_an_unconfirmed_attempt_after_the_last_known_value_explains_a_difference() -> None:
    entries = [
        entry(1, "done", CLOSED),
        entry(2, "unknown", ("Status", "Closed", "Answered"), at=T0 + 5),
    ]
    calls = [write(T0 + 0.2, status="Closed"), write(T0 + 5.2, status="Answered")]

    verdicts = checked(entries, calls, "Answered")

    assert verdicts.state.passed
    assert "unconfirmed, read back: 'Answered'" in verdicts.state.unconfirmed[0]


def test_a_change_told_twice_under_one_card_is_caught() -> None:
    entries = [entry(1, "done", CLOSED)]
    calls = [write(T0 + 0.2, status="Closed")]
    once = card("1800000000.000100", "Status set to Closed by <@U0000001> (was Open)")
    twice = card(
        "1800000000.000100",
        "Status set to Closed by <@U0000001> (was Open)",
        "Status set to Closed in WHMCS (was Open)",
    )

    assert checked(entries, calls, cards=once).slack.double_lines == []
    assert len(checked(entries, calls, cards=twice).slack.double_lines) == 1


def test_a_write_of_unknown_outcome_told_as_its_makers_change_is_told_once() -> None:
    entries = [entry(1, "unknown", CLOSED)]
    calls = [write(T0 + 0.2, status="Closed")]
    by_alice = "Status set to Closed by <@U0000001> (was Open)"
    once = card("1800000000.000100", by_alice)
    twice = card("1800000000.000100", by_alice, "Status set to Closed in WHMCS (was Open)")

    told = checked(entries, calls, cards=once).slack
    assert told.double_lines == [] and told.stray_lines == []
    assert len(checked(entries, calls, cards=twice).slack.double_lines) == 1


def test_a_second_card_without_the_ticket_leaving_the_route_is_caught() -> None:
    cards = card("1800000000.000100") + card("1800000000.000200")

    verdicts = checked([], [], "Open", cards=cards)

    assert len(verdicts.slack.double_cards) == 1


def test_a_short_soak_runs_every_check_against_the_bot(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "soak", "--minutes", "0.25", "--seed", "1"]
    run = subprocess.run(
        [*command, "--workdir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    report = run.stdout
    assert "faults injected: none" not in report, report
    for check in (CHECK_STATE, CHECK_WRITES, CHECK_CARDS, CHECK_LINES):
        assert f"{check}: PASS" in report, report + run.stderr
    assert "result: PASS" in report and run.returncode == 0, report + run.stderr
    assert (tmp_path / "evidence.json").exists()

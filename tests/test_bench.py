"""The benchmark's quick run measures every case and writes its figures (not whether they pass)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1]
CASES = ("ack_under_load", "floor", "whmcs_calls", "triage", "memory", "startup")


def number(value: Any) -> bool:
    """Say whether a figure is a real measurement: a finite number, not a bool or null."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    output = tmp_path_factory.mktemp("bench") / "results.json"
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(output.read_text(encoding="utf-8")), finished.stdout


def test_every_case_is_in_the_json_with_the_machine(quick_run: tuple[dict[str, Any], str]) -> None:
    results, _ = quick_run

    assert set(results["cases"]) == set(CASES)
    assert results["quick"] is True
    assert results["machine"]["cpu"] and number(results["machine"]["cores"])
    assert results["machine"]["python"].count(".") == 2


def test_command_cases_hold_measured_numbers(quick_run: tuple[dict[str, Any], str]) -> None:
    cases = quick_run[0]["cases"]

    acks = cases["ack_under_load"]
    for figure in ("ack_p50_ms", "ack_p99_ms", "ack_max_ms", "all_replies_s"):
        assert number(acks[figure]) and acks[figure] > 0, figure
    assert number(acks["acks_over_3s"]) and number(acks["replies_duplicated"])
    assert acks["replies_delivered"] + acks["replies_missing"] == acks["commands"]

    floor = cases["floor"]
    for side in ("bot", "floor"):
        assert number(floor[f"{side}_cpu_ms_per_command"]), side
        assert number(floor[f"{side}_commands_per_second"]), side
        assert all(number(run["replies_missing"]) for run in floor[side]), side
    assert number(floor["cpu_ratio"]) and number(floor["rps_ratio"])

    calls = cases["whmcs_calls"]
    assert set(calls["per_command_by_kind"]) == {"status", "priority", "flag"}
    for kind, by_action in calls["per_command_by_kind"].items():
        assert by_action.get("updateticket", 0) > 0, kind
        assert all(number(n) for n in by_action.values()), kind
    assert number(calls["connections_opened_by_bot"]) and calls["connections_opened_by_bot"] > 0

    memory = cases["memory"]
    assert len(memory["rss_mib_after"]) == 3
    assert all(number(size) and size > 0 for size in memory["rss_mib_after"].values())
    assert number(memory["growth_mib"])

    startup = cases["startup"]
    assert number(startup["median_s"]) and startup["median_s"] > 0


def test_triage_case_holds_both_polls(quick_run: tuple[dict[str, Any], str]) -> None:
    triage = quick_run[0]["cases"]["triage"]

    assert triage["setup_cards_posted"] == triage["active"]
    for poll in ("idle", "changed"):
        assert number(triage[poll]["seconds"]), poll
        assert number(triage[poll]["peak_mib"]), poll
        assert triage[poll]["whmcs_calls"].get("gettickets", 0) >= 1, poll
        assert triage[poll]["tickets_compared"] >= 1, poll
    assert triage["cards"]["updated"] >= 1
    assert number(triage["cards"]["least_gap_between_posts_s"])


def test_goals_have_verdicts_and_the_table_shows_every_case(
    quick_run: tuple[dict[str, Any], str],
) -> None:
    results, table = quick_run

    assert results["goals"]
    assert {goal["verdict"] for goal in results["goals"]} <= {"PASS", "FAIL"}
    for label in ("1 acks", "2 Bolt floor", "3 WHMCS calls", "4 triage", "5 memory", "6 start-up"):
        assert label in table
    assert "machine:" in table

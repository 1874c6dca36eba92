"""Cases 1, 3 and 5: acks under load, WHMCS calls per command, memory across many commands."""

from __future__ import annotations

import time

from bench.figures import mib, percentile
from bench.mix import KINDS
from bench.report import CaseResult, Row
from bench.rig import Rig
from bench.scale import Scale

SLACK_ACK_LIMIT = 3.0
P99_GOAL = 0.100
# "About two minutes" for every reply of case 1: two minutes and a tenth more.
REPLIES_GOAL = 132.0
# Resident memory counts as flat when it grows by less than this per command.
GROWTH_PER_COMMAND = 1024
POOL_SIZE = 16  # whmcs_concurrency's default
# After case 1's last reply, listen for a second reply to any command for this many times the
# WHMCS latency, so that a command answered twice after a slow call would show.
LOAD_WATCH_LATENCIES = 2.5
CASE_ACKS = "1 acks under load"
CASE_CALLS = "3 WHMCS calls"
CASE_MEMORY = "5 memory"


def warm_up(rig: Rig, scale: Scale) -> dict[str, float]:
    """Send one change per bench ticket, so that every cache is warm; note its WHMCS calls."""
    rig.sandbox.set_latency(0)
    rig.sandbox.clear_calls()
    batch = rig.batch(rig.changes.mixed(scale.tickets))
    calls = rig.sandbox.calls()
    return {
        "commands": len(batch.sent),
        # The first command on a bare number also looks it up as a ticket number.
        "getticket_per_command_first_sight": calls["getticket"] / len(batch.sent),
    }


def acks_under_load(rig: Rig, scale: Scale) -> CaseResult:
    """Case 1: mixed changes, 50 in flight, every WHMCS call answered after the latency."""
    rig.sandbox.set_latency(scale.load_latency)
    try:
        texts = rig.changes.mixed(scale.load_commands)
        batch = rig.batch(
            texts, timeout=scale.load_reply_timeout, watch=LOAD_WATCH_LATENCIES * scale.load_latency
        )
    finally:
        rig.sandbox.set_latency(0)
    acks = batch.acks
    late = sum(1 for seconds in acks if seconds > SLACK_ACK_LIMIT)
    p50, p99, worst = percentile(acks, 0.5), percentile(acks, 0.99), max(acks)
    replies = batch.replies
    figures = {
        "commands": len(acks),
        "in_flight": rig.load.in_flight,
        "whmcs_latency_s": scale.load_latency,
        "ack_p50_ms": p50 * 1000,
        "ack_p99_ms": p99 * 1000,
        "ack_max_ms": worst * 1000,
        "acks_over_3s": late,
        "acks_not_200": batch.refused,
        "replies_delivered": replies.arrived,
        "replies_missing": replies.missing,
        "replies_duplicated": replies.duplicated,
        "all_replies_s": batch.seconds,
        "reply_p50_s": percentile(replies.arrival_seconds, 0.5),
    }
    n = len(acks)
    rows = [
        Row(CASE_ACKS, f"ack p50 ({n} cmds, WHMCS {scale.load_latency:g} s)", p50 * 1000, "ms"),
        Row(CASE_ACKS, "ack p99", p99 * 1000, "ms", "< 100 ms", p99 < P99_GOAL),
        Row(CASE_ACKS, "ack max", worst * 1000, "ms", "< 3000 ms", worst <= SLACK_ACK_LIMIT),
        Row(CASE_ACKS, "acks over 3 s", late, "", "0", late == 0),
        Row(
            CASE_ACKS,
            "final replies delivered",
            f"{replies.arrived}/{n}",
            "",
            "all",
            replies.arrived == n,
        ),
        Row(CASE_ACKS, "replies duplicated", replies.duplicated, "", "0", replies.duplicated == 0),
        Row(
            CASE_ACKS,
            "all replies within",
            batch.seconds,
            "s",
            f"about 120 s (<= {REPLIES_GOAL:g})",
            replies.missing == 0 and batch.seconds <= REPLIES_GOAL,
        ),
    ]
    return CaseResult("ack_under_load", figures, rows)


def whmcs_calls(rig: Rig, scale: Scale, first_sight: dict[str, float]) -> CaseResult:
    """Case 3: WHMCS calls per one-field change with warm caches, by kind of change."""
    per_kind: dict[str, dict[str, float]] = {}
    rows = []
    for kind in KINDS:
        rig.sandbox.clear_calls()
        batch = rig.batch(rig.changes.of_kind(kind, scale.calls_per_kind))
        calls = rig.sandbox.calls()
        count = len(batch.sent)
        by_action = {action: calls[action] / count for action in sorted(calls)}
        per_kind[kind] = by_action
        total = sum(by_action.values())
        without_note = total - by_action.get("addticketnote", 0.0)
        shown = ", ".join(f"{action} {n:g}" for action, n in by_action.items())
        rows.append(
            Row(
                CASE_CALLS,
                f"{kind}: per command, staff note on ({shown})",
                total,
                "",
                "<= 2 + note",
                without_note <= 2.0 and batch.replies.missing == 0,
            )
        )
    figures = {
        "commands_per_kind": scale.calls_per_kind,
        "staff_notes": True,
        "per_command_by_kind": per_kind,
        "first_sight": first_sight,
    }
    rows.append(
        Row(
            CASE_CALLS,
            "bare number, first command on a ticket: GetTicket per cmd",
            first_sight["getticket_per_command_first_sight"],
        )
    )
    return CaseResult("whmcs_calls", figures, rows)


def add_connections(result: CaseResult, rig: Rig) -> None:
    """Add the TCP connections the bot opened to WHMCS over the whole run to case 3."""
    accepted = rig.sandbox.connections()
    own = rig.sandbox.own_connections()
    opened = accepted - own
    result.figures["connections_opened_by_bot"] = opened
    result.figures["connections_accepted_by_sandbox"] = accepted
    result.figures["pool_size"] = POOL_SIZE
    result.rows.append(
        Row(
            CASE_CALLS,
            "TCP connections opened to WHMCS (whole run)",
            opened,
            "",
            f"<= {POOL_SIZE}",
            opened <= POOL_SIZE,
        )
    )


def memory(rig: Rig, scale: Scale) -> CaseResult:
    """Case 5: resident size after many commands, and whether it still grows."""
    samples: dict[int, int] = {}
    before = rig.bot.rss_bytes()
    done = 0
    lost = 0
    for mark in scale.memory_marks:
        while done < mark:
            size = min(scale.memory_batch, mark - done)
            batch = rig.batch(rig.changes.mixed(size))
            lost += batch.replies.missing + batch.refused
            done += size
        time.sleep(0.2)
        samples[mark] = rig.bot.rss_bytes()
    marks = scale.memory_marks
    middle, last = marks[-2], marks[-1]
    growth = samples[last] - samples[middle]
    allowed = GROWTH_PER_COMMAND * (last - middle)
    figures = {
        "rss_before_mib": mib(before),
        "rss_mib_after": {str(mark): mib(size) for mark, size in samples.items()},
        "growth_mib": mib(growth),
        "growth_bytes_per_command": growth / (last - middle),
        "commands_lost": lost,
    }
    rows = [
        Row(CASE_MEMORY, f"RSS after {mark:,} commands", mib(size), "MiB")
        for mark, size in samples.items()
    ]
    rows.append(
        Row(
            CASE_MEMORY,
            f"RSS growth {middle:,} -> {last:,} commands",
            mib(growth),
            "MiB",
            f"flat (< {mib(allowed):.1f} MiB)",
            growth < allowed,
        )
    )
    return CaseResult("memory", figures, rows)

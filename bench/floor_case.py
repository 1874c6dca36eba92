"""Case 2: the bot's CPU time and throughput against a bare Bolt app doing the same requests."""

from __future__ import annotations

from typing import Any

from bench.figures import percentile, ratio
from bench.report import CaseResult, Row
from bench.rig import Batch, Rig
from bench.scale import Scale
from bench.servers import start_floor

CASE = "2 Bolt floor"
CPU_GOAL = 3.0
RPS_GOAL = 1 / 3
ROUNDS = 3


def floor_comparison(rig: Rig, scale: Scale) -> CaseResult:
    """Send the same commands to the bot and to the floor app, WHMCS answering at once.

    Each side runs ROUNDS times, taking turns, and its best round counts: the load generator,
    the sandbox and the fake Slack share the machine, and the best round is the one they
    disturbed least.
    """
    rig.sandbox.set_latency(0)
    count = scale.saturation_commands
    ours: list[Batch] = []
    bare: list[Batch] = []
    floor = start_floor(rig.workdir, rig.slack)
    try:
        floor.wait_ready()
        # One request first: Bolt reads auth.test on the floor's first request, not at start.
        rig.batch(["help"], target=floor)
        for _ in range(ROUNDS):
            texts = rig.changes.mixed(count)
            ours.append(rig.batch(texts))
            bare.append(rig.batch(texts, target=floor))
    finally:
        floor.stop()
    return _result(rig, count, ours, bare)


def _result(rig: Rig, count: int, ours: list[Batch], bare: list[Batch]) -> CaseResult:
    best_cpu = (min(map(_cpu_ms, ours)), min(map(_cpu_ms, bare)))
    best_rps = (max(map(_rps, ours)), max(map(_rps, bare)))
    cpu_ratio = ratio(*best_cpu)
    rps_ratio = ratio(*best_rps)
    figures = {
        "commands": count,
        "in_flight": rig.load.in_flight,
        "rounds": ROUNDS,
        "bot": [_figures(batch) for batch in ours],
        "floor": [_figures(batch) for batch in bare],
        "bot_cpu_ms_per_command": best_cpu[0],
        "floor_cpu_ms_per_command": best_cpu[1],
        "bot_commands_per_second": best_rps[0],
        "floor_commands_per_second": best_rps[1],
        "cpu_ratio": cpu_ratio,
        "rps_ratio": rps_ratio,
    }
    rows = [
        Row(CASE, f"bot CPU per command ({count} cmds, best of {ROUNDS})", best_cpu[0], "ms"),
        Row(CASE, "floor CPU per command", best_cpu[1], "ms"),
        Row(CASE, "CPU per command, bot / floor", cpu_ratio, "x", "<= 3x", cpu_ratio <= CPU_GOAL),
        Row(CASE, "bot commands per second (saturated)", best_rps[0], "/s"),
        Row(CASE, "floor commands per second (saturated)", best_rps[1], "/s"),
        Row(
            CASE,
            "commands per second, bot / floor",
            rps_ratio,
            "x",
            ">= 0.33x",
            rps_ratio >= RPS_GOAL,
        ),
    ]
    acks = [percentile([a for b in side for a in b.acks], 0.99) * 1000 for side in (ours, bare)]
    rows.append(
        Row(CASE, "ack p99 at saturation: bot / floor", f"{acks[0]:.0f} / {acks[1]:.0f}", "ms")
    )
    missing = [sum(b.replies.missing for b in side) for side in (ours, bare)]
    if any(missing):
        shown = f"{missing[0]}, {missing[1]}"
        rows.append(Row(CASE, "replies missing (bot, floor)", shown, "", "0", False))
    return CaseResult("floor", figures, rows)


def _cpu_ms(batch: Batch) -> float:
    return batch.cpu_seconds * 1000 / len(batch.sent)


def _rps(batch: Batch) -> float:
    """Return commands acked and answered through response_url per second of the batch."""
    return ratio(batch.replies.arrived, batch.seconds)


def _figures(batch: Batch) -> dict[str, Any]:
    return {
        "cpu_seconds": batch.cpu_seconds,
        "cpu_ms_per_command": _cpu_ms(batch),
        "seconds": batch.seconds,
        "commands_per_second": _rps(batch),
        "ack_p50_ms": percentile(batch.acks, 0.5) * 1000,
        "ack_p99_ms": percentile(batch.acks, 0.99) * 1000,
        "replies_missing": batch.replies.missing,
    }

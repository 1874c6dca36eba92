"""Run every case in one go, print the table and write the JSON file."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from bench.command_cases import acks_under_load, add_connections, memory, warm_up, whmcs_calls
from bench.floor_case import floor_comparison
from bench.report import CaseResult, machine, table, write_json
from bench.rig import Rig
from bench.scale import FULL, QUICK, Scale
from bench.startup_case import startup
from bench.triage_case import triage

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"
_STARTED = time.perf_counter()


def run_cases(workdir: Path, scale: Scale) -> list[CaseResult]:
    """Run the six cases and return their results in case order."""
    rig = Rig.start(workdir, scale)
    try:
        _step("warming up: one change per bench ticket")
        first_sight = warm_up(rig, scale)
        _step(
            f"case 1: {scale.load_commands} commands, WHMCS answers after {scale.load_latency:g} s"
        )
        acks = acks_under_load(rig, scale)
        _step("case 3: WHMCS calls per one-field change")
        calls = whmcs_calls(rig, scale, first_sight)
        _step(f"case 2: {scale.saturation_commands} commands to the bot, then to a bare Bolt app")
        floor = floor_comparison(rig, scale)
        _step(f"case 5: {scale.memory_marks[-1]:,} commands, resident size sampled")
        mem = memory(rig, scale)
        add_connections(calls, rig)
        rig.bot.stop()
        _step(f"case 6: {scale.startups} start-ups")
        started = startup(rig, scale)
        _step(f"case 4: triage over {scale.triage_tickets:,} tickets")
        tri = triage(workdir, rig.slack, scale)
    finally:
        rig.stop()
    return [acks, floor, calls, tri, mem, started]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit code (0 even when a goal is not met)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a short smoke run: fewer commands")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write JSON")
    args = parser.parse_args(argv)
    # Everything here talks to loopback: no proxy from the shell may carry it elsewhere (the
    # triage case runs the bot's own clients in this process).
    for name in [name for name in os.environ if name.lower().endswith("_proxy")]:
        del os.environ[name]
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    scale = QUICK if args.quick else FULL
    about = machine()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ticketbot-bench-") as workdir:
        results = run_cases(Path(workdir), scale)
    print(table(results, about))
    write_json(args.output, results, about, args.quick)
    print(f"\n{time.perf_counter() - started:.0f} s in all; figures written to {args.output}")
    return 0


def _step(text: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(f"... {elapsed:4.0f} s  {text}", file=sys.stderr, flush=True)

"""Case 4: one triage poll over many tickets, idle and with changes made outside Slack.

The poller runs in this process, built by the bot's own wiring (`build_bot`) with four routes,
against a fresh sandbox and the fake Slack, so that tracemalloc sees its memory.
"""

from __future__ import annotations

import math
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.figures import mib
from bench.processes import child_environment
from bench.report import CaseResult, Row
from bench.sandbox_process import IDENTIFIER, SECRET, SandboxProcess
from bench.scale import Scale
from bench.servers import BOT_TOKEN, SIGNING_SECRET, bot_config
from bench.slack import TimedSlack
from bench.triage_check import CardCheck, check_cards
from bench.triage_tickets import (
    CHANNELS,
    DEPARTMENTS,
    WHMCS_DATE,
    activations,
    active_ids,
    changes_for,
    closed_tickets,
    make_changes,
)
from bot.config import load_config
from bot.runtime import Bot, build_bot
from bot.settings import load_settings
from bot.slack.triage_cards import SlackCards
from bot.triage.poller import PAGE_SIZE, Poller, PollReport

CASE = "4 triage"
IDLE_TRACED_POLLS = 3
# An idle poll keeps nothing: what it still holds after three polls is noise, well under this.
IDLE_GROWTH = 512 * 1024
# Slack: about one post per second per channel. The fake Slack's clock reads a little early or
# late, so gaps of at least this many seconds count as paced.
PACED_GAP = 0.9


@dataclass
class Measured:
    """One poll: its report, WHMCS calls by action, Slack calls by method, wall time, memory."""

    report: PollReport
    whmcs: Counter[str]
    slack: Counter[str]
    seconds: float
    peak_bytes: int | None = None
    after_bytes: int | None = None


def triage(workdir: Path, slack: TimedSlack, scale: Scale) -> CaseResult:
    """Run the triage case on a fresh sandbox."""
    home = workdir / "triage"
    home.mkdir()
    sandbox = SandboxProcess(home)
    bot: Bot | None = None
    try:
        now = datetime.strptime(sandbox.control("GET", "settings")["now"], WHMCS_DATE)
        sandbox.put_tickets(closed_tickets(scale.triage_tickets, now))
        bot = _build(home, slack, sandbox)
        return _measure(bot, slack, sandbox, scale)
    finally:
        if bot is not None:
            bot.close()
        sandbox.stop()


def _build(home: Path, slack: TimedSlack, sandbox: SandboxProcess) -> Bot:
    routes = "".join(
        f'[[triage]]\nchannel = "{channel}"\ndepartments = [{dept}]\n'
        for channel, dept in zip(CHANNELS, DEPARTMENTS)
    )
    config_path = home / "ticketbot.toml"
    config_path.write_text(bot_config("triage_interval = 3600\n") + routes, encoding="utf-8")
    env = child_environment(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "WHMCS_URL": sandbox.url,
            "WHMCS_IDENTIFIER": IDENTIFIER,
            "WHMCS_SECRET": SECRET,
            "TICKETBOT_CONFIG": str(config_path),
            "TICKETBOT_DB": str(home / "ticketbot.sqlite3"),
        }
    )
    bot = build_bot(load_settings(env), load_config(config_path))
    # The loop's own first poll starts the routes; the case polls by hand from here on.
    assert bot.triage is not None
    bot.triage.stop()
    return bot


def _measure(bot: Bot, slack: TimedSlack, sandbox: SandboxProcess, scale: Scale) -> CaseResult:
    assert bot.triage is not None
    poller = bot.triage.poller
    poller.poll()  # starts the routes, in case the loop stopped before its first poll
    active = active_ids(scale.triage_tickets, scale.triage_active)
    sandbox.put_tickets(activations(active))
    setup = _post_cards_unpaced(poller)

    idle = _poll(poller, slack, sandbox)
    traced = _traced_idle_polls(poller, slack, sandbox)
    changes = changes_for(active, scale.triage_changes)
    make_changes(sandbox, changes)
    first_call = len(slack.calls())
    tracemalloc.start()
    try:
        changed = _poll(poller, slack, sandbox, traced=True)
    finally:
        tracemalloc.stop()
    check = check_cards(slack.calls()[first_call:], changes, poller.state)
    return _result(scale, setup, idle, traced, changed, check)


def _post_cards_unpaced(poller: Poller) -> PollReport:
    """Post every active ticket's card with pacing off: setting up, not measured."""
    sink = poller.sink
    assert isinstance(sink, SlackCards)
    interval = sink.pacer.post_interval
    sink.pacer.post_interval = 0.0
    try:
        return poller.poll()
    finally:
        sink.pacer.post_interval = interval


def _poll(
    poller: Poller, slack: TimedSlack, sandbox: SandboxProcess, traced: bool = False
) -> Measured:
    sandbox.clear_calls()
    first = len(slack.calls())
    if traced:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    report = poller.poll()
    seconds = time.perf_counter() - started
    if traced:
        current, peak = tracemalloc.get_traced_memory()
    measured = Measured(
        report,
        sandbox.calls(),
        Counter(call["method"] for call in slack.calls()[first:]),
        seconds,
    )
    if traced:
        measured.peak_bytes, measured.after_bytes = peak - base, current
    return measured


def _traced_idle_polls(
    poller: Poller, slack: TimedSlack, sandbox: SandboxProcess
) -> list[Measured]:
    tracemalloc.start()
    try:
        return [_poll(poller, slack, sandbox, traced=True) for _ in range(IDLE_TRACED_POLLS)]
    finally:
        tracemalloc.stop()


def _result(
    scale: Scale,
    setup: PollReport,
    idle: Measured,
    traced: list[Measured],
    changed: Measured,
    check: CardCheck,
) -> CaseResult:
    pages = math.ceil(scale.triage_active / PAGE_SIZE)
    idle_peak = max(m.peak_bytes or 0 for m in traced)
    growth = (traced[-1].after_bytes or 0) - (traced[0].after_bytes or 0)
    figures: dict[str, Any] = {
        "tickets": scale.triage_tickets,
        "active": scale.triage_active,
        "routes": len(CHANNELS),
        "setup_cards_posted": setup.posted,
        "idle": _figures(idle) | {"peak_mib": mib(idle_peak), "growth_mib": mib(growth)},
        "changed": _figures(changed) | {"peak_mib": mib(changed.peak_bytes or 0)},
        "changes": scale.triage_changes,
        "cards": check.figures(),
    }
    rows = _idle_rows(scale, idle, traced, pages) + _changed_rows(scale, changed, check)
    return CaseResult("triage", figures, rows)


def _idle_rows(scale: Scale, idle: Measured, traced: list[Measured], pages: int) -> list[Row]:
    gets = idle.whmcs.get("gettickets", 0)
    calls = sum(idle.whmcs.values())
    peak = max(m.peak_bytes or 0 for m in traced)
    growth = (traced[-1].after_bytes or 0) - (traced[0].after_bytes or 0)
    among = f"{scale.triage_active:,} active of {scale.triage_tickets:,}"
    return [
        Row(CASE, f"idle: GetTickets pages ({among})", gets, "", f"= {pages}", gets == pages),
        Row(CASE, "idle: WHMCS calls in all", calls, "", f"= {pages}", calls == pages),
        Row(CASE, "idle: wall time", idle.seconds, "s"),
        Row(CASE, "idle: Slack calls", sum(idle.slack.values()), "", "0", not idle.slack),
        Row(CASE, "idle: peak traced memory", mib(peak), "MiB"),
        Row(
            CASE,
            f"idle: traced memory growth over {len(traced)} polls",
            mib(growth),
            "MiB",
            f"flat (< {mib(IDLE_GROWTH):g} MiB)",
            growth < IDLE_GROWTH,
        ),
    ]


def _changed_rows(scale: Scale, changed: Measured, check: CardCheck) -> list[Row]:
    count = scale.triage_changes
    whmcs, slack = _shown(changed.whmcs), _shown(changed.slack)
    peak = mib(changed.peak_bytes or 0)
    updated = check.updated == count and check.missed == 0 and check.unexpected == 0
    return [
        Row(CASE, f"{count} changed: WHMCS calls ({whmcs})", sum(changed.whmcs.values())),
        Row(CASE, f"{count} changed: wall time (~1 post/s/channel)", changed.seconds, "s"),
        Row(CASE, f"{count} changed: Slack calls ({slack})", sum(changed.slack.values())),
        Row(CASE, f"{count} changed: peak traced memory", peak, "MiB"),
        Row(CASE, f"{count} changed: cards updated", check.updated, "", f"= {count}", updated),
        Row(
            CASE,
            f"{count} changed: thread lines under each update, in turn",
            "yes" if check.in_order else "no",
            "",
            "yes",
            check.in_order,
        ),
        Row(
            CASE,
            f"{count} changed: least gap between posts in a channel",
            check.least_gap,
            "s",
            f">= {PACED_GAP:g} s",
            check.least_gap >= PACED_GAP,
        ),
    ]


def _figures(measured: Measured) -> dict[str, Any]:
    report = measured.report
    return {
        "whmcs_calls": dict(measured.whmcs),
        "slack_calls": dict(measured.slack),
        "seconds": measured.seconds,
        "pages": report.pages,
        "tickets_compared": report.tickets,
        "posted": report.posted,
        "updated": report.updated,
        "read_back": report.read_back,
    }


def _shown(calls: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(calls.items()))

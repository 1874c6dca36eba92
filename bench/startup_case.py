"""Case 6: time from starting `ticketbot run --http` to its first 200 from /healthz."""

from __future__ import annotations

from bench.figures import median
from bench.report import CaseResult, Row
from bench.rig import Rig
from bench.scale import Scale
from bench.servers import start_bot

CASE = "6 start-up"
GOAL = 2.0


def startup(rig: Rig, scale: Scale) -> CaseResult:
    """Start the bot afresh several times (the rig's bot stopped) and take the median."""
    times = []
    for attempt in range(scale.startups):
        bot = start_bot(rig.workdir, rig.slack, rig.sandbox, name=f"startup-{attempt + 1}")
        try:
            times.append(bot.wait_ready())
        finally:
            bot.stop()
    middle = median(times)
    figures = {"seconds": times, "median_s": middle}
    rows = [
        Row(
            CASE,
            f"run -> /healthz 200 (median of {len(times)})",
            middle,
            "s",
            "< 2 s",
            middle < GOAL,
        )
    ]
    return CaseResult("startup", figures, rows)

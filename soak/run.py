"""Run the soak: set up, drive the bot with faults on for the given time, settle, check."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from soak.ledger import Ledger
from soak.outside import AdminArea, Customers, open_ticket
from soak.report import RunFacts, render
from soak.rig import Rig
from soak.staff import Clicks, Commands, Forms
from soak.verify import Evidence, verify
from soak.worker import Run, Subjects, Worker

log = logging.getLogger(__name__)

# Tickets opened before faults go on, by department: Technical Support and Billing are routed.
FIRST_TICKETS = (2,) * 4 + (3,) * 4 + (1,) * 2
SPIKE_SECONDS = 1.0  # a latency spike stays under the bot's WHMCS timeout


WORKERS: list[tuple[str, Callable[[str, Run, int], Worker]]] = [
    ("commands-1", Commands),
    ("commands-2", Commands),
    ("clicks", Clicks),
    ("forms", Forms),
    ("admin-area", AdminArea),
    ("customers", Customers),
]


@dataclass(frozen=True)
class SoakSettings:
    """How long to run, the seed of every random choice, and how often WHMCS calls break."""

    minutes: float
    seed: int
    rate: float
    workdir: Path


def soak(settings: SoakSettings) -> tuple[str, bool]:
    """Run the soak and return its report and whether every check passed."""
    rig = Rig.start(settings.workdir)
    try:
        ledger = Ledger()
        run = Run(rig, ledger, Subjects(), deadline=0.0, stopping=threading.Event())
        rng = random.Random(settings.seed)
        for deptid in FIRST_TICKETS:
            open_ticket(run, rng, deptid)
        rig.poll()
        rig.settle()

        rig.faults_on(settings.rate, settings.seed, SPIKE_SECONDS)
        started = time.monotonic()
        run.deadline = started + settings.minutes * 60
        workers = [make(name, run, settings.seed) for name, make in WORKERS]
        log.info("soak: %d workers for %g min", len(workers), settings.minutes)
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started

        rig.faults_off()
        off = time.monotonic()
        if not rig.settle():
            ledger.problem("the bot was still busy two minutes after the faults went off")
        if not rig.poll():
            ledger.problem("the last triage poll failed")
        rig.settle()
        settled = time.monotonic() - off
        evidence = Evidence.gather(rig, ledger, SPIKE_SECONDS)
        evidence.save(settings.workdir / "evidence.json")
    finally:
        rig.stop()

    verdicts = verify(evidence)
    facts = RunFacts(
        settings.minutes, settings.seed, settings.rate, settings.workdir, seconds, settled
    )
    return render(facts, evidence, verdicts)

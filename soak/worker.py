"""What every soak worker shares: the rig, the soak's log, the deadline, and its own dice."""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from dataclasses import dataclass

from soak.ledger import Ledger
from soak.rig import ALICE, BOB, Rig

log = logging.getLogger(__name__)

STATUSES = [
    "Open",
    "Answered",
    "Customer-Reply",
    "On Hold",
    "In Progress",
    "Waiting on Vendor",
    "Closed",
]
PRIORITIES = ["Low", "Medium", "High"]


class Subjects:
    """Hand out subjects no ticket has had before."""

    def __init__(self) -> None:
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, ticket_id: int) -> str:
        with self._lock:
            number = next(self._numbers)
        if number % 3 == 0:
            return f"Customer's VPS {ticket_id} is slow, report {number}"
        return f"Soak ticket {ticket_id} subject {number}"


@dataclass
class Run:
    """What every worker shares: the rig, the soak's log, and when to stop."""

    rig: Rig
    ledger: Ledger
    subjects: Subjects
    deadline: float
    stopping: threading.Event


class Worker(threading.Thread):
    """Act, pause, act again until the run's deadline."""

    pause = (0.5, 1.5)
    reserve = 0.0  # seconds one act may take: none is begun closer than this to the deadline

    def __init__(self, name: str, run: Run, seed: int) -> None:
        super().__init__(name=f"soak-{name}", daemon=True)
        self.shared = run
        self.rng = random.Random(f"{seed}-{name}")

    def run(self) -> None:
        """Act until the deadline; a failed act is noted and the worker goes on."""
        while (
            not self.shared.stopping.is_set()
            and time.monotonic() < self.shared.deadline - self.reserve
        ):
            try:
                self.act()
            except Exception as error:
                log.exception("%s failed", self.name)
                self.shared.ledger.problem(f"{self.name}: {type(error).__name__}: {error}")
            self.shared.stopping.wait(self.rng.uniform(*self.pause))

    def act(self) -> None:
        """Do one thing."""
        raise NotImplementedError

    def ticket(self) -> int:
        """Pick a ticket from the pool."""
        return self.rng.choice(self.shared.ledger.tickets())

    def user(self) -> str:
        """Pick who acts: mostly Alice (a lead), sometimes Bob (an agent)."""
        return ALICE if self.rng.random() < 0.7 else BOB

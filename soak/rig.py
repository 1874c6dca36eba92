"""The soak's world: the sandbox WHMCS, the fake Slack and the bot with triage routes."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bot.sandbox import Sandbox
from bot.sandbox.demo_catalog import ADMINS, DEPARTMENTS
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.fakeslack import FakeSlack
from tests.scenario.harness import DEFAULT_CONFIG, Harness

log = logging.getLogger(__name__)

TECH = "C0000001"  # the Technical Support route
BILLING = "C0000002"  # the Billing route
CARDS = "C0000009"  # no route: commands are typed and `/ticket N card` cards posted here
TRIAGE_CHANNELS = (TECH, BILLING)
ROUTE_DEPARTMENTS = {TECH: frozenset({2}), BILLING: frozenset({3})}
ALICE, BOB = "U0000001", "U0000002"  # admin 1 (lead, every department), admin 2 (agent)
TRIAGE_INTERVAL = 5  # seconds, the shortest the bot accepts
WHMCS_TIMEOUT = 3.0
# The bot's own WHMCS actions take the faults; customers and the admin area reach WHMCS
# another way, so the soak's own calls (OpenTicket, AddTicketReply) stay unharmed.
BOT_ACTIONS = [
    "GetTicket",
    "GetTickets",
    "UpdateTicket",
    "AddTicketNote",
    "GetSupportStatuses",
    "GetSupportDepartments",
    "GetAdminUsers",
    "GetClientsDetails",
]
ROUTES = f"""
[[triage]]
channel = "{TECH}"
departments = ["Technical Support"]

[[triage]]
channel = "{BILLING}"
departments = [3]
mention = "S0000BILL"
"""
SLACK_USERS = {
    ALICE: {"email": "alice@example.com", "real_name": "Alice Admin", "is_bot": False},
    BOB: {"email": "bob@example.com", "real_name": "Bob Builder", "is_bot": False},
}
DEPARTMENT_NAMES = {dept_id: name for dept_id, name, _, _ in DEPARTMENTS}
ADMIN_NAMES = {row[0]: f"{row[2]} {row[3]}" for row in ADMINS}
CLIENT_ID = 5


@dataclass
class Rig:
    """The running sandbox, fake Slack and bot, and the calls the soak makes on them."""

    sandbox: Sandbox
    slack: FakeSlack
    harness: Harness

    @classmethod
    def start(cls, workdir: Path) -> Rig:
        """Start everything on loopback; the triage routes have had their first poll."""
        sandbox = Sandbox(identifier=SANDBOX_IDENTIFIER, secret=SANDBOX_SECRET).start()
        slack = FakeSlack(users=SLACK_USERS).start()
        config = f"triage_interval = {TRIAGE_INTERVAL}\n" + DEFAULT_CONFIG + ROUTES
        env = {"WHMCS_TIMEOUT": f"{WHMCS_TIMEOUT:g}"}
        harness = Harness(sandbox, slack, workdir, config=config, env=env).start()
        rig = cls(sandbox, slack, harness)
        rig.poll()
        return rig

    def stop(self) -> None:
        """Stop the bot, then the fake Slack and the sandbox."""
        self.harness.stop()
        self.slack.stop()
        self.sandbox.stop()

    def poll(self, attempts: int = 3) -> bool:
        """Run one triage poll now and wait for it; False when every attempt failed."""
        bot = self.harness.bot
        assert bot is not None and bot.triage is not None
        for _ in range(attempts):
            if bot.triage.poll_now(timeout=120) is not None:
                return True
        return False

    def settle(self, timeout: float = 120.0) -> bool:
        """Wait until the bot has no follow-up work left; False on timeout."""
        bot = self.harness.bot
        assert bot is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = max(deadline - time.monotonic(), 0.1)
            calls_idle = bot.slack_calls is None or bot.slack_calls.wait_idle(left)
            if bot.followups.wait_idle(left) and calls_idle:
                # Slack calls can hand work on to the follow-ups and back: look once more.
                time.sleep(0.2)
                if bot.followups.wait_idle(0) and (
                    bot.slack_calls is None or bot.slack_calls.wait_idle(0)
                ):
                    return True
        return False

    # -- the sandbox -------------------------------------------------------------------

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the sandbox's control API and return its JSON answer."""
        url = f"{self.sandbox.url}/_sandbox/{path}"
        response = requests.request(method, url, json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def api(self, action: str, **params: Any) -> dict[str, Any]:
        """Call the sandbox's WHMCS API as a customer's side of WHMCS would; fail on an error."""
        return self.harness.whmcs(action, **params)

    def stored(self, ticket_id: int) -> dict[str, Any]:
        """Return everything the sandbox stores for a ticket."""
        stored: dict[str, Any] = self.control("GET", f"tickets/{ticket_id}")
        return stored

    def faults_on(self, rate: float, seed: int, spike: float) -> None:
        """Switch random faults on for the bot's WHMCS actions."""
        spec = {"rate": rate, "seed": seed, "latency": spike, "hang": WHMCS_TIMEOUT + 2}
        self.control("POST", "faults", {"random": spec, "actions": BOT_ACTIONS})
        log.info("random faults on: rate=%s seed=%s", rate, seed)

    def faults_off(self) -> None:
        """Switch faults off; the record of those injected stays."""
        self.control("DELETE", "faults")
        log.info("faults off")

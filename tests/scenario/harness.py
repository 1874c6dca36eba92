"""Run the real bot over HTTP against the sandbox WHMCS and the fake Slack."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from bot.config import load_config
from bot.runtime import Bot, build_bot
from bot.sandbox import Sandbox
from bot.settings import load_settings
from bot.slack.http import HttpServer
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.fakeslack import FakeSlack
from tests.slackreq import post_signed, slash_command_body

SIGNING_SECRET = "test-signing-secret-4b1d"
BOT_TOKEN = "xoxb-test-token"
_TRIGGERS = itertools.count(1)
USER_NAMES = {"U0000001": "alice", "U0000002": "bob"}
DEFAULT_CONFIG = """
[users]
U0000001 = { admin = 1, role = "lead" }
U0000002 = 2
"""


@dataclass
class Reply:
    """What one `/ticket` command produced: the HTTP ack and what followed on response_url."""

    ack: requests.Response
    response_url: str
    slack: FakeSlack
    # Waits until the bot has no follow-up work left (returns False on timeout); None when the
    # bot runs in another process, where final() waits for a number of posts instead.
    settled: Callable[[float], bool] | None = None

    @property
    def ack_body(self) -> dict[str, Any]:
        """Return the JSON the bot acked with (empty when it acked with no body)."""
        if not self.ack.text:
            return {}
        if self.ack.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.ack.text)
        return {"text": self.ack.text}

    def responses(self, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until at least `count` posts reached the response_url and return them all."""

        def arrived() -> list[dict[str, Any]]:
            posts = self.slack.responses(self.response_url)
            return posts if len(posts) >= count else []

        return self.slack.wait_for(arrived, timeout=timeout)

    def posts(self, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait until the bot has finished its work; return every post to the response_url."""
        assert self.settled is not None, "posts() needs the in-process bot; use responses(n)"
        assert self.settled(timeout), f"the bot was still working after {timeout:g} s"
        return self.slack.responses(self.response_url)

    def final(self, timeout: float = 10.0, count: int = 1) -> dict[str, Any]:
        """Wait until the bot has finished answering; return its last post that says something.

        In process, this waits until the bot's follow-up work is done; otherwise until `count`
        posts have arrived.
        """
        posts = self.posts(timeout) if self.settled else self.responses(count, timeout)
        said = [p for p in posts if p.get("text") or p.get("blocks")]
        assert said, f"the bot posted nothing to the response_url: {posts!r}"
        return said[-1]


def new_trigger_id() -> str:
    """Return a trigger_id no other command has used, shaped like Slack's."""
    return f"{next(_TRIGGERS)}.1337.{uuid.uuid4().hex}"


def text_of(message: dict[str, Any]) -> str:
    """Flatten a message's blocks into the text a person would read."""
    parts = [message.get("text", "")]
    for block in message.get("blocks", []):
        if "text" in block:
            parts.append(block["text"]["text"])
        for element in block.get("elements", []):
            if isinstance(element, dict) and "text" in element:
                text = element["text"]
                parts.append(text["text"] if isinstance(text, dict) else text)
    return "\n".join(parts)


@dataclass
class Harness:
    """A running bot in HTTP mode, wired to the sandbox and the fake Slack."""

    sandbox: Sandbox
    slack: FakeSlack
    tmp: Path
    config: str = DEFAULT_CONFIG
    env: dict[str, str] = field(default_factory=dict)
    bot: Bot | None = None
    server: HttpServer | None = None

    def start(self) -> Harness:
        """Build the bot exactly as `ticketbot run --http` does and serve it on a free port."""
        config_path = self.tmp / "ticketbot.toml"
        config_path.write_text(self.config, encoding="utf-8")
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.api_url,
            "WHMCS_URL": self.sandbox.url,
            "WHMCS_IDENTIFIER": SANDBOX_IDENTIFIER,
            "WHMCS_SECRET": SANDBOX_SECRET,
            "WHMCS_TIMEOUT": "3",
            "WHMCS_TIMEZONE": "UTC",
            "TICKETBOT_CONFIG": str(config_path),
            "TICKETBOT_DB": str(self.tmp / "ticketbot.sqlite3"),
        }
        env.update(self.env)
        settings = load_settings(env)
        self.bot = build_bot(settings, load_config(settings.config_path))
        self.server = HttpServer(self.bot.app, SIGNING_SECRET, "127.0.0.1", 0).start()
        return self

    def stop(self) -> None:
        """Stop serving and let follow-up work finish."""
        if self.server:
            self.server.close()
        if self.bot:
            self.bot.close()

    @property
    def url(self) -> str:
        """Return the bot's Slack endpoint."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}/slack/events"

    def command(
        self, text: str, user: str = "U0000001", channel: str = "C0000001", **headers: Any
    ) -> Reply:
        """Send `/ticket <text>` as a signed slash command, as Slack would."""
        response_url = self.slack.new_response_url()
        body = slash_command_body(
            text,
            user_id=user,
            user_name=USER_NAMES.get(user, user.lower()),
            channel_id=channel,
            response_url=response_url,
            trigger_id=new_trigger_id(),
        )
        ack = post_signed(self.url, body, SIGNING_SECRET, **headers)
        assert self.bot is not None
        return Reply(ack, response_url, self.slack, self.bot.followups.wait_idle)

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """Read a ticket's stored state straight from the sandbox."""
        response = requests.get(f"{self.sandbox.url}/_sandbox/tickets/{ticket_id}", timeout=5)
        response.raise_for_status()
        return response.json()

    @property
    def db(self) -> Path:
        """Return the bot's SQLite file."""
        return self.tmp / "ticketbot.sqlite3"

    def calls(self) -> list[dict[str, Any]]:
        """Return the WHMCS API calls the sandbox received."""
        return requests.get(f"{self.sandbox.url}/_sandbox/calls", timeout=5).json()

    def writes(self) -> list[dict[str, Any]]:
        """Return the UpdateTicket calls the sandbox received."""
        return [call for call in self.calls() if call["action"] == "updateticket"]

    def faults(self, **fault: Any) -> None:
        """Switch on one of the sandbox's fault modes."""
        requests.post(
            f"{self.sandbox.url}/_sandbox/faults", json=fault, timeout=5
        ).raise_for_status()

    def poll(self) -> Any:
        """Run one triage poll now, wait for it, and return its report."""
        assert self.bot is not None and self.bot.triage is not None, "no [[triage]] configured"
        report = self.bot.triage.poll_now(timeout=60)
        assert report is not None, "the triage poll failed or did not finish"
        return report

    def whmcs(self, action: str, **params: Any) -> dict[str, Any]:
        """Call the sandbox's WHMCS API with the bot's credentials, as another app would."""
        body = {
            "action": action,
            "identifier": SANDBOX_IDENTIFIER,
            "secret": SANDBOX_SECRET,
            "responsetype": "json",
            **params,
        }
        response = requests.post(f"{self.sandbox.url}/includes/api.php", data=body, timeout=10)
        answer: dict[str, Any] = response.json()
        assert answer.get("result") == "success", answer
        return answer

    def set_tickets(self, tickets: list[dict[str, Any]]) -> None:
        """Create or change many tickets directly in the sandbox, each given with its id."""
        url = f"{self.sandbox.url}/_sandbox/tickets"
        requests.post(url, json={"tickets": tickets}, timeout=60).raise_for_status()

    def set_ticket(self, ticket_id: int, **fields: Any) -> None:
        """Change a ticket directly in the sandbox, as someone in WHMCS's admin area would."""
        url = f"{self.sandbox.url}/_sandbox/tickets/{ticket_id}"
        requests.post(url, json=fields, timeout=5).raise_for_status()

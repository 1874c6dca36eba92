"""Run the real bot over HTTP against the sandbox WHMCS and the fake Slack."""

from __future__ import annotations

import json
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
DEFAULT_CONFIG = """
[users]
U0000001 = 1
U0000002 = 2
"""


@dataclass
class Reply:
    """What one `/ticket` command produced: the HTTP ack and what followed on response_url."""

    ack: requests.Response
    response_url: str
    slack: FakeSlack

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
        return self.slack.wait_for(
            lambda: (r := self.slack.responses(self.response_url)) and len(r) >= count and r,
            timeout=timeout,
        )

    def final(self, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until the bot has finished answering; return its last post that says something.

        The bot always ends by replacing or deleting its "Working on it" message.
        """

        def finished() -> list[dict[str, Any]] | None:
            posts = self.slack.responses(self.response_url)
            ended = any(p.get("replace_original") or p.get("delete_original") for p in posts)
            return posts if ended else None

        posts = self.slack.wait_for(finished, timeout=timeout)
        return [p for p in posts if p.get("text") or p.get("blocks")][-1]


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
        self.server = HttpServer(self.bot.app, "127.0.0.1", 0).start()
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

    def command(self, text: str, user: str = "U0000001", **headers: Any) -> Reply:
        """Send `/ticket <text>` as a signed slash command, as Slack would."""
        response_url = self.slack.new_response_url()
        body = slash_command_body(text, user_id=user, response_url=response_url)
        ack = post_signed(self.url, body, SIGNING_SECRET, **headers)
        return Reply(ack, response_url, self.slack)

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """Read a ticket's stored state straight from the sandbox."""
        response = requests.get(f"{self.sandbox.url}/_sandbox/tickets/{ticket_id}", timeout=5)
        response.raise_for_status()
        return response.json()

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

    def set_ticket(self, ticket_id: int, **fields: Any) -> None:
        """Change a ticket directly in the sandbox, as someone in WHMCS's admin area would."""
        url = f"{self.sandbox.url}/_sandbox/tickets/{ticket_id}"
        requests.post(url, json=fields, timeout=5).raise_for_status()

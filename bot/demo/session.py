"""Run the real bot in this process against the sandbox WHMCS and the demo's local Slack.

The bot is built by `build_bot` exactly as `ticketbot run` builds it, and served by the same
HTTP endpoint; the session sends it signed requests shaped like Slack's and keeps what comes
back in the Workspace.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import load_config
from bot.demo import payloads
from bot.demo.form import Draft, Option
from bot.demo.render import Control
from bot.demo.signing import Ack, Endpoint, form_body, interaction_body
from bot.demo.team import ALICE, CHANNELS, PEOPLE, SUPPORT, Person, config_toml
from bot.demo.web_api import LocalSlack
from bot.demo.workspace import SlackRefusal, View, Workspace
from bot.runtime import Bot, build_bot
from bot.settings import load_settings
from bot.slack.http import EVENTS_PATH, HttpServer

log = logging.getLogger(__name__)

COMMAND = "/ticket"
SETTLE_SECONDS = 30.0


class Gone(Exception):
    """The message or view a control was on is no longer there, or no longer has it."""


@dataclass(frozen=True)
class Submitted:
    """What submitting a modal came to: Slack's own refusals, or the bot's errors, if any."""

    ack: Ack | None
    errors: dict[str, str]


class DemoSession:
    """The running demo: sandbox WHMCS, local Slack, and the bot between them."""

    def __init__(self, person: Person = ALICE, channel: str = SUPPORT.id) -> None:
        self.person = person
        self.channel = channel
        self.workspace = Workspace()
        self._folder = tempfile.TemporaryDirectory(prefix="ticketbot-demo-")
        self._bot_token = "xoxb-demo-" + secrets.token_hex(12)
        self._signing_secret = secrets.token_hex(16)
        self.slack = LocalSlack(self.workspace, self._bot_token)
        self.bot: Bot | None = None
        self._server: HttpServer | None = None
        self._endpoint: Endpoint | None = None

    @property
    def names(self) -> dict[str, str]:
        """Return the display names of the demo's users and channels, by id."""
        names = {person.slack_user: person.real_name for person in PEOPLE}
        names.update({channel.id: channel.name for channel in CHANNELS})
        return names

    def start(self) -> DemoSession:
        """Start the local Slack, build the bot with the built-in sandbox, and serve it."""
        self.slack.start()
        folder = Path(self._folder.name)
        config_path = folder / "ticketbot.toml"
        config_path.write_text(config_toml(), encoding="utf-8")
        # WHMCS_URL stays unset: the bot starts its built-in sandbox with demo data.
        environment = {
            "SLACK_BOT_TOKEN": self._bot_token,
            "SLACK_SIGNING_SECRET": self._signing_secret,
            "SLACK_API_URL": self.slack.api_url,
            "TICKETBOT_CONFIG": str(config_path),
            "TICKETBOT_DB": str(folder / "ticketbot-demo.sqlite3"),
            "LOG_LEVEL": "WARNING",
        }
        settings = load_settings(environment)
        self.bot = build_bot(settings, load_config(settings.config_path))
        self._server = HttpServer(self.bot.app, self._signing_secret, "127.0.0.1", 0).start()
        url = f"http://127.0.0.1:{self._server.port}{EVENTS_PATH}"
        self._endpoint = Endpoint(url, self._signing_secret)
        return self

    def close(self) -> None:
        """Stop serving, let the bot finish its work, and remove the throwaway files."""
        if self._server is not None:
            self._server.close()
        if self.bot is not None:
            self.bot.close()
        self.slack.stop()
        self._folder.cleanup()

    def settle(self, timeout: float = SETTLE_SECONDS) -> bool:
        """Wait until the bot has finished the work that follows its acks; False on timeout."""
        if self.bot is None:
            return True
        pools = [p for p in (self.bot.slack_calls, self.bot.followups) if p is not None]
        deadline = time.monotonic() + timeout
        # Opening a form hands work from the Slack-call pool to the follow-up pool: wait for
        # both in that order, twice, so work handed on is waited for too.
        for _ in range(2):
            for pool in pools:
                if not pool.wait_idle(max(0.0, deadline - time.monotonic())):
                    return False
        return True

    def _send(self, body: bytes) -> Ack:
        assert self._endpoint is not None, "the session is not started"
        return self._endpoint.send(body)

    # -- what a person does ---------------------------------------------------------------

    def command(self, text: str, command: str = COMMAND) -> Ack:
        """Type a slash command in the channel; its acknowledgement shows as Slack shows it."""
        user = self.person.slack_user
        key = self.workspace.new_response_url(user, self.channel)
        fields = payloads.slash_command(
            self.person,
            self.channel,
            command,
            text,
            self.slack.response_url(key),
            self.workspace.modals.new_trigger(user),
        )
        ack = self._send(form_body(fields))
        if ack.status == 200:
            self.workspace.acked(key, ack.body)
        return ack

    def press_in_message(
        self, channel: str, ts: str, control: Control, option: Option | None = None
    ) -> Ack:
        """Press a button or pick a menu option in a message, as it is now."""
        message = self.workspace.message(channel, ts)
        if message is None or not _still_has(message.blocks, control):
            raise Gone("that message no longer has this control")
        user = self.person.slack_user
        pressed = payloads.action(control.element, control.block_id, option)
        key = self.workspace.new_response_url(user, channel, ts)
        payload = payloads.message_actions(
            self.person,
            pressed,
            message.as_slack(),
            channel,
            message.only_for is not None,
            self.slack.response_url(key),
            self.workspace.modals.new_trigger(user),
        )
        return self._send(interaction_body(payload))

    def open_view(self) -> View | None:
        """Return the modal the person has open on top, if any."""
        return self.workspace.modals.top(self.person.slack_user)

    def press_in_view(
        self, view_id: str, draft: Draft, control: Control, option: Option | None = None
    ) -> Ack:
        """Press a button or pick a menu option in the person's open modal."""
        view = self.open_view()
        if view is None or view.id != view_id or not _still_has(view.spec["blocks"], control):
            raise Gone("that form is closed or no longer has this control")
        pressed = payloads.action(control.element, control.block_id, option)
        shown = view.as_slack(draft.values(view.spec))
        trigger = self.workspace.modals.new_trigger(self.person.slack_user)
        return self._send(
            interaction_body(payloads.view_actions(self.person, pressed, shown, trigger))
        )

    def search(self, draft: Draft, block_id: str, typed: str) -> list[Option]:
        """Ask the bot for a search menu's options while the person types, as Slack does."""
        view = self.open_view()
        if view is None:
            return []
        shown = view.as_slack(draft.values(view.spec))
        payload = payloads.options_request(self.person, shown, block_id, typed)
        answer = self._send(interaction_body(payload)).body
        options: list[Option] = list(answer.get("options") or [])
        for group in answer.get("option_groups") or []:
            options.extend(group.get("options") or [])
        return options

    def submit(self, draft: Draft) -> Submitted:
        """Press the modal's submit button and do what the bot's acknowledgement asks."""
        view = self.open_view()
        if view is None:
            raise Gone("no form is open")
        missing = draft.missing(view.spec)
        if missing:
            return Submitted(None, missing)
        shown = view.as_slack(draft.values(view.spec))
        trigger = self.workspace.modals.new_trigger(self.person.slack_user)
        ack = self._send(interaction_body(payloads.view_submission(self.person, shown, trigger)))
        if ack.status != 200:
            return Submitted(ack, {})
        return Submitted(ack, self._follow_ack(view, ack.body))

    def _follow_ack(self, view: View, answer: dict[str, Any]) -> dict[str, str]:
        """Apply a submission's response_action; return the errors it shows under inputs."""
        user, action = self.person.slack_user, answer.get("response_action")
        try:
            if action == "errors":
                errors = answer.get("errors") or {}
                return {str(k): str(v) for k, v in errors.items()}
            if action == "update":
                self.workspace.modals.update(view.id, None, None, answer.get("view") or {})
            elif action == "push":
                self.workspace.modals.push_for(user, answer.get("view") or {})
            elif action == "clear":
                self.workspace.modals.close(user, every=True)
            else:
                self.workspace.modals.close(user)
        except SlackRefusal as refusal:
            log.warning("Slack would not show the form the bot answered with: %s", refusal.error)
        return {}

    def cancel(self) -> View | None:
        """Close the person's top modal; tell the bot when the view asked to be told."""
        closed = self.workspace.modals.close(self.person.slack_user)
        if not closed:
            return None
        view = closed[0]
        if view.spec.get("notify_on_close"):
            payload = payloads.view_closed(self.person, view.as_slack())
            self._send(interaction_body(payload))
        return view


def _still_has(blocks: list[dict[str, Any]], control: Control) -> bool:
    """Say whether the blocks still hold this control (same block, action and value)."""
    wanted = (control.element.get("action_id"), control.element.get("value"))
    for block in blocks:
        if str(block.get("block_id", "")) != control.block_id:
            continue
        elements = list(block.get("elements") or []) + [block.get("accessory") or {}]
        if any((e.get("action_id"), e.get("value")) == wanted for e in elements):
            return True
    return False

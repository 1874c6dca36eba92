"""What the demo's Slack holds: messages where they were posted, modals, response URLs.

Every change is numbered, so the console can ask what changed since it last printed. Slack's
rules that the bot relies on are kept: an ephemeral message cannot be changed with
chat.update, a thread needs its parent, a message holds at most 50 blocks.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.demo.modals import Modals, View
from bot.demo.slack_limits import MESSAGE_BLOCK_LIMIT, Block, SlackRefusal, checked_blocks
from bot.demo.team import APP_ID, BOT_ID, BOT_USER, TEAM_ID

__all__ = ["Message", "News", "SlackRefusal", "View", "Workspace"]


@dataclass
class Message:
    """One message as the people in its channel see it."""

    channel: str
    ts: str
    text: str
    blocks: list[Block]
    changed: int
    only_for: str | None = None
    thread_ts: str | None = None
    deleted: bool = False

    @property
    def direct(self) -> bool:
        """Say whether this is a direct message from the bot."""
        return self.channel.startswith("D")

    def as_slack(self) -> dict[str, Any]:
        """Return the message as Slack sends it in an interaction payload."""
        shown: dict[str, Any] = {
            "type": "message",
            "user": BOT_USER,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": TEAM_ID,
            "ts": self.ts,
            "text": self.text,
            "blocks": copy.deepcopy(self.blocks),
        }
        if self.thread_ts:
            shown["thread_ts"] = self.thread_ts
        return shown


@dataclass
class ResponseUrl:
    """Where replies to one command or click go, and the message they may replace."""

    user: str
    channel: str
    source: Message | None = None


@dataclass
class News:
    """What changed since the console last looked: messages and views, oldest change first."""

    items: list[Message | View] = field(default_factory=list)
    mark: int = 0


class Workspace:
    """Hold the demo team's messages, modals and response URLs; safe to use from many threads."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changes = 0
        self._second = int(time.time())
        self._sequence = itertools.count(1)
        self._messages: list[Message] = []
        self._response_urls: dict[str, ResponseUrl] = {}
        self.modals = Modals(self._lock, self._touch)

    # -- numbering ------------------------------------------------------------------------

    def _touch(self) -> int:
        self._changes += 1
        return self._changes

    def _ts(self) -> str:
        return f"{self._second}.{next(self._sequence):06d}"

    def new_response_url(self, user: str, channel: str, source_ts: str | None = None) -> str:
        """Issue a response_url key; replies to it may replace the message posted at `source_ts`."""
        key = secrets.token_hex(12)
        with self._lock:
            source = self._find(channel, source_ts) if source_ts else None
            self._response_urls[key] = ResponseUrl(user, channel, source)
        return key

    # -- messages -------------------------------------------------------------------------

    def post(
        self,
        channel: str,
        text: str,
        blocks: list[Block] | None,
        thread_ts: str | None = None,
        only_for: str | None = None,
    ) -> Message:
        """Add a message to a channel (or a thread, or one person's view of the channel)."""
        with self._lock:
            posted = self._add(Message(channel, "", text, [], 0, only_for, thread_ts), blocks)
            return copy.deepcopy(posted)

    def _add(self, message: Message, blocks: list[Block] | None) -> Message:
        """Give a new message its blocks, ts and change number, and keep it."""
        message.blocks = checked_blocks(blocks, MESSAGE_BLOCK_LIMIT)
        if not message.text and not message.blocks:
            raise SlackRefusal("no_text")
        thread = message.thread_ts
        if thread is not None and self._find(message.channel, thread) is None:
            raise SlackRefusal("thread_not_found")
        message.ts, message.changed = self._ts(), self._touch()
        self._messages.append(message)
        return message

    def update(self, channel: str, ts: str, text: str, blocks: list[Block] | None) -> Message:
        """Change a message in place (chat.update)."""
        blocks = checked_blocks(blocks, MESSAGE_BLOCK_LIMIT)
        with self._lock:
            message = self._find(channel, ts)
            if message is None:
                raise SlackRefusal("message_not_found")
            if message.only_for is not None:
                raise SlackRefusal("cant_update_message")
            message.text, message.blocks, message.changed = text, blocks, self._touch()
            return copy.deepcopy(message)

    def message(self, channel: str, ts: str) -> Message | None:
        """Return the message posted at `ts` in a channel, if it is still there."""
        with self._lock:
            return copy.deepcopy(self._find(channel, ts))

    def _find(self, channel: str, ts: str) -> Message | None:
        for message in self._messages:
            if message.channel == channel and message.ts == ts and not message.deleted:
                return message
        return None

    def acked(self, key: str, reply: dict[str, Any]) -> None:
        """Show a slash command's acknowledgement: a message only its author sees."""
        blocks = reply.get("blocks")
        if not (reply.get("text") or blocks):
            return
        with self._lock:
            hook = self._response_urls[key]
            public = reply.get("response_type") == "in_channel"
            text = str(reply.get("text") or "")
            only_for = None if public else hook.user
            hook.source = self._add(Message(hook.channel, "", text, [], 0, only_for), blocks)

    def respond(self, key: str, reply: dict[str, Any]) -> bool:
        """Take a post to a response_url; False when there is no such URL."""
        with self._lock:
            hook = self._response_urls.get(key)
            if hook is None:
                return False
            source = hook.source if hook.source and not hook.source.deleted else None
            if reply.get("delete_original"):
                if source is not None:
                    source.deleted, source.changed = True, self._touch()
                return True
            public = reply.get("response_type") == "in_channel"
            text, blocks = str(reply.get("text") or ""), reply.get("blocks")
            if reply.get("replace_original") and source is not None:
                source.text = text
                source.blocks = checked_blocks(blocks, MESSAGE_BLOCK_LIMIT)
                if public:
                    source.only_for = None
                source.changed = self._touch()
                return True
            only_for = None if public else hook.user
            hook.source = self._add(Message(hook.channel, "", text, [], 0, only_for), blocks)
            return True

    # -- what changed ---------------------------------------------------------------------

    @property
    def mark(self) -> int:
        """Return the number of the latest change."""
        with self._lock:
            return self._changes

    def news(self, since: int) -> News:
        """Return copies of the messages and views changed after change number `since`."""
        with self._lock:
            items: list[Message | View] = [m for m in self._messages if m.changed > since]
            items.extend(self.modals.changed_since(since))
            items.sort(key=lambda item: item.changed)
            return News(copy.deepcopy(items), self._changes)

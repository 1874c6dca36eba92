"""Print what the bot said, where: replies only you see, channel cards, threads, forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TextIO

from bot.demo import words
from bot.demo.form import Draft, inputs
from bot.demo.render import BlockText, Control, text_of
from bot.demo.session import DemoSession
from bot.demo.team import CHANNELS
from bot.demo.workspace import Message, View
from bot.slack.texts import SANDBOX_FOOTER

INDENT = "  "
# Said once in the banner rather than under every message.
HIDDEN_CONTEXT = (SANDBOX_FOOTER,)


@dataclass(frozen=True)
class Place:
    """Where numbered controls were shown: a message (channel and ts) or a view (its id)."""

    channel: str = ""
    ts: str = ""
    view_id: str = ""


class Transcript:
    """Print each message and view once when new, again when changed, and keep the controls.

    The controls of the last message or view printed with any are the ones `click N` and
    `select N` use; what a person typed into a form is kept in its Draft.
    """

    def __init__(self, session: DemoSession, out: TextIO) -> None:
        self.session = session
        self.out = out
        self.mark = session.workspace.mark
        self.printed: set[str] = set()
        self.place: Place | None = None
        self.controls: list[Control] = []
        self.drafts: dict[str, Draft] = {}

    def say(self, text: str = "") -> None:
        """Print lines to the console."""
        print(text, file=self.out, flush=True)

    def draft(self, view_id: str) -> Draft:
        """Return what the person has entered in a view so far."""
        return self.drafts.setdefault(view_id, Draft(view_id))

    def show_news(self) -> None:
        """Wait for the bot to finish, then print every message and view that changed."""
        if not self.session.settle():
            self.say(words.STILL_WORKING)
        news = self.session.workspace.news(self.mark)
        self.mark = news.mark
        for item in news.items:
            if isinstance(item, Message):
                self.show_message(item)
            else:
                self.show_view(item)

    def _where(self, message: Message) -> str:
        if message.direct:
            return words.IN_DM
        channel = next((c.name for c in CHANNELS if c.id == message.channel), message.channel)
        place = f"#{channel}"
        if message.thread_ts:
            place += words.IN_THREAD
        if message.only_for == self.session.person.slack_user:
            place += words.ONLY_YOU
        elif message.only_for:
            place += words.ONLY_FOR.format(name=self.session.names.get(message.only_for, "?"))
        return f"[{place}]"

    def show_message(self, message: Message) -> None:
        """Print a message: new, changed in place, or removed."""
        key = f"{message.channel}/{message.ts}"
        seen = key in self.printed
        self.printed.add(key)
        where = self._where(message)
        if message.deleted:
            if seen:
                self.say(f"{where} {words.REMOVED}")
            return

        rendered = BlockText(self.session.names, HIDDEN_CONTEXT).render(
            message.blocks, message.text
        )
        lines = rendered.lines or [""]
        changed = ""
        if seen:
            changed = words.CARD_UPDATED if message.only_for is None else words.REPLY_UPDATED
        self.say(f"{where} {changed}{lines[0]}".rstrip())
        for line in lines[1:]:
            self.say(INDENT + line)
        if rendered.controls:
            self.place, self.controls = Place(message.channel, message.ts), rendered.controls

    def show_view(self, view: View, heading: str | None = None) -> None:
        """Print a modal with its inputs numbered and what they hold, or say it closed."""
        seen = view.id in self.printed
        self.printed.add(view.id)
        names = self.session.names
        title = text_of(view.spec.get("title"), names)
        if not view.open:
            if seen:
                self.say(words.FORM_CLOSED.format(title=title))
            self.drafts.pop(view.id, None)
            return

        draft = self.draft(view.id)
        draft.follow(view.as_slack())
        numbered = {item.block_id: item for item in inputs(view.spec)}

        def input_line(block: dict[str, Any]) -> str:
            return draft.line(numbered[str(block.get("block_id", ""))])

        rendered = BlockText(names, HIDDEN_CONTEXT, input_line).render(view.spec["blocks"])
        self.say(
            (heading or (words.FORM_UPDATED if seen else words.FORM_OPENED)).format(title=title)
        )
        for line in rendered.lines:
            self.say(INDENT + line)
        if numbered:
            submit = text_of(view.spec.get("submit"), names) or words.SUBMIT
            self.say(INDENT + words.FORM_HOWTO.format(submit=submit))
        if rendered.controls:
            self.place, self.controls = Place(view_id=view.id), rendered.controls

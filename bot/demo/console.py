"""The demo console: type what a Slack user would, and read what the bot answers as text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from bot.demo import words
from bot.demo.form import Draft, EntryRefused, inputs, pick
from bot.demo.render import Control, text_of
from bot.demo.session import COMMAND, DemoSession, Gone
from bot.demo.team import PEOPLE, SUPPORT, Person, find_person
from bot.demo.transcript import INDENT, Transcript


class Console:
    """Do what each console line asks through the demo session, then print what changed."""

    def __init__(self, session: DemoSession, out: TextIO) -> None:
        self.session = session
        self.transcript = Transcript(session, out)
        self.say = self.transcript.say
        self.commands: dict[str, Callable[[str], None]] = {
            "click": self.click,
            "select": self.select,
            "set": self.set,
            "submit": self.submit,
            "cancel": self.cancel,
            "form": self.form,
            "as": self.switch,
            "help": self.help,
        }

    @property
    def prompt(self) -> str:
        """Return the prompt: who you are and where."""
        return f"{self.session.person.handle} in #{SUPPORT.name}> "

    def handle(self, line: str) -> None:
        """Do what one console line asks, then show what the bot said."""
        line = line.strip()
        if not line:
            return
        if line.startswith("/"):
            self.slash(line)
        else:
            word, _, rest = line.partition(" ")
            run = self.commands.get(word.lower())
            if run is None:
                self.say(words.UNKNOWN)
                return
            run(rest.strip())
        self.transcript.show_news()

    # -- commands -------------------------------------------------------------------------

    def slash(self, line: str) -> None:
        """Send a slash command."""
        command, _, text = line.partition(" ")
        if command != COMMAND:
            self.say(words.ONLY_TICKET.format(command=command))
            return
        ack = self.session.command(text.strip())
        if ack.status != 200:
            self.say(words.NOT_ACKED.format(status=ack.status))

    def click(self, rest: str) -> None:
        """Press a button, by its number or by its text (numbers shift as buttons change)."""
        text = rest.strip()
        if text and not text.isdigit():
            control = self._button_named(text)
        else:
            control = self._control(text, want_menu=False)
        if control is None:
            return
        confirm = control.element.get("confirm")
        if isinstance(confirm, dict):
            self.say(words.CONFIRMED.format(**confirm_texts(confirm, self.session.names)))
        self._press(control, None)

    def select(self, rest: str) -> None:
        """Pick an option, by its text, in a numbered menu."""
        number, _, typed = rest.partition(" ")
        control = self._control(number, want_menu=True)
        if control is None:
            return
        if not typed.strip():
            self.say(words.SELECT_WHAT)
            return
        if control.element.get("type") == "external_select":
            self.say(words.NO_SEARCH_MENUS)
            return
        try:
            option = pick(control.options(), typed)
        except EntryRefused as refusal:
            self.say(f"[{control.number}] {control.name}: {refusal}")
            return
        self._press(control, option)

    def _button_named(self, text: str) -> Control | None:
        """Return the last message's button whose text is `text` (case aside), if just one."""
        controls = self.transcript.controls
        if not controls or self.transcript.place is None:
            self.say(words.NOTHING_TO_CLICK)
            return None
        wanted = text.casefold()
        buttons = [c for c in controls if c.is_button]
        found = [c for c in buttons if c.name.casefold() == wanted] or [
            c for c in buttons if c.name.casefold().startswith(wanted)
        ]
        if len(found) != 1:
            names = ", ".join(f"[{c.number}] {c.name}" for c in buttons)
            self.say(words.NO_SUCH_BUTTON.format(text=text, buttons=names))
            return None
        return found[0]

    def _control(self, number: str, want_menu: bool) -> Control | None:
        controls = self.transcript.controls
        if not controls or self.transcript.place is None:
            self.say(words.NOTHING_TO_CLICK)
            return None
        if not number.isdigit() or not 1 <= int(number) <= len(controls):
            self.say(words.NO_SUCH_CONTROL.format(count=len(controls)))
            return None
        control = controls[int(number) - 1]
        if want_menu and control.is_button:
            self.say(words.IS_BUTTON.format(number=number))
            return None
        if not want_menu and not control.is_button:
            self.say(words.IS_MENU.format(number=number))
            return None
        return control

    def _press(self, control: Control, option: dict[str, Any] | None) -> None:
        place = self.transcript.place
        assert place is not None
        try:
            if place.view_id:
                ack = self.session.press_in_view(place.view_id, self._draft(), control, option)
            else:
                message = self.session.workspace.message(place.channel, place.ts)
                viewer = self.session.person.slack_user
                if message is not None and message.only_for not in (None, viewer):
                    self.say(words.NOT_YOURS)
                    return
                ack = self.session.press_in_message(place.channel, place.ts, control, option)
        except Gone as gone:
            self.say(words.GONE.format(reason=gone))
            return
        if ack.status != 200:
            self.say(words.NOT_ACKED.format(status=ack.status))

    def _draft(self) -> Draft:
        view = self.session.open_view()
        return self.transcript.draft(view.id if view else "")

    def set(self, rest: str) -> None:
        """Enter a value in one of the open form's numbered inputs."""
        view = self.session.open_view()
        if view is None:
            self.say(words.NO_FORM)
            return
        number, _, typed = rest.partition(" ")
        found = inputs(view.spec)
        if not number.isdigit() or not 1 <= int(number) <= len(found):
            self.say(words.NO_SUCH_INPUT.format(count=len(found)))
            return
        item, draft = found[int(number) - 1], self._draft()
        try:
            draft.enter(item, typed, lambda block, text: self.session.search(draft, block, text))
        except EntryRefused as refusal:
            self.say(f"({item.number}) {item.label}: {refusal}")
            return
        self.say(f"({item.number}) {item.label}: {draft.shown(item)}")

    def submit(self, rest: str) -> None:
        """Press the open form's submit button."""
        view = self.session.open_view()
        if view is None:
            self.say(words.NO_FORM)
            return
        draft = self._draft()
        submitted = self.session.submit(draft)
        if submitted.ack is not None and submitted.ack.status != 200:
            self.say(words.NOT_ACKED.format(status=submitted.ack.status))
        if submitted.errors:
            draft.errors = dict(submitted.errors)
            self.say(words.NOT_SAVED)
            numbered = {item.block_id: item for item in inputs(view.spec)}
            for block_id, error in submitted.errors.items():
                item = numbered.get(block_id)
                where = f"({item.number}) {item.label}" if item else block_id
                self.say(f"{INDENT}{where}: {error}")

    def cancel(self, rest: str) -> None:
        """Close the open form without saving."""
        if self.session.cancel() is None:
            self.say(words.NO_FORM)

    def form(self, rest: str) -> None:
        """Show the open form again."""
        view = self.session.open_view()
        if view is None:
            self.say(words.NO_FORM)
            return
        self.transcript.show_view(view, words.FORM_SHOWN)

    def switch(self, rest: str) -> None:
        """Act as another demo user."""
        person = find_person(rest)
        if person is None:
            self.say(words.NO_SUCH_PERSON.format(people=people_line()))
            return
        self.session.person = person
        self.say(words.NOW_YOU_ARE.format(who=describe(person)))

    def help(self, rest: str) -> None:
        """Show the console's commands."""
        self.say(words.HELP)


def confirm_texts(confirm: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """Return the title, text and confirm button of a confirmation dialog."""
    return {key: text_of(confirm.get(key), names) for key in ("title", "text", "confirm")}


def describe(person: Person) -> str:
    """Say who a demo user is and whom they act as in WHMCS."""
    return words.PERSON.format(
        name=person.real_name, user=person.slack_user, admin=person.admin_id, role=person.role
    )


def people_line() -> str:
    """Name the demo users for the banner and the help."""
    return " and ".join(describe(person) for person in PEOPLE)

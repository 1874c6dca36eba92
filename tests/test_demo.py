"""`ticketbot demo`: a person types as a Slack user and reads the bot's answers as text."""

from __future__ import annotations

import io
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO, cast

import pytest

from bot.demo import main
from bot.demo.mrkdwn_text import plain_text
from bot.demo.render import BlockText
from bot.demo.workspace import SlackRefusal, Workspace

ROOT = Path(__file__).resolve().parents[1]


class Keyboard(io.TextIOBase):
    """Standard input typed one line at a time; tells when the demo is waiting for the next."""

    def __init__(self) -> None:
        self.lines: queue.Queue[str] = queue.Queue()
        self.waiting = threading.Event()

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        self.waiting.set()
        line = self.lines.get(timeout=60)
        self.waiting.clear()
        return line


class Demo:
    """`ticketbot demo` running in a thread, typed into line by line."""

    def __init__(self, *args: str) -> None:
        self.keyboard = Keyboard()
        self.screen = io.StringIO()
        self.status: int | None = None
        self.thread = threading.Thread(target=self._run, args=(list(args),), daemon=True)
        self.thread.start()
        assert self.keyboard.waiting.wait(30), "the demo did not start"
        self.banner = self._taken()
        self.shown = 0

    def _run(self, args: list[str]) -> None:
        self.status = main(args, cast(TextIO, self.keyboard), self.screen)

    def _taken(self) -> str:
        return self.screen.getvalue()

    def type(self, line: str) -> str:
        """Type one line; return everything the demo printed in answer."""
        before = len(self._taken())
        self.keyboard.waiting.clear()
        self.keyboard.lines.put(line + "\n")
        assert self.keyboard.waiting.wait(30), f"no answer to {line!r}"
        return self._taken()[before:]

    def end(self) -> int | None:
        """Close standard input; return the exit status."""
        self.keyboard.lines.put("")
        self.thread.join(30)
        return self.status


@pytest.fixture
def demo() -> Iterator[Demo]:
    running = Demo()
    yield running
    running.end()


def number_of(shown: str, pattern: str) -> str:
    """Return the number the demo printed before a control or input, e.g. `[3] Close`."""
    found = re.search(pattern, shown)
    assert found, f"{pattern!r} not in:\n{shown}"
    return found.group(1)


def test_a_piped_command_prints_the_change_and_exits_0() -> None:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="/ticket 42 status Closed\n",
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=environment,
    )

    assert done.returncode == 0, done.stderr
    assert "nothing leaves this machine" in done.stdout
    assert "[#support] Ticket #" in done.stdout
    assert "• Status: Open → Closed" in done.stdout
    assert "Changed by @Alice Admin" in done.stdout
    assert "in #support>" not in done.stdout  # no prompt without a terminal
    assert "INFO" not in done.stderr


def test_flag_to_me_on_a_card_flags_it_and_updates_the_card(demo: Demo) -> None:
    card = demo.type("/ticket 42 card")
    assert "Flagged to: unflagged" in card

    shown = demo.type("click " + number_of(card, r"\[(\d+)\] Flag to me"))

    assert "[#support] card updated: Ticket #" in shown
    assert "Flagged to: Alice Admin" in shown
    assert "[#support, thread] Flagged to Alice Admin by @Alice Admin (was unflagged)" in shown


def test_the_status_menu_changes_the_status(demo: Demo) -> None:
    menu = number_of(demo.type("/ticket 42 card"), r"\[(\d+)\] Set status")

    shown = demo.type(f"select {menu} on hold")

    assert "card updated:" in shown
    assert "Status: On Hold" in shown
    assert "Status set to On Hold by @Alice Admin (was Open)" in shown


def test_close_asks_first_and_the_demo_confirms(demo: Demo) -> None:
    card = demo.type("/ticket 42 card")

    shown = demo.type("click " + number_of(card, r"\[(\d+)\] Close"))

    assert 'Slack asks "Close this ticket?"' in shown
    assert "Status: Closed" in shown
    assert re.search(r"\[\d+\] Reopen", shown)


def test_an_agent_is_asked_before_taking_over_and_can_answer(demo: Demo) -> None:
    card = demo.type("/ticket 42 card")
    flag = number_of(card, r"\[(\d+)\] Flag to me")
    demo.type("click " + flag)
    demo.type("as UBOB")

    question = demo.type("click " + flag)
    assert "[#support, only you] Ticket #" in question
    assert "is already flagged to Alice Admin" in question

    shown = demo.type("click " + number_of(question, r"\[(\d+)\] Take it over"))
    assert "Flagged to: Bob Builder" in shown
    assert "You took over ticket" in shown


def test_the_form_is_filled_field_by_field_and_saved(demo: Demo) -> None:
    form = demo.type("/ticket 42")
    assert "[form opened: Update ticket]" in form
    status = number_of(form, r"\((\d+)\) Status: Open")

    assert demo.type(f"set {status} Closed").strip() == f"({status}) Status: Closed"
    saved = demo.type("submit")
    assert "[#support, only you] Ticket #" in saved
    assert "• Status: Open → Closed" in saved

    again = demo.type("/ticket 42")
    assert f"({status}) Status: Closed" in again


def test_errors_from_the_form_ack_are_shown_under_their_input(demo: Demo) -> None:
    form = demo.type("/ticket 42")
    subject = number_of(form, r"\((\d+)\) Subject:")
    demo.type(f"set {subject}")

    refused = demo.type("submit")

    assert "The form was not saved:" in refused
    assert f"({subject}) Subject: A ticket needs a subject" in refused
    assert "! A ticket needs a subject" in demo.type("form")
    assert "[form closed" in demo.type("cancel")


def test_what_slack_itself_refuses_never_reaches_the_bot(demo: Demo) -> None:
    form = demo.type("/ticket 42")
    email = number_of(form, r"\((\d+)\) Email:")

    assert "enter an email address" in demo.type(f"set {email} not-an-address")
    assert "(choices: Open" in demo.type("form")


def test_an_agent_is_refused_what_agents_may_not_do() -> None:
    demo = Demo("--as", "UBOB")
    try:
        assert "You are Bob Builder" in demo.banner
        shown = demo.type("/ticket 42 flag 1")
    finally:
        assert demo.end() == 0

    assert "Not allowed" in shown
    assert "flag_others" in shown
    assert "Nothing was changed." in shown


def test_unknown_input_answers_with_one_line_of_help(demo: Demo) -> None:
    shown = demo.type("flag it please")

    assert shown.count("\n") == 1
    assert "help" in shown


def test_end_of_input_exits_0(demo: Demo) -> None:
    assert demo.end() == 0


def test_mrkdwn_reads_as_plain_text() -> None:
    names = {"UALICE": "Alice Admin"}
    text = "*Status*: <@UALICE> at <!date^1700000000^{date}|2023-11-14> &lt;a&gt; &amp; _b_"

    assert plain_text(text, names) == "Status: @Alice Admin at 2023-11-14 <a> & b"


def test_fields_and_menus_are_listed_with_numbers() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Status*\nOpen"}]},
        {
            "type": "actions",
            "block_id": "a",
            "elements": [
                {"type": "button", "action_id": "x", "text": {"type": "plain_text", "text": "Go"}},
                {
                    "type": "static_select",
                    "action_id": "y",
                    "placeholder": {"type": "plain_text", "text": "Pick"},
                    "options": [{"text": {"type": "plain_text", "text": "One"}, "value": "1"}],
                },
            ],
        },
    ]

    shown = BlockText({}).render(blocks)

    assert shown.lines == ["Status: Open", "[1] Go", "[2] Pick  (choices: One)"]
    assert [c.is_button for c in shown.controls] == [True, False]


def test_a_stale_hash_does_not_update_a_view() -> None:
    workspace = Workspace()
    trigger = workspace.modals.new_trigger("UALICE")
    view = workspace.modals.open(trigger, {"type": "modal", "blocks": []})
    workspace.modals.update(view.id, None, view.hash, {"type": "modal", "blocks": []})

    with pytest.raises(SlackRefusal, match="hash_conflict"):
        workspace.modals.update(view.id, None, view.hash, {"type": "modal", "blocks": []})
    with pytest.raises(SlackRefusal, match="exchanged_trigger_id"):
        workspace.modals.open(trigger, {"type": "modal", "blocks": []})


def test_a_button_can_be_clicked_by_its_text_whatever_its_number(demo: Demo) -> None:
    demo.type("/ticket 42 card")
    shown = demo.type("click flag to me")
    assert "Flagged to: Alice Admin" in shown

    # The card now offers Unflag where Flag to me was: its text still finds it.
    shown = demo.type("click Unflag")
    assert "Flagged to: unflagged" in shown

    assert "No one button reads 'Escalate'" in demo.type("click Escalate")

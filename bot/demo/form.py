"""Fill a modal's inputs from the console, and build their state as Slack submits it.

Slack's client keeps what a person entered: across views.update an entry survives only while
its input keeps the same block_id, action_id and kind; an untouched input submits its initial
value. The client also refuses what an input cannot hold (over max_length, a malformed email
address, a number below min_value, an empty required input) before anything is sent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.demo.mrkdwn_text import emoji
from bot.demo.render import option_text

Block = dict[str, Any]
Option = dict[str, Any]
State = dict[str, Any]
Search = Callable[[str, str], Sequence[Option]]

TEXT_KINDS = ("plain_text_input", "email_text_input", "url_text_input", "number_input")
ONE_CHOICE = ("static_select", "external_select", "radio_buttons")
SHOWN_LIMIT = 60
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WHOLE = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
YES = ("yes", "y", "on", "true", "x", "tick")
NO = ("no", "n", "off", "false", "")
REQUIRED = "Please complete this required field."


class EntryRefused(ValueError):
    """What a person typed cannot go into the input; the message says why."""


@dataclass(frozen=True)
class Input:
    """One input block of a modal, numbered as the console shows it."""

    number: int
    block: Block

    @property
    def block_id(self) -> str:
        """Return the block's id."""
        return str(self.block.get("block_id", ""))

    @property
    def element(self) -> dict[str, Any]:
        """Return the input's element."""
        found = self.block.get("element")
        return found if isinstance(found, dict) else {}

    @property
    def kind(self) -> str:
        """Return the element's type, e.g. `static_select`."""
        return str(self.element.get("type", ""))

    @property
    def label(self) -> str:
        """Return the input's label."""
        return emoji(str((self.block.get("label") or {}).get("text", "")))


def inputs(view: Mapping[str, Any]) -> list[Input]:
    """Return a view's inputs, numbered from 1."""
    found = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    return [Input(number, block) for number, block in enumerate(found, start=1)]


def _initial(element: Mapping[str, Any]) -> State:
    """Return what an untouched input holds, keyed as Slack reports it."""
    kind = element.get("type")
    if kind in TEXT_KINDS:
        return {"value": element.get("initial_value")}
    if kind in ONE_CHOICE:
        return {"selected_option": element.get("initial_option")}
    if kind in ("checkboxes", "multi_static_select", "multi_external_select"):
        return {"selected_options": list(element.get("initial_options") or [])}
    if kind == "datepicker":
        return {"selected_date": element.get("initial_date")}
    if kind == "timepicker":
        held: State = {"selected_time": element.get("initial_time")}
        if element.get("timezone"):
            held["timezone"] = element["timezone"]
        return held
    return {}


@dataclass
class Draft:
    """What a person has entered in one modal, by block id, and the errors shown under inputs."""

    view_id: str = ""
    view_hash: str = ""
    entered: dict[str, State] = field(default_factory=dict)
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def follow(self, view: Mapping[str, Any]) -> None:
        """Keep the entries whose inputs an updated view still has, with the same id and kind."""
        if view.get("id") != self.view_id:
            self.view_id, self.entered, self.kinds = str(view.get("id")), {}, {}
        if view.get("hash") == self.view_hash:
            return
        self.view_hash, self.errors = str(view.get("hash")), {}
        now = {i.block_id: (str(i.element.get("action_id")), i.kind) for i in inputs(view)}
        self.entered = {b: s for b, s in self.entered.items() if now.get(b) == self.kinds.get(b)}
        self.kinds = {b: k for b, k in self.kinds.items() if b in self.entered}

    def held(self, item: Input) -> State:
        """Return what an input holds now: the person's entry, else its initial value."""
        return self.entered.get(item.block_id) or _initial(item.element)

    def values(self, view: Mapping[str, Any]) -> dict[str, Any]:
        """Return the view's `state.values` as Slack builds them: every input, by block id."""
        values: dict[str, Any] = {}
        for item in inputs(view):
            action_id = str(item.element.get("action_id", ""))
            values[item.block_id] = {action_id: {"type": item.kind, **self.held(item)}}
        return values

    def missing(self, view: Mapping[str, Any]) -> dict[str, str]:
        """Return Slack's own error for each required input left empty."""
        return {
            item.block_id: REQUIRED
            for item in inputs(view)
            if not item.block.get("optional") and not _filled(self.held(item))
        }

    def shown(self, item: Input) -> str:
        """Return what an input shows, as one short line."""
        held = self.held(item)
        if "selected_option" in held:
            picked = held["selected_option"]
            return option_text(picked) if isinstance(picked, Mapping) else "(none)"
        if "selected_options" in held:
            ticked = [option_text(o) for o in held["selected_options"] or []]
            return ", ".join(ticked) if ticked else "(none)"
        value = next((v for k, v in held.items() if k != "timezone"), None)
        if not value:
            return "(empty)"
        line = " ".join(str(value).split())
        return line if len(line) <= SHOWN_LIMIT else line[: SHOWN_LIMIT - 1] + "…"

    def line(self, item: Input) -> str:
        """Return an input as the console lists it: number, label, value, choices, error."""
        described = f"({item.number}) {item.label}: {self.shown(item)}"
        if item.kind in ("static_select", "radio_buttons", "checkboxes"):
            choices = ", ".join(option_text(o) for o in _options(item.element))
            described += f"  (choices: {choices})"
        elif item.kind == "external_select":
            described += "  (type part of a name)"
        elif item.kind == "datepicker":
            described += "  (YYYY-MM-DD)"
        elif item.kind == "timepicker":
            described += "  (HH:MM)"
        error = self.errors.get(item.block_id)
        return described + (f"\n    ! {error}" if error else "")

    def enter(self, item: Input, typed: str, search: Search) -> None:
        """Put what a person typed into an input, as Slack's client would; EntryRefused if not."""
        held = _entry(item, typed, search)
        self.entered[item.block_id] = held
        self.kinds[item.block_id] = (str(item.element.get("action_id")), item.kind)
        self.errors.pop(item.block_id, None)


def _filled(held: State) -> bool:
    return any(value for key, value in held.items() if key != "timezone")


def _options(element: Mapping[str, Any]) -> list[Option]:
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def pick(options: Sequence[Option], typed: str) -> Option:
    """Return the option whose text (or value) is `typed`, or the one it starts or is part of."""
    wanted = " ".join(typed.split()).casefold()
    for matches in (
        lambda o: option_text(o).casefold() == wanted or str(o.get("value")) == typed.strip(),
        lambda o: option_text(o).casefold().startswith(wanted),
        lambda o: wanted in option_text(o).casefold(),
    ):
        found = [o for o in options if matches(o)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(option_text(o) for o in found)
            raise EntryRefused(f"{typed!r} could be any of: {names}")
    names = ", ".join(option_text(o) for o in options) or "none"
    raise EntryRefused(f"no choice {typed!r}; the choices are: {names}")


def _entry(item: Input, typed: str, search: Search) -> State:
    element, kind, text = item.element, item.kind, typed.strip()
    if kind in TEXT_KINDS:
        return {"value": _text_entry(element, kind, typed) or None}
    if kind in ("static_select", "radio_buttons"):
        return {"selected_option": pick(_options(element), text)}
    if kind == "external_select":
        return {"selected_option": _search_entry(item, text, search)}
    if kind == "checkboxes":
        return {"selected_options": _ticked(_options(element), text)}
    if kind == "datepicker":
        return {"selected_date": _moment(text, "%Y-%m-%d", "a date as YYYY-MM-DD")}
    if kind == "timepicker":
        state: State = {"selected_time": _moment(text, "%H:%M", "a time as HH:MM")}
        if element.get("timezone"):
            state["timezone"] = element["timezone"]
        return state
    raise EntryRefused(f"the demo cannot fill a {kind} input")


def _text_entry(element: Mapping[str, Any], kind: str, typed: str) -> str:
    """Check typed text as Slack's client does; `\\n` starts a new line in a multiline input."""
    text = typed.replace("\\n", "\n") if element.get("multiline") else typed.strip()
    limit = element.get("max_length")
    if isinstance(limit, int) and len(text) > limit:
        raise EntryRefused(f"at most {limit} characters fit here ({len(text)} typed)")
    if not text:
        return ""
    if kind == "email_text_input" and not _EMAIL.fullmatch(text):
        raise EntryRefused("enter an email address, like name@example.com")
    if kind == "number_input":
        shape = _DECIMAL if element.get("is_decimal_allowed") else _WHOLE
        if not shape.fullmatch(text):
            raise EntryRefused("enter a number" if shape is _DECIMAL else "enter a whole number")
        low, high = element.get("min_value"), element.get("max_value")
        if low is not None and float(text) < float(low):
            raise EntryRefused(f"enter a number of at least {low}")
        if high is not None and float(text) > float(high):
            raise EntryRefused(f"enter a number of at most {high}")
    return text


def _search_entry(item: Input, typed: str, search: Search) -> Option:
    """Ask the app for the options that match what was typed, as Slack does, and pick one."""
    if not typed:
        raise EntryRefused("type part of the name to pick")
    try:
        return pick(search(item.block_id, typed), typed)
    except EntryRefused:
        return pick(search(item.block_id, ""), typed)


def _ticked(options: Sequence[Option], typed: str) -> list[Option]:
    if typed.casefold() in NO:
        return []
    if typed.casefold() in YES and len(options) == 1:
        return list(options)
    return [pick(options, part) for part in typed.split(",") if part.strip()]


def _moment(text: str, shape: str, words: str) -> str | None:
    if not text:
        return None
    try:
        datetime.strptime(text, shape)
    except ValueError:
        raise EntryRefused(f"enter {words}") from None
    return text

"""Show Block Kit as text: headers, sections, fields, context, dividers, numbered controls."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.demo.mrkdwn_text import emoji, plain_text

Block = dict[str, Any]
# The controls the console can use: buttons and the menus whose options the block carries.
BUTTON = "button"
MENUS = ("static_select", "external_select", "overflow")
DIVIDER = "-" * 40
# A section field that is a bold label and a value on the next line: "*Status*\nOpen".
_LABELLED = re.compile(r"\*([^*\n]+)\*\n(.*)", re.DOTALL)


@dataclass(frozen=True)
class Control:
    """A button or menu in a message or view, numbered as the console shows it."""

    number: int
    block_id: str
    element: dict[str, Any]

    @property
    def is_button(self) -> bool:
        """Say whether this control is a button (else it is a menu)."""
        return self.element.get("type") == BUTTON

    @property
    def name(self) -> str:
        """Return the button's text or the menu's placeholder."""
        shown = self.element.get("text") or self.element.get("placeholder") or {}
        return emoji(str(shown.get("text", ""))) or str(self.element.get("action_id", ""))

    def options(self) -> list[dict[str, Any]]:
        """Return a menu's options, option groups flattened."""
        found = list(self.element.get("options") or [])
        for group in self.element.get("option_groups") or []:
            found.extend(group.get("options") or [])
        return found


@dataclass
class Rendered:
    """Blocks as lines of text, and the controls those lines number."""

    lines: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)


def text_of(obj: Any, names: Mapping[str, str]) -> str:
    """Return the text of a text object, plain_text or mrkdwn."""
    if not isinstance(obj, dict):
        return ""
    text = str(obj.get("text", ""))
    return plain_text(text, names) if obj.get("type") == "mrkdwn" else emoji(text)


def option_text(option: Mapping[str, Any]) -> str:
    """Return what an option shows."""
    shown = option.get("text")
    return emoji(str(shown.get("text", ""))) if isinstance(shown, Mapping) else ""


class BlockText:
    """Render one message's or view's blocks, numbering its controls from 1.

    Args:
        names: display names of Slack users and channels by id.
        hidden: context texts left out (the sandbox footer, said once in the banner).
        input_line: how to show an input block of a view; None shows its label.
    """

    def __init__(
        self,
        names: Mapping[str, str],
        hidden: Collection[str] = (),
        input_line: Callable[[Block], str] | None = None,
    ) -> None:
        self.names = names
        self.hidden = hidden
        self.input_line = input_line

    def render(self, blocks: Sequence[Block], fallback: str = "") -> Rendered:
        """Return the blocks as text; a message without blocks shows its text."""
        shown = Rendered()
        for block in blocks:
            self._block(block, shown)
        if not blocks and fallback:
            shown.lines.extend(plain_text(fallback, self.names).splitlines())
        return shown

    def _block(self, block: Block, shown: Rendered) -> None:
        kind = block.get("type")
        lines = shown.lines
        if kind == "header":
            lines.append(text_of(block.get("text"), self.names))
        elif kind == "section":
            self._section(block, shown)
        elif kind == "context":
            texts = [text_of(e, self.names) for e in block.get("elements", [])]
            raw = [str(e.get("text", "")) for e in block.get("elements", [])]
            if not any(text in self.hidden for text in raw):
                lines.append(" ".join(t for t in texts if t))
        elif kind == "divider":
            lines.append(DIVIDER)
        elif kind == "actions":
            self._actions(block, shown)
        elif kind == "input":
            if self.input_line is not None:
                lines.extend(self.input_line(block).splitlines())
            else:
                lines.append(text_of(block.get("label"), self.names))
        elif kind == "image":
            lines.append(f"[image: {block.get('alt_text', '')}]")
        elif kind == "rich_text":
            lines.extend(_rich_text(block).splitlines())

    def _section(self, block: Block, shown: Rendered) -> None:
        text = text_of(block.get("text"), self.names)
        if text:
            shown.lines.extend(text.splitlines())
        for item in block.get("fields") or []:
            raw = str(item.get("text", ""))
            labelled = _LABELLED.fullmatch(raw) if item.get("type") == "mrkdwn" else None
            if labelled:
                label = plain_text(labelled.group(1), self.names)
                value = plain_text(labelled.group(2), self.names).replace("\n", " ")
                shown.lines.append(f"{label}: {value}")
            else:
                shown.lines.append(text_of(item, self.names).replace("\n", " "))
        accessory = block.get("accessory")
        if isinstance(accessory, dict):
            described = self._control(accessory, str(block.get("block_id", "")), shown)
            if described and shown.lines:
                shown.lines[-1] = f"{shown.lines[-1]}   {described}"
            elif described:
                shown.lines.append(described)

    def _actions(self, block: Block, shown: Rendered) -> None:
        block_id = str(block.get("block_id", ""))
        buttons: list[str] = []
        for element in block.get("elements") or []:
            described = self._control(element, block_id, shown)
            if not described:
                continue
            if element.get("type") == BUTTON:
                buttons.append(described)
                continue
            if buttons:
                shown.lines.append("   ".join(buttons))
                buttons = []
            shown.lines.append(described)
        if buttons:
            shown.lines.append("   ".join(buttons))

    def _control(self, element: dict[str, Any], block_id: str, shown: Rendered) -> str:
        """Number a button or menu and describe it; a link button is shown, not numbered."""
        kind = element.get("type")
        if kind == BUTTON and element.get("url"):
            return f"(link: {text_of(element.get('text'), self.names)})"
        if kind != BUTTON and kind not in MENUS:
            return ""
        control = Control(len(shown.controls) + 1, block_id, element)
        shown.controls.append(control)
        if control.is_button:
            return f"[{control.number}] {control.name}"
        return self._menu(control)

    def _menu(self, control: Control) -> str:
        picked = control.element.get("initial_option")
        now = f": {option_text(picked)}" if isinstance(picked, dict) else ""
        choices = [option_text(o) for o in control.options()]
        offered = f"  (choices: {', '.join(choices)})" if choices else "  (type to search)"
        return f"[{control.number}] {control.name}{now}{offered}"


def _rich_text(block: Block) -> str:
    """Return the words of a rich_text block, styles dropped."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for child in node.get("elements") or []:
                walk(child)

    walk(block)
    return "".join(parts)

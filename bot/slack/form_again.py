"""Show a submitted ticket form again: the person's entries kept, with notes and a banner.

Slack keeps what a person entered in an input across views.update only while its block_id and
action_id stay the same, and shows the new initial value only when they change. An input that
must show a value someone else set in WHMCS meanwhile therefore gets a new block id
(`status~1`); reading a submission maps such ids back to the field's own (`status`).
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import Any

from bot.slack import form_texts
from bot.slack.blocks import SECTION_LIMIT, context, section
from bot.slack.form_fields import shown_line
from bot.slack.form_views import MORE_BLOCK, SUMMARY_BLOCK, VIEW_BLOCK_LIMIT
from bot.slack.mrkdwn import cut, escape

View = dict[str, Any]
Block = dict[str, Any]
RENAMED = "~"
BANNER_BLOCK = "form_banner"
NOTE_BLOCK = "form_note"
# The keys of a view that views.update and response_action "update" take back.
_VIEW_KEYS = (
    "type",
    "callback_id",
    "title",
    "submit",
    "close",
    "blocks",
    "private_metadata",
    "clear_on_close",
    "notify_on_close",
)
_TEXT_ELEMENTS = ("plain_text_input", "email_text_input", "number_input", "url_text_input")
_ONE_CHOICE = ("static_select", "radio_buttons")


def base_block_id(block_id: str) -> str:
    """Return the field's own block id of a possibly renamed input (`status~1` -> `status`)."""
    return block_id.split(RENAMED, 1)[0]


def normalized_values(values: object) -> dict[str, Any]:
    """Return a submission's `state.values` keyed by the fields' own block ids."""
    if not isinstance(values, Mapping):
        return {}
    return {base_block_id(key): value for key, value in values.items() if isinstance(key, str)}


def filled_in(values: Mapping[str, Any]) -> set[str]:
    """Return the text inputs (their own block ids) in which a submission holds text."""
    found = set()
    for block_id, state in values.items():
        entered = state.get("value") if isinstance(state, Mapping) else None
        text = entered.get("value") if isinstance(entered, Mapping) else None
        if isinstance(text, str) and text.strip():
            found.add(base_block_id(block_id))
    return found


def block_ids(view: Mapping[str, Any]) -> dict[str, str]:
    """Return each input's own block id mapped to the id it has in this view."""
    found: dict[str, str] = {}
    for block in _blocks(view):
        block_id = block.get("block_id")
        if block.get("type") == "input" and isinstance(block_id, str):
            found[base_block_id(block_id)] = block_id
    return found


def clean(view: Mapping[str, Any]) -> View:
    """Return only what Slack takes back of a view it sent (no id, state, hash or team)."""
    return {key: copy.deepcopy(view[key]) for key in _VIEW_KEYS if key in view}


def renamed(view: View, fields: Collection[str], revision: int) -> View:
    """Give the inputs of these fields new block ids, so that they show their new values."""
    result = copy.deepcopy(view)
    for block in _blocks(result):
        block_id = block.get("block_id")
        if block.get("type") == "input" and isinstance(block_id, str):
            base = base_block_id(block_id)
            if base in fields:
                block["block_id"] = f"{base}{RENAMED}{revision}"
    return result


def refilled(view: View, values: Mapping[str, Any], keep: Collection[str] = ()) -> View:
    """Pre-fill each input with what the person had entered, except the fields in `keep`."""
    result = copy.deepcopy(view)
    for block in _blocks(result):
        block_id = block.get("block_id")
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(block_id, str):
            continue
        base = base_block_id(block_id)
        state = values.get(base)
        entered = state.get("value") if isinstance(state, Mapping) else None
        if base in keep or not isinstance(entered, Mapping) or not isinstance(element, dict):
            continue
        if entered.get("type") == element.get("type"):
            _refill(element, entered)
    return result


def _refill(element: dict[str, Any], entered: Mapping[str, Any]) -> None:
    kind = element["type"]
    if kind in _TEXT_ELEMENTS:
        _put(element, "initial_value", entered.get("value") or None)
    elif kind in _ONE_CHOICE:
        _put(element, "initial_option", _offered(element, entered.get("selected_option")))
    elif kind == "external_select":
        _put(element, "initial_option", _option(entered.get("selected_option")))
    elif kind == "checkboxes":
        ticked = entered.get("selected_options")
        chosen = [_offered(element, o) for o in ticked] if isinstance(ticked, list) else []
        _put(element, "initial_options", [o for o in chosen if o] or None)
    elif kind == "datepicker":
        _put(element, "initial_date", entered.get("selected_date") or None)
    elif kind == "timepicker":
        _put(element, "initial_time", entered.get("selected_time") or None)


def _put(element: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        element.pop(key, None)
    else:
        element[key] = value


def _option(chosen: object) -> dict[str, Any] | None:
    if not isinstance(chosen, Mapping) or not isinstance(chosen.get("value"), str):
        return None
    text = chosen.get("text")
    if not isinstance(text, Mapping) or not isinstance(text.get("text"), str):
        return None
    return {"text": {"type": "plain_text", "text": text["text"]}, "value": chosen["value"]}


def _offered(element: Mapping[str, Any], chosen: object) -> dict[str, Any] | None:
    """Return the element's own option with the chosen value; Slack takes no other."""
    if not isinstance(chosen, Mapping):
        return None
    options = element.get("options")
    for option in options if isinstance(options, list) else ():
        if isinstance(option, dict) and option.get("value") == chosen.get("value"):
            return copy.deepcopy(option)
    return None


def with_notes(view: View, banner: str | None, notes: Mapping[str, str]) -> View:
    """Replace the banner and the notes under inputs; notes are plain text, the banner mrkdwn.

    A note for a field the form does not show joins the banner.
    """
    result = copy.deepcopy(view)
    kept = [
        block
        for block in _blocks(result)
        if not str(block.get("block_id", "")).startswith((BANNER_BLOCK, NOTE_BLOCK))
    ]
    shown = block_ids(result)
    placed: list[Block] = []
    for block in kept:
        placed.append(block)
        block_id = block.get("block_id")
        note = notes.get(base_block_id(block_id)) if isinstance(block_id, str) else None
        if block.get("type") == "input" and note:
            marked = context(escape(note))
            marked["block_id"] = f"{NOTE_BLOCK}{RENAMED}{base_block_id(str(block_id))}"
            placed.append(marked)
    unplaced = [escape(note) for field, note in notes.items() if note and field not in shown]
    lines = ([banner] if banner else []) + unplaced
    if lines:
        top = section("\n".join(lines))
        top["block_id"] = BANNER_BLOCK
        at = next((i + 1 for i, b in enumerate(placed) if b.get("type") == "header"), 0)
        placed.insert(at, top)
    result["blocks"] = fit(placed)
    return result


def fit(blocks: list[Block]) -> list[Block]:
    """Keep a form within Slack's 100 blocks, the person's entries and the notes kept.

    What only repeats the ticket goes first (the divider, then the summary, whose values the
    inputs show too); then empty inputs from the end; only then anything else from the end.
    The note at the end names the inputs left out.
    """
    for drop in (_is_divider, _is_summary):
        if len(blocks) > VIEW_BLOCK_LIMIT:
            blocks = [block for block in blocks if not drop(block)]
    if len(blocks) <= VIEW_BLOCK_LIMIT:
        return blocks

    more = next((b for b in blocks if b.get("block_id") == MORE_BLOCK), None)
    body = [block for block in blocks if block is not more]
    excess = len(body) + 1 - VIEW_BLOCK_LIMIT
    left_out: list[Block] = []
    for at in range(len(body) - 1, -1, -1):
        if excess <= 0:
            break
        following = body[at + 1] if at + 1 < len(body) else {}
        if _is_empty_input(body[at]) and not _is_note(following):
            left_out.insert(0, body.pop(at))
            excess -= 1
    if excess > 0:
        left_out = body[len(body) - excess :] + left_out
        body = body[: len(body) - excess]

    names = [_label(block) for block in left_out if block.get("type") == "input"]
    said = escape(form_texts.FORM_LEFT_OUT.format(fields=", ".join(names) or "–"))
    if more is None:
        body.append(context(said))
    else:
        element = more["elements"][0]
        element["text"] = cut(f"{element['text']}\n{said}", SECTION_LIMIT)
        body.append(more)
    return body


def _is_divider(block: Block) -> bool:
    return block.get("type") == "divider"


def _is_summary(block: Block) -> bool:
    return block.get("block_id") == SUMMARY_BLOCK


def _is_note(block: Block) -> bool:
    return str(block.get("block_id", "")).startswith(NOTE_BLOCK)


def _is_empty_input(block: Block) -> bool:
    """Tell whether an input shows nothing: no value of the ticket's, no entry of the person's."""
    element = block.get("element")
    if block.get("type") != "input" or not isinstance(element, Mapping):
        return False
    return not any(key.startswith("initial_") for key in element)


def _label(block: Block) -> str:
    label = block.get("label")
    text = label.get("text") if isinstance(label, Mapping) else None
    return shown_line(text if isinstance(text, str) else str(block.get("block_id")), 60)


def _blocks(view: Mapping[str, Any]) -> list[Block]:
    blocks = view.get("blocks")
    return [b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else []

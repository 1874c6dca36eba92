"""Build the modal views of the ticket form: the form itself, and the views around it.

Slack's view limits are enforced here: title, submit and close 24 characters, 100 blocks per
view, private_metadata 3000 characters. The inputs come from form_inputs, which enforces the
limits of each input.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.access import ALL
from bot.slack import form_fields as ff
from bot.slack import form_inputs as fi
from bot.slack import form_texts, texts
from bot.slack.blocks import context, header, section, ticket_name
from bot.slack.mrkdwn import cut, escape, inline
from bot.slack.ticket_facts import reply_age, ticket_url
from bot.tickets.fields import client_label
from bot.whmcs import Department, Ticket

Block = dict[str, Any]
CALLBACK_ID = "ticket_form"
REF_CALLBACK_ID = "ticket_form_ref"
RETRY_ACTION_ID = "form_retry"
OPEN_ACTION_ID = "open_in_whmcs"
REF_BLOCK_ID = "ref"
# The ticket's facts at the top of the form, and the note on custom fields left out of it.
SUMMARY_BLOCK = "form_summary"
MORE_BLOCK = "form_more"
TITLE_LIMIT = 24
VIEW_BLOCK_LIMIT = 100
METADATA_LIMIT = 3000
BUTTON_TEXT_LIMIT = 75
REF_LENGTH = 64


def _modal(
    callback_id: str, blocks: Sequence[Block], metadata: str = "", submit: str | None = None
) -> dict[str, Any]:
    """Wrap blocks into a modal; metadata longer than Slack's 3000 characters is refused."""
    if len(metadata) > METADATA_LIMIT:
        raise ValueError(f"private_metadata has {len(metadata)} characters; Slack takes 3000")
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": fi.plain_text(form_texts.FORM_TITLE, TITLE_LIMIT),
        "close": fi.plain_text(form_texts.FORM_CLOSE, TITLE_LIMIT),
        "blocks": list(blocks[:VIEW_BLOCK_LIMIT]),
    }
    if submit:
        view["submit"] = fi.plain_text(submit, TITLE_LIMIT)
    if metadata:
        view["private_metadata"] = metadata
    return view


def _has(allowed: Collection[str], action: str) -> bool:
    return ALL in allowed or action in allowed


def _summary(
    ticket: Ticket, flagged_name: str, timezone: ZoneInfo, admin_url: str, now: datetime | None
) -> Block:
    """Return the ticket's facts, with a button to its page in WHMCS."""
    department = ticket.deptname or form_texts.FORM_DEPARTMENT_ID.format(id=ticket.deptid)
    flag = texts.UNFLAGGED
    if ticket.flag > 0:
        flag = inline(flagged_name or form_texts.FORM_ADMIN_ID.format(id=ticket.flag), 100)
    when = inline(ticket.lastreply, 40) or "–"
    age = reply_age(ticket.lastreply, timezone, now)
    lines = [
        f"*{inline(ticket.subject or texts.NO_SUBJECT, 300)}*",
        form_texts.FORM_FROM.format(
            name=inline(ticket.name, 100) or "–", owner=client_label(ticket.userid)
        ),
        form_texts.FORM_DEPARTMENT.format(department=inline(department, 100)),
        form_texts.FORM_STATUS_PRIORITY.format(
            status=inline(ticket.status, 100) or "–", priority=inline(ticket.priority, 100) or "–"
        ),
        form_texts.FORM_FLAG.format(flag=flag),
        form_texts.FORM_LAST_REPLY_AGE.format(when=when, age=age)
        if age
        else form_texts.FORM_LAST_REPLY.format(when=when),
    ]
    block = section("\n".join(lines))
    block["block_id"] = SUMMARY_BLOCK
    url = ticket_url(admin_url, ticket.id)
    if url:
        block["accessory"] = {
            "type": "button",
            "action_id": OPEN_ACTION_ID,
            "text": fi.plain_text(form_texts.FORM_OPEN_IN_WHMCS, BUTTON_TEXT_LIMIT),
            "url": url,
        }
    return block


def _inputs(
    ticket: Ticket,
    statuses: Sequence[str],
    departments: Sequence[Department],
    allowed: Collection[str],
    actor_admin_id: int,
    flagged_name: str,
    timezone: ZoneInfo,
) -> list[Block]:
    """Return the inputs this person may use, in the order of the /ticket fields."""

    def may(block_id: str) -> bool:
        return ff.may_edit(block_id, allowed)

    inputs: list[Block | None] = []
    if may("subject"):
        inputs.append(fi.subject_input(ticket))
    if may("status"):
        inputs.append(fi.status_input(ticket, statuses))
    if may("priority"):
        inputs.append(fi.priority_input(ticket))
    if may("dept"):
        inputs.append(fi.dept_input(ticket, departments))
    if may("flag"):
        inputs.append(fi.flag_input(ticket, flagged_name, not _has(allowed, "flag_others")))
    unflag = "unflag_self" if ticket.flag == actor_admin_id else "unflag_others"
    if ticket.flag > 0 and _has(allowed, unflag):
        inputs.append(
            fi.unflag_input(flagged_name or form_texts.FORM_ADMIN_ID.format(id=ticket.flag))
        )
    if may("client"):
        inputs.append(fi.client_input(ticket))
    if may("name"):
        inputs.extend(fi.contact_inputs(ticket))
    if may("created_date"):
        inputs.extend(fi.created_inputs(ticket, timezone))
    if may("message"):
        inputs.append(fi.message_input(ticket))
    if may("markdown"):
        inputs.append(fi.markdown_input())
    if may("client_close"):
        inputs.append(fi.client_close_input())
    return [block for block in inputs if block is not None]


def _noted(blocks: Sequence[Block], marked: Mapping[str, str]) -> list[Block]:
    """Put each note in a context block under the input it is about."""
    noted: list[Block] = []
    for block in blocks:
        noted.append(block)
        note = marked.get(block.get("block_id", ""))
        if note:
            noted.append(context(escape(note)))
    return noted


def _fitting(
    customfields: Sequence[list[Block]], room: int, entered: Collection[str]
) -> list[list[Block]]:
    """Return the custom fields that fit in `room` blocks, in order: those filled in first."""
    room -= sum(len(group) for group in customfields if group[0]["block_id"] in entered)
    fitting = []
    for group in customfields:
        if group[0]["block_id"] in entered:
            fitting.append(group)
        elif len(group) <= room:
            fitting.append(group)
            room -= len(group)
        else:
            room = 0
    return fitting


def build_form_view(
    ticket: Ticket,
    statuses: Sequence[str],
    departments: Sequence[Department],
    allowed: Collection[str],
    actor_admin_id: int,
    flagged_name: str,
    timezone: ZoneInfo,
    customfield_labels: Mapping[int, str],
    metadata: str,
    admin_url: str,
    banner: str | None = None,
    marked: Mapping[str, str] | None = None,
    now: datetime | None = None,
    entered: Collection[str] = (),
) -> dict[str, Any]:
    """Return the ticket form: the ticket's summary and an input for each field one may change.

    Args:
        flagged_name: the name of the admin the ticket is flagged to; unused when unflagged.
        timezone: the WHMCS server's time zone; ticket dates are its wall-clock time.
        banner: mrkdwn shown above the summary, such as an error from the last save.
        marked: block id -> a plain-text note shown under that input.
        now: the current time, for the age of the last reply.
        entered: the custom fields (block ids) the person filled in: when not every custom
            field fits, these are shown before the others.
    """
    notes = dict(marked or {})
    inputs = _inputs(ticket, statuses, departments, allowed, actor_admin_id, flagged_name, timezone)
    customfields: list[list[Block]] = []
    if _has(allowed, ff.CUSTOMFIELD_ACTION):
        for field_id, label in customfield_labels.items():
            customfields.append(_noted([fi.customfield_input(field_id, label)], notes))
    shown = {b["block_id"] for b in inputs} | {g[0]["block_id"] for g in customfields}

    top = [header(form_texts.FORM_HEADER.format(ticket=ticket_name(ticket)))]
    if banner:
        top.append(section(banner))
    top.append(_summary(ticket, flagged_name, timezone, admin_url, now))
    unplaced = [escape(note) for block_id, note in notes.items() if note and block_id not in shown]
    if unplaced:
        top.append(context("\n".join(unplaced)))
    top.append({"type": "divider"})

    blocks = top + _noted(inputs, notes)
    fitting = _fitting(customfields, VIEW_BLOCK_LIMIT - len(blocks) - 1, entered)
    for group in fitting:
        blocks.extend(group)
    if len(fitting) < len(customfields):
        more = form_texts.FORM_MORE_CUSTOMFIELDS.format(
            count=len(customfields) - len(fitting), ticket=ticket.id
        )
        note = context(escape(more))
        note["block_id"] = MORE_BLOCK
        blocks.append(note)
    if _has(allowed, ff.CUSTOMFIELD_ACTION) and not customfield_labels:
        unlisted = form_texts.FORM_CUSTOMFIELDS_UNLISTED.format(ticket=ticket.id)
        blocks.append(context(escape(unlisted)))
    if not shown:
        blocks.append(context(form_texts.FORM_NOTHING_TO_CHANGE))
    return _modal(CALLBACK_ID, blocks, metadata, form_texts.FORM_SUBMIT if shown else None)


def build_loading_view(ref_label: str, metadata: str = "") -> dict[str, Any]:
    """Return the view shown while the ticket is read: `views.open` must not wait for WHMCS."""
    text = form_texts.FORM_LOADING.format(ref=inline(ref_label, 100))
    return _modal(CALLBACK_ID, [section(text)], metadata)


def build_saving_view(ticket_label: str, metadata: str = "") -> dict[str, Any]:
    """Return the view shown while a change is written to WHMCS."""
    text = form_texts.FORM_SAVING.format(ticket=inline(ticket_label, 100))
    return _modal(CALLBACK_ID, [section(text)], metadata)


def build_failed_view(
    message: str, hint: str, metadata: str, hint_is_mrkdwn: bool = False
) -> dict[str, Any]:
    """Return the view that states what went wrong, with a "Try again" button.

    Args:
        hint_is_mrkdwn: the hint is already escaped mrkdwn (it may carry mentions to keep).
    """
    text = form_texts.FORM_FAILED.format(message=inline(message, 1000))
    if hint.strip():
        text += "\n" + (cut(hint, 1500) if hint_is_mrkdwn else escape(hint))
    retry = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": RETRY_ACTION_ID,
                "text": fi.plain_text(form_texts.FORM_RETRY, BUTTON_TEXT_LIMIT),
            }
        ],
    }
    return _modal(CALLBACK_ID, [section(text), retry], metadata)


def _required(block: Block) -> Block:
    return {**block, "optional": False}


def build_ref_view(metadata: str) -> dict[str, Any]:
    """Return the view that asks which ticket to open: its id or ticket number."""
    element = {
        "type": "plain_text_input",
        "max_length": REF_LENGTH,
        "placeholder": fi.plain_text(form_texts.FORM_REF_PLACEHOLDER, fi.PLACEHOLDER_LIMIT),
    }
    block = fi.input_block(
        REF_BLOCK_ID, form_texts.FORM_REF_LABEL, element, form_texts.FORM_REF_HINT
    )
    return _modal(REF_CALLBACK_ID, [_required(block)], metadata, form_texts.FORM_REF_SUBMIT)


def build_pick_view(candidates: Sequence[str], metadata: str) -> dict[str, Any]:
    """Return the view that asks which of the tickets a message names to open."""
    refs = [ref for ref in dict.fromkeys(c.strip() for c in candidates) if ref]
    choices = [fi.option(ref, ref) for ref in refs if len(ref) <= fi.OPTION_VALUE_LIMIT]
    if not choices:
        return build_ref_view(metadata)
    element = {
        "type": "static_select",
        "placeholder": fi.plain_text(form_texts.FORM_PICK_PLACEHOLDER, fi.PLACEHOLDER_LIMIT),
        "options": choices[: fi.STATIC_OPTIONS_LIMIT],
    }
    block = fi.input_block(
        REF_BLOCK_ID, form_texts.FORM_PICK_LABEL, element, form_texts.FORM_PICK_HINT
    )
    return _modal(REF_CALLBACK_ID, [_required(block)], metadata, form_texts.FORM_REF_SUBMIT)

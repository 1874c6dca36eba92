"""Build a ticket's card: one channel message with the ticket's facts, buttons and menus.

Slack's limits are enforced here: header 150 characters, section text 3000, section field
2000, button text 75, button value 2000, confirm texts 100/300/30, option text 75, option value
150, 100 options per menu, 50 blocks per message. Text from WHMCS is escaped for mrkdwn; the
card carries no email address and no message body, as the whole channel sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.slack import card_values as cv
from bot.slack import form_texts, texts
from bot.slack.blocks import (
    Block,
    context,
    header,
    message,
    section,
    ticket_name,
    without_emails,
)
from bot.slack.card_values import CardValue, decode, encode
from bot.slack.form_inputs import plain_text
from bot.slack.mrkdwn import cut, inline
from bot.slack.ticket_facts import reply_age, ticket_url
from bot.tickets.fields import client_label, squash
from bot.tickets.hints import PRIORITIES
from bot.whmcs import Ticket

FIELD_LIMIT = 2000
BUTTON_TEXT_LIMIT = 75
OPTION_TEXT_LIMIT = 75
OPTIONS_LIMIT = 100
CONFIRM_TITLE_LIMIT = 100
CONFIRM_TEXT_LIMIT = 300
CONFIRM_BUTTON_LIMIT = 30
PLACEHOLDER_LIMIT = 150
SUBJECT_LIMIT = 300
VALUE_LIMIT = 100
BUTTONS_BLOCK = "card_buttons"
MENUS_BLOCK = "card_menus"
CLOSED = "Closed"
REOPENED = "Open"
_WHMCS_DATE = "%Y-%m-%d %H:%M:%S"
# Anything shaped like an email address: a card never shows one, even inside a name. A match
# starts only where a run of address characters starts, so a long run costs one pass, not one
# pass per character.


@dataclass(frozen=True)
class CardFacts:
    """What a card shows besides the ticket itself.

    Args:
        statuses: the status titles configured in WHMCS, in their order, for the status menu.
        flagged_name: the name of the admin the ticket is flagged to; empty when unknown.
        admin_url: WHMCS's admin area, for the link to the ticket.
        note: mrkdwn: the ticket's last change from Slack and who made it.
        editable: offer Edit, which opens the ticket form.
    """

    statuses: Sequence[str]
    flagged_name: str
    admin_url: str
    timezone: ZoneInfo
    note: str | None = None
    editable: bool = True
    footer: str | None = None
    now: datetime | None = None


def is_closed(ticket: Ticket) -> bool:
    """Tell whether a ticket is closed (its status is WHMCS's Closed)."""
    return squash(ticket.status) == squash(CLOSED)


def build_card(ticket: Ticket, facts: CardFacts) -> dict[str, Any]:
    """Return the card of a ticket as a message: facts, last change, buttons and menus."""
    name = ticket_name(ticket)
    subject = without_emails(ticket.subject) or texts.NO_SUBJECT
    blocks: list[Block] = [
        header(texts.CARD_TITLE.format(ticket=name)),
        _subject(ticket, subject, facts.admin_url),
        _facts(ticket, facts),
    ]
    if facts.note:
        blocks.append(context(facts.note))
    blocks.append(_buttons(ticket, facts.editable))
    blocks.append(_menus(ticket, facts.statuses))
    fallback = texts.CARD_FALLBACK.format(ticket=name, subject=" ".join(subject.split()))
    return message(blocks, fallback, facts.footer)


def _subject(ticket: Ticket, subject: str, admin_url: str) -> Block:
    """Return the subject, with a button that opens the ticket in WHMCS's admin area."""
    block = section(f"*{inline(subject, SUBJECT_LIMIT)}*")
    url = ticket_url(admin_url, ticket.id)
    if url:
        block["accessory"] = {
            "type": "button",
            "action_id": cv.OPEN_IN_WHMCS,
            "text": plain_text(texts.CARD_OPEN_IN_WHMCS, BUTTON_TEXT_LIMIT),
            "url": url,
        }
    return block


def _shown(text: str) -> str:
    return inline(without_emails(text), VALUE_LIMIT) or "–"


def _facts(ticket: Ticket, facts: CardFacts) -> Block:
    """Return the ticket's facts as a section's two-column fields."""
    department = ticket.deptname or form_texts.FORM_DEPARTMENT_ID.format(id=ticket.deptid)
    flag = texts.UNFLAGGED
    if ticket.flag > 0:
        flag = facts.flagged_name or form_texts.FORM_ADMIN_ID.format(id=ticket.flag)
    lines = [
        texts.CARD_FROM.format(name=_shown(ticket.name), owner=client_label(ticket.userid)),
        texts.CARD_DEPARTMENT.format(department=_shown(department)),
        texts.CARD_STATUS.format(status=_shown(ticket.status)),
        texts.CARD_PRIORITY.format(priority=_shown(ticket.priority)),
        texts.CARD_FLAG.format(flag=_shown(flag)),
        _last_reply(ticket.lastreply, facts.timezone, facts.now),
    ]
    return {
        "type": "section",
        "fields": [{"type": "mrkdwn", "text": cut(line, FIELD_LIMIT)} for line in lines],
    }


def _last_reply(lastreply: str, timezone: ZoneInfo, now: datetime | None) -> str:
    """Say how long ago the last reply was, and when in each reader's own time zone."""
    age = reply_age(lastreply, timezone, now)
    if age is None:
        return texts.CARD_LAST_REPLY.format(age=_shown(lastreply))
    then = datetime.strptime(lastreply.strip(), _WHMCS_DATE).replace(tzinfo=timezone)
    fallback = then.strftime("%Y-%m-%d %H:%M %Z")
    when = f"<!date^{int(then.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
    return texts.CARD_LAST_REPLY_AT.format(age=age, when=when)


def _button(text: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain_text(text, BUTTON_TEXT_LIMIT),
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _buttons(ticket: Ticket, editable: bool) -> Block:
    """Return Flag to me, Unflag, Close or Reopen, Edit and Refresh."""
    value = encode(CardValue(ticket.id))
    elements = [_button(texts.CARD_FLAG_ME, cv.FLAG_ME, value, "primary")]
    if ticket.flag > 0:
        elements.append(_button(texts.CARD_UNFLAG, cv.UNFLAG, value))
    if is_closed(ticket):
        elements.append(_button(texts.CARD_REOPEN, cv.REOPEN, value))
    else:
        close = _button(texts.CARD_CLOSE, cv.CLOSE, value)
        close["confirm"] = _close_confirm(ticket)
        elements.append(close)
    if editable:
        elements.append(_button(texts.CARD_EDIT, cv.EDIT, value))
    elements.append(_button(texts.CARD_REFRESH, cv.REFRESH, value))
    return {"type": "actions", "block_id": BUTTONS_BLOCK, "elements": elements}


def _close_confirm(ticket: Ticket) -> Block:
    """Ask before closing: WHMCS runs its close actions, and a misclick shows in the channel."""
    text = texts.CARD_CLOSE_CONFIRM.format(ticket=ticket_name(ticket), status=CLOSED)
    return {
        "title": plain_text(texts.CARD_CLOSE_CONFIRM_TITLE, CONFIRM_TITLE_LIMIT),
        "text": plain_text(text, CONFIRM_TEXT_LIMIT),
        "confirm": plain_text(texts.CARD_CLOSE_CONFIRM_YES, CONFIRM_BUTTON_LIMIT),
        "deny": plain_text(texts.CARD_CLOSE_CONFIRM_NO, CONFIRM_BUTTON_LIMIT),
    }


def _options(ticket_id: int, choices: Sequence[str]) -> list[Block]:
    """Return menu options whose values name the ticket and the choice; at most 100.

    A choice whose value would not fit in Slack's 150 characters is left out rather than cut,
    as a cut value would pick something else.
    """
    options: list[Block] = []
    seen: set[str] = set()
    for choice in choices:
        value = encode(CardValue(ticket_id, choice))
        if not choice.strip() or choice in seen or len(value) > cv.OPTION_VALUE_LIMIT:
            continue
        seen.add(choice)
        text = plain_text(" ".join(choice.split()), OPTION_TEXT_LIMIT)
        options.append({"text": text, "value": value})
    return options[:OPTIONS_LIMIT]


def _choice(option: Block) -> str | None:
    value = decode(option["value"])
    return value.choice if value else None


def _menu(action_id: str, placeholder: str, options: list[Block], current: str) -> Block:
    menu: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain_text(placeholder, PLACEHOLDER_LIMIT),
        "options": options,
    }
    picked = [o for o in options if _choice(o) == current]
    if picked:
        menu["initial_option"] = picked[0]
    return menu


def _menus(ticket: Ticket, statuses: Sequence[str]) -> Block:
    """Return the status menu (WHMCS's live statuses) and the priority menu."""
    titles = list(statuses)
    if ticket.status and ticket.status not in titles:
        titles.insert(0, ticket.status)
    elements = []
    status_options = _options(ticket.id, titles)
    if status_options:
        elements.append(
            _menu(cv.STATUS, texts.CARD_STATUS_PLACEHOLDER, status_options, ticket.status)
        )
    elements.append(
        _menu(
            cv.PRIORITY,
            texts.CARD_PRIORITY_PLACEHOLDER,
            _options(ticket.id, PRIORITIES),
            ticket.priority,
        )
    )
    return {"type": "actions", "block_id": MENUS_BLOCK, "elements": elements}

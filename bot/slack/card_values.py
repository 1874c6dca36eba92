"""The action ids of a ticket card's buttons and menus, and the values they carry.

Each value names its ticket, so a card keeps working after the bot restarts or is upgraded:
nothing about a card is kept in memory. Values are compact JSON; keys this version does not
know are ignored, and a bare ticket id is read as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.tickets.refs import MAX_TICKET_ID

FLAG_ME = "card_flag_me"
UNFLAG = "card_unflag"
CLOSE = "card_close"
REOPEN = "card_reopen"
STATUS = "card_status"
PRIORITY = "card_priority"
EDIT = "card_edit"
REFRESH = "card_refresh"
TAKE_OVER = "card_take_over"
OPEN_IN_WHMCS = "card_open_in_whmcs"
# The clicks that change the ticket.
CHANGES = (FLAG_ME, UNFLAG, CLOSE, REOPEN, STATUS, PRIORITY, TAKE_OVER)
ALL = (*CHANGES, EDIT, REFRESH)

# Slack: a button's value holds at most 2000 characters, an option's value at most 150.
BUTTON_VALUE_LIMIT = 2000
OPTION_VALUE_LIMIT = 150
_DIGITS = re.compile(r"[0-9]{1,10}")
_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")
_CHANNEL = re.compile(r"[CDG][A-Z0-9]{2,}")


@dataclass(frozen=True)
class CardValue:
    """What one button or menu option of a card says.

    Args:
        choice: the status or priority a menu option picks; empty for buttons.
        flagged: for "Take it over", the admin the ticket was flagged to when the person was asked.
        channel, card_ts: for "Take it over", the card the question was about.
    """

    ticket_id: int
    choice: str = ""
    flagged: int | None = None
    channel: str | None = None
    card_ts: str | None = None


def encode(value: CardValue) -> str:
    """Write a card value as compact JSON, leaving out what it does not carry."""
    fields: dict[str, object] = {"t": value.ticket_id}
    if value.choice:
        fields["c"] = value.choice
    if value.flagged is not None:
        fields["f"] = value.flagged
    if value.channel and value.card_ts:
        fields["ch"], fields["ts"] = value.channel, value.card_ts
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def decode(text: object) -> CardValue | None:
    """Read a card value; None when it names no ticket."""
    if not isinstance(text, str):
        return None
    if _DIGITS.fullmatch(text):
        return _valued(int(text))
    try:
        fields = json.loads(text)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    ticket_id = fields.get("t")
    if not isinstance(ticket_id, int) or isinstance(ticket_id, bool):
        return None
    if _valued(ticket_id) is None:
        return None
    choice = fields.get("c")
    flagged = fields.get("f")
    card: tuple[str | None, str | None] = (None, None)
    channel, card_ts = fields.get("ch"), fields.get("ts")
    if isinstance(channel, str) and isinstance(card_ts, str) and _CHANNEL.fullmatch(channel):
        card = (channel, card_ts) if _TS.fullmatch(card_ts) else card
    return CardValue(
        ticket_id,
        choice if isinstance(choice, str) else "",
        flagged if isinstance(flagged, int) and not isinstance(flagged, bool) else None,
        *card,
    )


def _valued(ticket_id: int) -> CardValue | None:
    return CardValue(ticket_id) if 0 < ticket_id <= MAX_TICKET_ID else None

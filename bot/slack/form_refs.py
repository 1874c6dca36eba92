"""Find the tickets a Slack message mentions, for the "Update ticket" message shortcut."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qs

from bot.tickets.refs import parse_ticket_ref

# Every pattern here runs in time linear in the text: each run of characters is taken whole
# (possessive `*+`, `++`) and never handed back, so a 40,000-character run of digits or spaces
# costs one pass, not one pass per character.
# A ticket number with its "#": not part of a word, a URL fragment, an entity (`&#39;`) or a
# Slack channel link (`<#C0123|general>`); it must hold a digit, so `#general` is no ticket.
_NUMBER = re.compile(r"(?<![\w#&<])#([A-Za-z0-9_-]++)(?![\w#-])")
# A page of WHMCS's admin area (`supporttickets.php?action=view&id=42`) or client area
# (`viewticket.php?tid=ABC-123456&c=...`).
_PAGE = re.compile(r"\b(supporttickets|viewticket)\.php\?([^\s<>|\"']*)", re.IGNORECASE)
# "ticket 42", "Ticket: 42", "ticket id 42", "ticket no. 42".
_WORD = re.compile(
    r"\bticket\s*+(?:(?:id|no\.?|number)\s*+)?[:=]?\s*+([0-9]{1,10}+)(?![\w-])", re.IGNORECASE
)
_DIGIT = re.compile(r"[0-9]")
_ATTACHMENT_FIELDS = ("pretext", "title", "title_link", "text", "fallback", "from_url")
MAX_REFS = 25
# A message shortcut is acked within Slack's 3 seconds: read at most this much of a message.
TEXT_LIMIT = 10_000


def message_text(message: Mapping[str, Any]) -> str:
    """Return the text of a message and of its attachments (WHMCS's own notifications use them)."""
    parts = [message.get("text")]
    attachments = message.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else ():
        if isinstance(attachment, Mapping):
            parts.extend(attachment.get(name) for name in _ATTACHMENT_FIELDS)
    return "\n".join(part for part in parts if isinstance(part, str))


def _from_pages(text: str) -> Iterable[tuple[int, str]]:
    for match in _PAGE.finditer(text):
        query = parse_qs(match[2].replace("&amp;", "&"))
        if match[1].lower() == "supporttickets":
            if query.get("action", ["view"])[0].lower() != "view":
                continue
            value = query.get("id", [""])[0]
            ref = value if value.isdigit() and value.isascii() else ""
        else:
            value = query.get("tid", [""])[0]
            ref = f"#{value}" if value else ""
        if ref and parse_ticket_ref(ref) is not None:
            yield match.start(), ref


def _inside(position: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Tell whether a position falls in one of these sorted, non-overlapping spans."""
    at = bisect_right(spans, (position, TEXT_LIMIT + 1)) - 1
    return at >= 0 and position < spans[at][1]


def refs_in_message(text: str) -> list[str]:
    """Return the ticket references a message's text names, in order, each once.

    A ticket number is written `#ABC-123456`; a link into WHMCS names a ticket by id (admin
    area) or ticket number (client area); a bare number counts only after the word "ticket".
    Only the first TEXT_LIMIT characters are read.
    """
    text = text[:TEXT_LIMIT]
    found: list[tuple[int, str]] = []
    found.extend(_from_pages(text))
    pages = [match.span() for match in _PAGE.finditer(text)]
    for match in _NUMBER.finditer(text):
        number = match[1]
        if not _DIGIT.search(number) or _inside(match.start(), pages):
            continue
        if parse_ticket_ref(f"#{number}") is not None:
            found.append((match.start(), f"#{number}"))
    for match in _WORD.finditer(text):
        if parse_ticket_ref(match[1]) is not None:
            found.append((match.start(), match[1]))
    refs = dict.fromkeys(ref for _, ref in sorted(found))
    return list(refs)[:MAX_REFS]

"""Find the tickets a Slack message mentions, for the "Update ticket" message shortcut."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs

from bot.tickets.refs import parse_ticket_ref

# A ticket number with its "#": not part of a word, a URL fragment, an entity (`&#39;`) or a
# Slack channel link (`<#C0123|general>`), and with a digit, so `#general` is no ticket.
_NUMBER = re.compile(r"(?<![\w#&<])#([A-Za-z0-9_-]*[0-9][A-Za-z0-9_-]*)(?![\w#-])")
# A page of WHMCS's admin area (`supporttickets.php?action=view&id=42`) or client area
# (`viewticket.php?tid=ABC-123456&c=...`).
_PAGE = re.compile(r"\b(supporttickets|viewticket)\.php\?([^\s<>|\"']*)", re.IGNORECASE)
# "ticket 42", "Ticket: 42", "ticket id 42", "ticket no. 42".
_WORD = re.compile(
    r"\bticket\s*(?:(?:id|no\.?|number)\s*)?[:=]?\s*([0-9]{1,10})(?![\w-])", re.IGNORECASE
)
_ATTACHMENT_FIELDS = ("pretext", "title", "title_link", "text", "fallback", "from_url")
MAX_REFS = 25


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


def refs_in_message(text: str) -> list[str]:
    """Return the ticket references a message's text names, in order, each once.

    A ticket number is written `#ABC-123456`; a link into WHMCS names a ticket by id (admin
    area) or ticket number (client area); a bare number counts only after the word "ticket".
    """
    found: list[tuple[int, str]] = []
    found.extend(_from_pages(text))
    pages = [match.span() for match in _PAGE.finditer(text)]
    for match in _NUMBER.finditer(text):
        inside_link = any(start <= match.start() < end for start, end in pages)
        if not inside_link and parse_ticket_ref(f"#{match[1]}") is not None:
            found.append((match.start(), f"#{match[1]}"))
    for match in _WORD.finditer(text):
        if parse_ticket_ref(match[1]) is not None:
            found.append((match.start(), match[1]))
    refs = dict.fromkeys(ref for _, ref in sorted(found))
    return list(refs)[:MAX_REFS]

"""Ticket references as staff type them: an internal ticket id or a public ticket number."""

import logging
import re
from dataclasses import dataclass

log = logging.getLogger(__name__)

# WHMCS stores ticket ids in a signed 32-bit INT column.
MAX_TICKET_ID = 2**31 - 1
MAX_TICKET_NUMBER_LENGTH = 32

_TICKET_NUMBER = re.compile(r"[A-Za-z0-9_-]{1,32}")  # MAX_TICKET_NUMBER_LENGTH
_DIGITS = re.compile(r"[0-9]+")
_ANY_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True)
class TicketRef:
    """Point at one ticket by internal id, by public ticket number, or by either one.

    A bare number such as `42` carries both: old installs use all-digit ticket numbers, so
    the domain decides which one it names.
    """

    text: str
    ticket_id: int | None
    ticket_number: str | None

    @property
    def label(self) -> str:
        """Return the reference as staff write it: 42 for an id, #ABC-123456 for a number."""
        if self.ticket_id is not None:
            return str(self.ticket_id)
        if self.ticket_number is not None:
            return f"#{self.ticket_number}"
        return self.text


def parse_ticket_ref(text: str) -> TicketRef | None:
    """Read one ticket reference, or return None when the text is not one."""
    if text.startswith("#"):
        if _TICKET_NUMBER.fullmatch(text[1:]):
            return TicketRef(text=text, ticket_id=None, ticket_number=text[1:])
        return None

    if _DIGITS.fullmatch(text):
        ticket_id = _ticket_id(text)
        number = text if len(text) <= MAX_TICKET_NUMBER_LENGTH else None
        if ticket_id is None and number is None:
            return None
        return TicketRef(text=text, ticket_id=ticket_id, ticket_number=number)

    # Without a leading "#" a ticket number needs a digit, so words are never references.
    if _TICKET_NUMBER.fullmatch(text) and _ANY_DIGIT.search(text):
        return TicketRef(text=text, ticket_id=None, ticket_number=text)
    return None


def _ticket_id(digits: str) -> int | None:
    """Return the ticket id that a string of digits names, if it can name one."""
    # A leading zero only appears in all-digit ticket numbers of old installs, never in an id.
    if digits.startswith("0") or len(digits) > len(str(MAX_TICKET_ID)):
        return None
    ticket_id = int(digits)
    return ticket_id if ticket_id <= MAX_TICKET_ID else None

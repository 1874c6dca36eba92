"""Read typed values: email addresses, creation dates, and text fit to store in WHMCS."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# The shape PHP's FILTER_VALIDATE_EMAIL (which WHMCS uses) accepts, for ASCII addresses.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}")
# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what people read.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\r\n\t\u2028\u2029]")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
WHMCS_DATE = "%Y-%m-%d %H:%M:%S"
EARLIEST_YEAR = 1990


def is_email(text: str) -> bool:
    """Tell whether text is one plain email address."""
    return EMAIL.fullmatch(text) is not None


def email_list(text: str) -> list[str] | None:
    """Split a cc list on commas, semicolons or spaces; None when any part is no address."""
    addresses = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    if not addresses or not all(is_email(address) for address in addresses):
        return None
    return addresses


def text_problem(text: str, multiline: bool) -> str | None:
    """Say what makes text unfit to store, or None when it is fine."""
    if _CONTROL.search(text):
        return "control"
    if not multiline and _LINE_BREAK.search(text):
        return "multiline"
    if not text.strip(_INVISIBLE + " \t\r\n"):
        return "empty"
    return None


def same_text(before: str, after: str) -> bool:
    """Compare two texts as a person would: runs of white space count as one space."""
    return " ".join(before.split()) == " ".join(after.split())


def parse_created(value: str, zone: ZoneInfo) -> datetime | None:
    """Read a creation date as WHMCS server wall-clock time; an offset is converted, then dropped.

    Returns None for text that is no date, a year before 1990, or a wall-clock time that does
    not exist in the server's zone (the hour skipped when clocks go forward).
    """
    text = value.strip()
    parsed = None
    for layout in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, layout)
            break
        except ValueError:
            pass
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.year < EARLIEST_YEAR:
        return None
    try:
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(zone).replace(tzinfo=None)
        elif not _exists(parsed, zone):
            return None
    except (OverflowError, ValueError):
        return None
    return parsed.replace(microsecond=0)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Tell whether a wall-clock time happens in a zone (not skipped by a clock change)."""
    there = wall.replace(tzinfo=zone)
    back = there.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return back == wall


def is_future(created: datetime, now: datetime) -> bool:
    """Tell whether a server wall-clock time may be in the future for WHMCS.

    The last minute counts as future too: if this host's clock runs ahead of WHMCS's, WHMCS
    would refuse the date after it had already written the department and priority.
    """
    return created > now - timedelta(minutes=1)

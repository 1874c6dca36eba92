"""Compare WHMCS_TIMEZONE with WHMCS's newest ticket: a ticket from the future means a wrong zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.check import texts
from bot.check.report import Report
from bot.whmcs import Ticket, TicketPage

# WHMCS dates are server-local wall-clock times with no zone.
WHMCS_DATE = "%Y-%m-%d %H:%M:%S"
SHOWN_DATE = "%Y-%m-%d %H:%M"
# Clocks drift and a ticket may change while the check runs; more than this is a zone mistake.
AHEAD_TOLERANCE = timedelta(minutes=5)


def check_clock(
    page: TicketPage | None, zone: ZoneInfo, report: Report, now: datetime | None = None
) -> None:
    """Show now in WHMCS_TIMEZONE beside the newest ticket's time; warn if that is ahead of now."""
    if page is None:
        return  # GetTickets failed, and a line already says why.

    here = (now or datetime.now(UTC)).astimezone(zone)
    shown_now = here.strftime(SHOWN_DATE)
    newest = _newest(page.tickets)
    if newest is None:
        report.ok(texts.TIMEZONE_NO_TICKET.format(zone=zone.key, now=shown_now))
        return

    ticket, changed = newest
    changed = changed.replace(tzinfo=zone)
    name = f"#{ticket.tid} (id {ticket.id})"
    shown = changed.strftime(SHOWN_DATE)
    ahead = changed - here
    if ahead > AHEAD_TOLERANCE:
        report.warn(
            texts.TIMEZONE_AHEAD.format(
                zone=zone.key, ticket=name, newest=shown, ahead=_duration(ahead), now=shown_now
            )
        )
    else:
        report.ok(texts.TIMEZONE_OK.format(zone=zone.key, now=shown_now, ticket=name, newest=shown))


def _newest(tickets: tuple[Ticket, ...]) -> tuple[Ticket, datetime] | None:
    """Return the first ticket with a readable last reply (or opening) time, and that time."""
    for ticket in tickets:
        for stamp in (ticket.lastreply, ticket.date):
            try:
                return ticket, datetime.strptime(stamp.strip()[:19], WHMCS_DATE)
            except ValueError:
                continue
    return None


def _duration(span: timedelta) -> str:
    """Return a span as hours and minutes, e.g. `3 h 05 min`."""
    minutes = int(span.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"

"""Facts about a ticket that the form and the card both show: its WHMCS link, its reply age."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.slack import form_texts

URL_LIMIT = 3000
_WHMCS_DATE = "%Y-%m-%d %H:%M:%S"


def ticket_url(admin_url: str, ticket_id: int) -> str | None:
    """Return the ticket's page in the WHMCS admin area, or None without a usable admin URL."""
    base = admin_url.strip()
    if not base.startswith(("https://", "http://")):
        return None
    if not base.endswith("/"):
        base += "/"
    url = f"{base}supporttickets.php?action=view&id={ticket_id}"
    return url if len(url) <= URL_LIMIT else None


def reply_age(lastreply: str, timezone: ZoneInfo, now: datetime | None = None) -> str | None:
    """Say how long ago a WHMCS server time was ("3 hours ago"), or None for no date."""
    try:
        then = datetime.strptime(lastreply.strip(), _WHMCS_DATE)
    except ValueError:
        return None
    moment = now or datetime.now(timezone)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone).replace(tzinfo=None)
    seconds = (moment - then).total_seconds()
    if seconds < 60:
        return form_texts.FORM_JUST_NOW
    minutes = int(seconds // 60)
    if minutes < 60:
        return _ago("minutes", minutes)
    if minutes < 48 * 60:
        return _ago("hours", minutes // 60)
    return _ago("days", minutes // (24 * 60))


def _ago(unit: str, count: int) -> str:
    if count == 1:
        return form_texts.FORM_ONE_AGO[unit]
    words = {"minutes": form_texts.FORM_MINUTES_AGO, "hours": form_texts.FORM_HOURS_AGO}
    return words.get(unit, form_texts.FORM_DAYS_AGO).format(count=count)

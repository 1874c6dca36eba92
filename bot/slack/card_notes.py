"""Say in one line what changed on a ticket and who changed it, for a card and its thread.

The lines are mrkdwn: values from WHMCS are escaped, and contact details and the opening
message are named without their values, as a card is seen by the whole channel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime

from bot.config import SLACK_USER_ID
from bot.slack import texts
from bot.slack.access_blocks import PRIVATE_LABELS
from bot.slack.blocks import without_emails
from bot.slack.mrkdwn import escape, inline
from bot.store import AuditEntry, Change, Store
from bot.tickets.result import UpdateResult

log = logging.getLogger(__name__)

# Outcomes of the record after which a ticket really changed.
CHANGED_OUTCOMES = ("done", "partial")
# How far back to look in the record for who set a value.
LOOKBACK = 50
VALUE_LIMIT = 100
_AUDIT_TIME = "%Y-%m-%dT%H:%M:%SZ"


def mention(slack_user: str) -> str:
    """Return a mention of a Slack user id; anything else is shown as escaped text."""
    return f"<@{slack_user}>" if SLACK_USER_ID.fullmatch(slack_user) else escape(slack_user)


def changes_of(result: UpdateResult) -> tuple[Change, ...]:
    """Return what an update changed, as the record names it."""
    return tuple(Change(f.label, f.before, f.after) for f in result.changed_fields)


def change_phrase(change: Change) -> str:
    """Say what one change did: "Flagged to Alice Admin", "Status set to Closed"."""
    label, after = change.field, inline(without_emails(change.after), VALUE_LIMIT)
    if label in PRIVATE_LABELS:
        return texts.CARD_FIELD_CHANGED.format(field=escape(label))
    if label == "Flag":
        if change.after == texts.UNFLAGGED:
            return texts.CARD_UNFLAGGED
        return texts.CARD_FLAGGED_TO.format(admin=after)
    if label == "Department":
        return texts.CARD_MOVED.format(department=after)
    if label in ("Status", "Priority"):
        return texts.CARD_SET.format(field=label, value=after)
    return texts.CARD_FIELD_CHANGED.format(field=escape(label))


def note(changes: Sequence[Change], user: str, at: str | None = None) -> str | None:
    """Return the card's line on its last change and who made it; None when nothing changed.

    Args:
        at: when, as the record writes it (UTC ISO 8601); shown in each reader's own time.
    """
    if not changes:
        return None
    phrases = "; ".join(change_phrase(change) for change in changes)
    when = _slack_date(at) if at else None
    if when is None:
        return texts.CARD_BY.format(changes=phrases, user=mention(user))
    return texts.CARD_BY_AT.format(changes=phrases, user=mention(user), when=when)


def thread_line(change: Change, user: str) -> str:
    """Return the line threaded under a card for one change: what, who, and what it was."""
    line = texts.CARD_BY.format(changes=change_phrase(change), user=mention(user))
    if change.before is None or change.field in PRIVATE_LABELS:
        return line
    before = inline(without_emails(change.before), VALUE_LIMIT)
    return texts.CARD_WAS.format(line=line, before=before)


def last_change(store: Store, ticket_id: int) -> AuditEntry | None:
    """Return the newest change to a ticket made from Slack, or None."""
    for entry in _recent(store, ticket_id):
        if entry.outcome in CHANGED_OUTCOMES and entry.changes:
            return entry
    return None


def setter(store: Store, ticket_id: int, label: str, value: str) -> str | None:
    """Return the Slack user who last set a field to the value it has now, if done from Slack."""
    for entry in _recent(store, ticket_id):
        if entry.outcome not in CHANGED_OUTCOMES:
            continue
        for change in entry.changes:
            if change.field == label:
                return entry.slack_user if change.after == value else None
    return None


def _recent(store: Store, ticket_id: int) -> list[AuditEntry]:
    try:
        return store.entries(ticket_id=ticket_id, limit=LOOKBACK)
    except Exception:
        # NOTE: the record only adds who did what; a card is still shown without it.
        log.exception("could not read the audit record of ticket=%s", ticket_id)
        return []


def _slack_date(at: str) -> str | None:
    """Return a Slack date that each reader sees in their own time zone, or None."""
    try:
        moment = datetime.strptime(at, _AUDIT_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"

"""Turn a ticket into its card, with WHMCS's live statuses and the last change made from Slack."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from bot.slack import card_notes
from bot.slack.card_blocks import CardFacts, build_card
from bot.slack.card_deps import CardDeps
from bot.whmcs import Ticket, WhmcsError

log = logging.getLogger(__name__)


class CardRenderer:
    """Build the card message of a ticket already read from WHMCS."""

    def __init__(self, deps: CardDeps) -> None:
        self.deps = deps

    def card(self, ticket: Ticket, note: str | None = None) -> dict[str, Any]:
        """Return the card; without `note`, it names the last change recorded from Slack."""
        deps = self.deps
        catalog = deps.answers.service.catalog
        try:
            statuses = [status.title for status in catalog.statuses.get()]
        except WhmcsError as error:
            # The menu then offers the current status only; the buttons still work.
            log.warning(
                "card of ticket=%s without WHMCS's statuses: %s", ticket.id, type(error).__name__
            )
            statuses = []
        flagged = ""
        if ticket.flag > 0:
            try:
                admin = catalog.admin(ticket.flag)
            except WhmcsError:
                admin = None
            flagged = admin.full_name if admin else ""
        if not ticket.deptname:
            # GetTickets entries carry the department's id only.
            ticket = replace(ticket, deptname=catalog.department_name(ticket.deptid) or "")
        facts = CardFacts(
            statuses,
            flagged,
            deps.admin_url,
            deps.timezone,
            note if note is not None else self.stored_note(ticket.id),
            editable=deps.form is not None,
            footer=deps.footer,
        )
        return build_card(ticket, facts)

    def stored_note(self, ticket_id: int) -> str | None:
        """Return the line on the ticket's last change from Slack, from the audit record."""
        entry = card_notes.last_change(self.deps.answers.store, ticket_id)
        if entry is None:
            return None
        return card_notes.note(entry.changes, entry.slack_user, entry.at)

"""Resolve a ticket reference, apply an update, and say what really happened."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets import hints
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import TicketRef, UpdateRequest
from bot.tickets.problems import problem_from_error
from bot.tickets.result import FieldResult, Outcome, Problem, ProblemKind, ShowResult, UpdateResult
from bot.tickets.validate import Context, admin_label, plan_update
from bot.whmcs import (
    Admin,
    Ticket,
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsClient,
    WhmcsError,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)

log = logging.getLogger(__name__)


class RefusedError(Exception):
    """A request cannot go ahead; carries the problems to show."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__(problems[0].message if problems else "refused")
        self.problems = problems


def ticket_label(ticket: Ticket) -> str:
    """Name a ticket as staff see it: its public number and internal id."""
    return f"#{ticket.tid} (id {ticket.id})"


class TicketService:
    """Read and update WHMCS tickets on behalf of a linked admin."""

    def __init__(
        self,
        client: WhmcsClient,
        catalog: Catalog,
        timezone: ZoneInfo,
        admin_for_slack_user: Callable[[str], int | None],
        now: Callable[[ZoneInfo], datetime] = datetime.now,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.timezone = timezone
        self.admin_for_slack_user = admin_for_slack_user
        self.now = now

    def _lookup(self, **key: int | str) -> Ticket | None:
        try:
            return self.client.get_ticket(**key)  # type: ignore[arg-type]
        except WhmcsApiError as error:
            if error.message.casefold() == hints.TICKET_NOT_FOUND.casefold():
                return None
            raise

    def resolve(self, ref: TicketRef) -> tuple[Ticket, str | None]:
        """Find the ticket a reference names; a bare number may be an id or a ticket number."""
        by_id = self._lookup(ticket_id=ref.ticket_id) if ref.ticket_id is not None else None
        by_number = None
        if ref.ticket_number is not None:
            by_number = self._lookup(ticket_number=ref.ticket_number)
        if by_id and by_number and by_id.id != by_number.id:
            message = hints.ambiguous_ref(ref.text, ticket_label(by_id), ticket_label(by_number))
            raise RefusedError(Problem("Ambiguous ticket reference", message))
        if by_id:
            return by_id, None
        if by_number:
            notice = None
            if ref.ticket_id is not None:
                notice = hints.used_ticket_number(ref.text, ticket_label(by_number))
            return by_number, notice
        raise RefusedError(Problem(hints.TICKET_NOT_FOUND, hints.ticket_not_found(ref.label)))

    def show(self, ref: TicketRef) -> ShowResult:
        """Read a ticket for display."""
        try:
            ticket, notice = self.resolve(ref)
        except RefusedError as refused:
            return ShowResult(problems=refused.problems)
        except WhmcsError as error:
            return ShowResult(problems=(problem_from_error(error),))
        try:
            flagged_to = admin_label(self.catalog, ticket.flag)
        except WhmcsError:
            flagged_to = f"admin {ticket.flag}"
        return ShowResult(ticket=ticket, notice=notice, flagged_to=flagged_to)

    def actor(self, admin_id: int) -> Admin:
        """Return the enabled WHMCS admin a Slack user is linked to, or refuse."""
        admin = self.catalog.admin(admin_id)
        if admin is None:
            raise RefusedError(
                Problem(
                    f"WHMCS admin {admin_id} is missing or disabled",
                    "Your Slack account is linked to a WHMCS admin that no longer exists or is "
                    "disabled. Ask whoever runs ticketbot to update [users] in ticketbot.toml.",
                    ProblemKind.NOT_LINKED,
                )
            )
        return admin

    def update(self, request: UpdateRequest, admin_id: int) -> UpdateResult:
        """Check and apply an update for the admin a Slack user is linked to."""
        try:
            actor = self.actor(admin_id)
        except RefusedError as refused:
            return UpdateResult(Outcome.REFUSED, problems=refused.problems)
        except WhmcsError as error:
            return UpdateResult(Outcome.REFUSED, problems=(problem_from_error(error),))
        return replace(self._update(request, actor), actor=actor.full_name)

    def _update(self, request: UpdateRequest, actor: Admin) -> UpdateResult:
        try:
            ticket, notice = self.resolve(request.ref)
            context = Context(
                self.catalog, actor, self.timezone, self.admin_for_slack_user, self.now
            )
            plan = plan_update(ticket, request.changes, context)
        except RefusedError as refused:
            return UpdateResult(Outcome.REFUSED, problems=refused.problems)
        except WhmcsError as error:
            return UpdateResult(Outcome.REFUSED, problems=(problem_from_error(error),))
        fields = tuple(plan.fields)
        if plan.problems:
            return UpdateResult(Outcome.REFUSED, ticket, fields, tuple(plan.problems), notice)
        if not plan.params:
            return UpdateResult(Outcome.NO_CHANGE, ticket, fields, notice=notice)
        return self._write(ticket, fields, plan.params, notice, actor)

    def _write(
        self,
        ticket: Ticket,
        fields: tuple[FieldResult, ...],
        params: dict[str, str],
        notice: str | None,
        actor: Admin,
    ) -> UpdateResult:
        """Send UpdateTicket once; after an unclear answer, read the ticket back."""
        changed = ",".join(f.field for f in fields if f.changed)
        try:
            self.client.update_ticket(ticket.id, params)
        except WhmcsUnknownOutcome as error:
            log.warning(
                "ticket=%s update answer unusable (%s): reading it back", ticket.id, error.reason
            )
            return self._read_back(ticket, fields, notice, error.reason)
        except WhmcsApiError as error:
            # NOTE: WHMCS writes department and priority before later checks fail.
            readback = self._read_back(ticket, fields, notice, None)
            problem = problem_from_error(error)
            outcome = Outcome.PARTIAL if readback.changed_fields else Outcome.REFUSED
            return UpdateResult(outcome, ticket, readback.fields, (problem,), notice)
        except (WhmcsAccessError, WhmcsUnreachable) as error:
            return UpdateResult(
                Outcome.REFUSED, ticket, fields, (problem_from_error(error),), notice
            )
        log.info("ticket=%s admin=%s changed %s", ticket.id, actor.id, changed)
        return UpdateResult(Outcome.DONE, ticket, fields, notice=notice)

    def _read_back(
        self,
        ticket: Ticket,
        fields: tuple[FieldResult, ...],
        notice: str | None,
        reason: str | None,
    ) -> UpdateResult:
        """Compare the ticket as it is now with what was asked, field by field."""
        try:
            now = self.client.get_ticket(ticket_id=ticket.id)
        except WhmcsError as error:
            log.warning("ticket=%s read-back failed: %s", ticket.id, type(error).__name__)
            return UpdateResult(Outcome.UNKNOWN, ticket, fields, notice=notice, reason=reason)
        observed = tuple(self._observe(change, ticket, now) for change in fields)
        changed = [f for f in observed if f.changed]
        wanted = [f for f in fields if f.changed]
        if reason is None:
            outcome = Outcome.PARTIAL if changed else Outcome.REFUSED
        elif len(changed) == len(wanted) and all(f.readable for f in wanted):
            outcome = Outcome.DONE
        elif not changed and all(f.readable for f in wanted):
            outcome = Outcome.REFUSED
        else:
            outcome = Outcome.UNKNOWN
        problems: tuple[Problem, ...] = ()
        if outcome is Outcome.REFUSED and reason is not None:
            problems = (
                Problem(
                    f"WHMCS did not answer clearly ({reason})",
                    "The ticket was read back and nothing had changed. Try again.",
                    ProblemKind.UNAVAILABLE,
                ),
            )
        log.info("ticket=%s read back after %s: %s", ticket.id, reason or "refusal", outcome.value)
        return UpdateResult(outcome, ticket, observed, problems, notice, reason)

    def _observe(self, change: FieldResult, before: Ticket, now: Ticket) -> FieldResult:
        """Return a field as the read-back shows it (unreadable fields stay as asked)."""
        current = {
            "status": now.status,
            "priority": now.priority,
            "dept": now.deptname,
            "subject": now.subject,
            "flag": now.flag,
            "unflag": now.flag,
            "cc": now.cc,
            "name": now.name,
            "email": now.email,
            "client": now.userid,
            "created": now.date,
            "message": now.message,
        }
        if change.field not in current:
            return change
        original = {"flag": before.flag, "unflag": before.flag, "client": before.userid}
        if change.field in original:
            moved = current[change.field] != original[change.field]
        else:
            moved = current[change.field] != change.before
        after = change.after if moved else (change.before or "")
        return FieldResult(
            change.field, change.label, change.before, after, moved, change.readable, change.private
        )

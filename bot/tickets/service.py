"""Resolve a ticket reference, apply an update, and say what really happened."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets import hints
from bot.tickets.absent import AbsentNumbers
from bot.tickets.actions import asked_fields, required_actions
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import TicketRef, UpdateRequest
from bot.tickets.locks import TicketLocks
from bot.tickets.note import staff_note
from bot.tickets.problems import problem_from_error
from bot.tickets.result import Outcome, Problem, ShowResult, UpdateResult
from bot.tickets.unclear import read_back
from bot.tickets.validate import Context, Plan, admin_label, plan_update
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

# The permission check: the ticket and the actions a request needs -> the denial, or None.
Gate = Callable[[Ticket, frozenset[str]], Problem | None]

# WHMCS writes these before it checks the rest of an UpdateTicket call.
EARLY_WRITES = {"deptid", "priority"}
# Checked by WHMCS after those, against lists the bot caches.
CACHED_CHECKS = {"status": "statuses", "flag": "admins"}
# The outcomes after which the ticket changed, or may have.
WRITTEN = (Outcome.DONE, Outcome.PARTIAL, Outcome.UNKNOWN)


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
        customfield_labels: Mapping[int, str] | None = None,
        now: Callable[[ZoneInfo], datetime] = datetime.now,
        write_notes: bool = True,
        number_ttl: float = 300.0,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.timezone = timezone
        self.admin_for_slack_user = admin_for_slack_user
        self.customfield_labels = customfield_labels
        self.now = now
        self.write_notes = write_notes
        self.locks = TicketLocks()
        self.absent_numbers = AbsentNumbers(number_ttl)
        # Told of each write that changed the ticket, or may have, with the requester, while
        # the ticket's lock is held: triage learns of it before the ticket can be read anew.
        self.on_written: Callable[[UpdateResult, str], None] | None = None

    def serialised(self, ticket_id: int) -> AbstractContextManager[None]:
        """Hold the ticket's lock: no other update of it from this bot runs meanwhile.

        update() holds it from reading the ticket to writing it. It is re-entrant, so a caller
        may hold it around a read of its own (to compare the ticket with what a person saw)
        and call update() inside.
        """
        return self.locks.hold(ticket_id)

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
        bare = ref.ticket_id is not None and ref.ticket_number is not None
        if ref.ticket_number is not None and not (
            bare and ref.ticket_number in self.absent_numbers
        ):
            by_number = self._lookup(ticket_number=ref.ticket_number)
            if bare and by_number is None:
                self.absent_numbers.note(ref.ticket_number)
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

    def show(self, ref: TicketRef, gate: Gate | None = None) -> ShowResult:
        """Read a ticket for display, if the gate lets the person view it."""
        try:
            ticket, notice = self.resolve(ref)
        except RefusedError as refused:
            return ShowResult(problems=refused.problems)
        except WhmcsError as error:
            return ShowResult(problems=(problem_from_error(error),))
        denial = gate(ticket, frozenset({"view"})) if gate else None
        if denial is not None:
            return ShowResult(problems=(denial,))
        try:
            flagged_to = admin_label(self.catalog, ticket.flag)
        except WhmcsError:
            flagged_to = f"admin {ticket.flag}"
        return ShowResult(ticket=ticket, notice=notice, flagged_to=flagged_to)

    def update(
        self, request: UpdateRequest, actor: Admin, requester: str, gate: Gate | None = None
    ) -> UpdateResult:
        """Check and apply an update for a person acting as a WHMCS admin.

        Args:
            requester: how the staff-only note names the person (their Slack name and id).
            gate: the permission check; it sees the ticket and every action the request needs,
                and returns the problem that denies it, or None.
        """
        moment = self.locks.mark()
        try:
            ticket, notice = self.resolve(request.ref)
        except RefusedError as refused:
            return UpdateResult(Outcome.REFUSED, problems=refused.problems, actor=actor.full_name)
        except WhmcsError as error:
            problems = (problem_from_error(error),)
            return UpdateResult(Outcome.REFUSED, problems=problems, actor=actor.full_name)
        with self.serialised(ticket.id):
            result = self._update_held(ticket, notice, moment, request, actor, gate)
            if self.on_written is not None and result.outcome in WRITTEN:
                try:
                    self.on_written(result, requester)
                except Exception:
                    log.exception("ticket=%s change not passed on", ticket.id)
        result = self._add_note(result, requester, actor)
        return replace(result, actor=actor.full_name)

    def _update_held(
        self,
        ticket: Ticket,
        notice: str | None,
        moment: int,
        request: UpdateRequest,
        actor: Admin,
        gate: Gate | None,
    ) -> UpdateResult:
        """Check and write an update while holding the ticket's lock."""
        try:
            if self.locks.written_since(ticket.id, moment):
                # Another update of this ticket was sent since it was read: read it again.
                ticket = self.client.get_ticket(ticket_id=ticket.id)
            actions = required_actions(request.changes, ticket, actor, self.admin_for_slack_user)
            denial = gate(ticket, actions) if gate else None
            if denial is not None:
                asked = asked_fields(request.changes)
                return UpdateResult(Outcome.DENIED, ticket, asked, (denial,), actor=actor.full_name)
            plan = self._plan(ticket, request, actor)
        except RefusedError as refused:
            return UpdateResult(Outcome.REFUSED, problems=refused.problems, actor=actor.full_name)
        except WhmcsError as error:
            problems = (problem_from_error(error),)
            return UpdateResult(Outcome.REFUSED, problems=problems, actor=actor.full_name)
        fields = tuple(plan.fields)
        if plan.problems:
            return UpdateResult(Outcome.REFUSED, ticket, fields, tuple(plan.problems), notice)
        if not plan.params:
            return UpdateResult(Outcome.NO_CHANGE, ticket, fields, notice=notice)
        try:
            return self._write(ticket, plan, notice, actor)
        finally:
            self.locks.wrote(ticket.id)

    def _add_note(self, result: UpdateResult, requester: str, actor: Admin) -> UpdateResult:
        """Leave a staff-only note naming who changed what (AddTicketNote, never a reply)."""
        if not self.write_notes or result.outcome not in (Outcome.DONE, Outcome.PARTIAL):
            return result
        assert result.ticket is not None
        text = staff_note(requester, actor, result.changed_fields)
        try:
            self.client.add_note(result.ticket.id, text)
        except WhmcsError as error:
            log.warning("ticket=%s staff note failed: %s", result.ticket.id, type(error).__name__)
            return replace(result, notes=(*result.notes, hints.NOTE_FAILED))
        return result

    def _plan(self, ticket: Ticket, request: UpdateRequest, actor: Admin) -> Plan:
        """Check the request; re-read cached lists first where a stale one could do harm."""
        context = Context(
            self.catalog,
            actor,
            self.timezone,
            self.admin_for_slack_user,
            self.client.client_exists,
            self.customfield_labels,
            self.now,
        )
        plan = plan_update(ticket, request.changes, context)
        if plan.problems or not EARLY_WRITES & plan.params.keys():
            return plan
        # A status or admin removed in WHMCS since the lists were read would make WHMCS refuse
        # the call after it wrote department and priority: read those lists again, check again.
        rechecked = [name for param, name in CACHED_CHECKS.items() if param in plan.params]
        for name in rechecked:
            getattr(self.catalog, name).get(refresh=True)
        return plan_update(ticket, request.changes, context) if rechecked else plan

    def _write(self, ticket: Ticket, plan: Plan, notice: str | None, actor: Admin) -> UpdateResult:
        """Send UpdateTicket once; after a refusal or an unclear answer, read the ticket back."""
        fields, notes = tuple(plan.fields), tuple(plan.notes)
        try:
            self.client.update_ticket(ticket.id, plan.params)
        except WhmcsUnknownOutcome as error:
            # The WHMCS client logged the fault; this is the decision that follows from it.
            log.info(
                "ticket=%s update answer unusable (%s): reading it back", ticket.id, error.reason
            )
            return read_back(self.client, self.catalog, ticket, plan, notice, None, error.reason)
        except WhmcsApiError as error:
            refusal = problem_from_error(error)
            return read_back(self.client, self.catalog, ticket, plan, notice, refusal, None)
        except (WhmcsAccessError, WhmcsUnreachable) as error:
            return UpdateResult(
                Outcome.REFUSED, ticket, fields, (problem_from_error(error),), notice
            )
        changed = ",".join(f.field for f in fields if f.changed)
        log.info("ticket=%s admin=%s changed %s", ticket.id, actor.id, changed)
        return UpdateResult(Outcome.DONE, ticket, fields, notice=notice, notes=notes)

"""Say what an update did after WHMCS refused it or its answer was lost: read the ticket back."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence

from bot.tickets import readback
from bot.tickets.catalog import Catalog
from bot.tickets.result import FieldResult, Outcome, Problem, ProblemKind, UpdateResult
from bot.tickets.validate import Plan
from bot.whmcs import Ticket, WhmcsClient, WhmcsError

log = logging.getLogger(__name__)

# Fields WHMCS stores as asked (catalog names, admin labels, checked text): one that reads
# back with neither its old value nor the one asked was changed by someone else meanwhile.
AS_ASKED = frozenset({"status", "priority", "dept", "flag", "unflag", "subject"})


def read_back(
    client: WhmcsClient,
    catalog: Catalog,
    ticket: Ticket,
    plan: Plan,
    notice: str | None,
    refusal: Problem | None,
    reason: str | None,
) -> UpdateResult:
    """Report the ticket's true state after WHMCS refused the call or its answer was lost.

    Args:
        refusal: WHMCS's refusal, when it answered with one.
        reason: why the answer was unusable, when it was.
    """
    problems = (refusal,) if refusal else ()
    try:
        now = client.get_ticket(ticket_id=ticket.id)
    except WhmcsError as error:
        log.warning("ticket=%s read-back failed: %s", ticket.id, type(error).__name__)
        if reason:
            lost = f"WHMCS's answer was unusable ({reason}) and the ticket could not be read back"
        else:
            lost = "WHMCS refused the change and the ticket could not be read back"
        return UpdateResult(
            Outcome.UNKNOWN, ticket, readback.unverified(plan.fields), problems, notice, lost
        )
    observed = changed_here(plan.fields, readback.observe(plan.fields, now, catalog))
    outcome = readback.judge(plan.fields, observed, refused=refusal is not None)
    log.info("ticket=%s read back after %s: %s", ticket.id, reason or "a refusal", outcome.value)
    if refusal is not None:
        return UpdateResult(outcome, ticket, readback.after_refusal(observed), problems, notice)
    if outcome is Outcome.DONE:
        fields = readback.confirmed(observed)
        return UpdateResult(
            outcome, ticket, fields, notice=notice, reason=reason, notes=tuple(plan.notes)
        )
    if outcome is Outcome.REFUSED:
        problems = (
            Problem(
                f"WHMCS did not answer clearly ({reason})",
                "The ticket was read back and nothing had changed. Try again.",
                ProblemKind.UNAVAILABLE,
            ),
        )
    if outcome is Outcome.UNKNOWN:
        reason = f"WHMCS's answer was unusable ({reason}) and it cannot show these fields"
    return UpdateResult(outcome, ticket, observed, problems, notice, reason)


def changed_here(
    asked: Sequence[FieldResult], observed: Sequence[FieldResult]
) -> tuple[FieldResult, ...]:
    """Count as unchanged by this call a field read back with a value nobody here asked for.

    While an update waits for the ticket, someone may change a field in WHMCS; the read-back
    then shows a value that is neither the old one nor the one asked, which this call did not
    write, and which must not be reported (nor told on the ticket's cards) as its change.
    """
    wanted = {field.field: field.after for field in asked}
    return tuple(
        dataclasses.replace(field, changed=False)
        if field.field in AS_ASKED
        and field.readable
        and field.changed
        and field.after != wanted.get(field.field)
        else field
        for field in observed
    )

"""Check every requested field against live WHMCS data before anything is sent.

WHMCS writes some fields of an UpdateTicket call before it rejects others, so the bot checks
every value first and sends the call only when all of them pass.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.tickets import hints
from bot.tickets.fields import (
    CHECKS,
    LABELS,
    MULTILINE_FIELDS,
    admin_label,
    check_customfield,
    client_label,
    squash,
)
from bot.tickets.grammar import FieldChange
from bot.tickets.markup import readable_slack_text
from bot.tickets.plan import Context, Plan
from bot.tickets.result import Problem
from bot.tickets.values import text_problem
from bot.whmcs import Ticket, encode_customfields

__all__ = ["Context", "Plan", "admin_label", "client_label", "plan_update", "squash"]


def _unfit(plan: Plan, change: FieldChange, value: str) -> bool:
    """Refuse text WHMCS should not store: control characters, line breaks, nothing visible."""
    problem = text_problem(value, change.field in MULTILINE_FIELDS)
    if problem is None:
        return False
    label = LABELS.get(change.field, change.field)
    message, hint = hints.unfit_text(label, problem), hints.UNFIT_TEXT_HINT[problem]
    plan.problems.append(Problem(message, hint, field=change.field))
    return True


def _guest_rule(plan: Plan, changes: Sequence[FieldChange]) -> None:
    """WHMCS: a ticket with no client (userid 0) needs a name and an email address."""
    if plan.params.get("userid") != "0":
        return
    given = {change.field for change in changes}
    if not {"name", "email"} <= given:
        message, hint = hints.GUEST_NEEDS_CONTACT, hints.guest_hint(given)
        plan.problems.append(Problem(message, hint, field="client"))
        return
    for result in plan.fields:
        if result.field in ("name", "email"):
            plan.params.setdefault(result.field, result.after)


def plan_update(ticket: Ticket, changes: Sequence[FieldChange], ctx: Context) -> Plan:
    """Check each change against the ticket and WHMCS's live lists; build the UpdateTicket call."""
    plan = Plan()
    for change in changes:
        value = change.value if change.field == "flag" else readable_slack_text(change.value)
        if change.field != "unflag" and _unfit(plan, change, value):
            continue
        if change.field == "customfield":
            check_customfield(plan, FieldChange(change.field, value, change.custom_field_id), ctx)
        else:
            CHECKS[change.field](plan, ticket, value, ctx)
    _guest_rule(plan, changes)
    if plan.customfields:
        plan.params["customfields"] = encode_customfields(plan.customfields)
    if "deptid" in plan.params and "preventClientClosure" not in plan.params:
        plan.notes.append(hints.DEPARTMENT_CLOSURE_NOTE)
    return plan

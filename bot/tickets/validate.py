"""Check every requested field against live WHMCS data before anything is sent.

WHMCS writes some fields of an UpdateTicket call before it rejects others, so the bot checks
every value first and sends the call only when all of them pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.tickets import hints
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import FieldChange
from bot.tickets.result import FieldResult, Problem
from bot.whmcs import Admin, Ticket, encode_customfields

EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
DIGITS = re.compile(r"[0-9]+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")
WHMCS_DATE = "%Y-%m-%d %H:%M:%S"

LABELS = {
    "status": "Status",
    "priority": "Priority",
    "dept": "Department",
    "subject": "Subject",
    "flag": "Flag",
    "unflag": "Flag",
    "cc": "CC",
    "name": "Name",
    "email": "Email",
    "client": "Client",
    "created": "Created",
    "message": "Opening message",
    "markdown": "Markdown",
    "client-close": "Client closure",
}
PRIVATE_FIELDS = {"name", "email", "cc", "message"}


@dataclass
class Plan:
    """The UpdateTicket parameters to send, each field's before and after, or the problems."""

    params: dict[str, str] = field(default_factory=dict)
    fields: list[FieldResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    customfields: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What the checks need besides the ticket: the catalogs, the actor and the clock."""

    catalog: Catalog
    actor: Admin
    timezone: ZoneInfo
    admin_for_slack_user: Callable[[str], int | None]
    now: Callable[[ZoneInfo], datetime] = datetime.now


def squash(text: str) -> str:
    """Fold a WHMCS list value for matching: case, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s_-]+", "", text).casefold()


def admin_label(catalog: Catalog, admin_id: int) -> str:
    """Name a flag target, or say that nobody is flagged."""
    if admin_id <= 0:
        return "unflagged"
    admin = catalog.admin(admin_id)
    return admin.full_name if admin else f"admin {admin_id}"


def client_label(ticket_userid: int) -> str:
    """Name a ticket's owner: a client id, or a guest."""
    return f"client {ticket_userid}" if ticket_userid > 0 else "guest"


def _record(plan: Plan, name: str, before: str, after: str, param: str, value: str) -> None:
    changed = before != after
    plan.fields.append(
        FieldResult(name, LABELS[name], before, after, changed, private=name in PRIVATE_FIELDS)
    )
    if changed:
        plan.params[param] = value


def _refuse(plan: Plan, name: str, message: str, hint: str) -> None:
    plan.problems.append(Problem(message, hint, field=name))


def _status(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    wanted = squash(value)
    status = ctx.catalog.statuses.find(lambda s: squash(s.title) == wanted)
    if status is None:
        titles = [s.title for s in ctx.catalog.statuses.get()]
        _refuse(plan, "status", hints.status_invalid(titles), hints.status_hint(titles))
        return
    _record(plan, "status", ticket.status, status.title, "status", status.title)


def _priority(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    match = [p for p in hints.PRIORITIES if p.casefold() == value.strip().casefold()]
    if not match:
        _refuse(plan, "priority", hints.PRIORITY_INVALID, hints.PRIORITY_HINT)
        return
    _record(plan, "priority", ticket.priority, match[0], "priority", match[0])


def _department(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    wanted = value.strip().lstrip("#")
    if DIGITS.fullmatch(wanted) and len(wanted) <= 10:
        department = ctx.catalog.departments.find(lambda d: d.id == int(wanted))
    else:
        department = ctx.catalog.departments.find(lambda d: squash(d.name) == squash(wanted))
        if department is None:
            starts = [
                d
                for d in ctx.catalog.departments.get()
                if squash(d.name).startswith(squash(wanted))
            ]
            department = starts[0] if len(starts) == 1 else None
    if department is None:
        names = [f"{d.name} ({d.id})" for d in ctx.catalog.departments.get()]
        _refuse(plan, "dept", hints.DEPARTMENT_NOT_FOUND, hints.department_hint(names))
        return
    before = ticket.deptname or f"department {ticket.deptid}"
    after = department.name if department.id != ticket.deptid else before
    _record(plan, "dept", before, after, "deptid", str(department.id))


def _subject(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    subject = value.strip()
    if not subject:
        _refuse(plan, "subject", "The subject is empty", hints.SUBJECT_EMPTY_HINT)
        return
    _record(plan, "subject", ticket.subject, subject, "subject", subject)


def _flag_target(plan: Plan, value: str, ctx: Context) -> int | None:
    text = value.strip()
    mention = MENTION.match(text)
    if text.casefold() == "me":
        return ctx.actor.id
    if mention:
        admin_id = ctx.admin_for_slack_user(mention.group(1))
        if admin_id is None:
            _refuse(
                plan,
                "flag",
                hints.FLAG_ADMIN_INVALID,
                hints.FLAG_UNLINKED_HINT.format(mention=text),
            )
        return admin_id
    if text.startswith("@"):
        hint = hints.FLAG_BARE_NAME_HINT.format(name=text)
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hint)
        return None
    if not DIGITS.fullmatch(text):
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hints.FLAG_HINT)
        return None
    if int(text) == 0:
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hints.FLAG_ZERO_HINT)
        return None
    if len(text) > 10:
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hints.FLAG_HINT)
        return None
    return int(text)


def _flag(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    admin_id = _flag_target(plan, value, ctx)
    if admin_id is None:
        return
    before = admin_label(ctx.catalog, ticket.flag)
    if admin_id != ticket.flag and ctx.catalog.admin(admin_id) is None:
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hints.FLAG_HINT)
        return
    _record(plan, "flag", before, admin_label(ctx.catalog, admin_id), "flag", str(admin_id))


def _unflag(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    before = admin_label(ctx.catalog, ticket.flag)
    _record(plan, "unflag", before, "unflagged", "removeFlag", "1")


def _email(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    email = value.strip()
    if not EMAIL.match(email):
        _refuse(plan, "email", hints.EMAIL_INVALID, hints.EMAIL_HINT)
        return
    _record(plan, "email", ticket.email, email, "email", email)


def _cc(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    addresses = [part for part in re.split(r"[\s,;]+", value.strip()) if part]
    if not addresses or not all(EMAIL.match(address) for address in addresses):
        _refuse(plan, "cc", hints.EMAIL_INVALID, hints.CC_HINT)
        return
    cc = ",".join(addresses)
    _record(plan, "cc", ticket.cc, cc, "cc", cc)


def _name(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    _record(plan, "name", ticket.name, value.strip(), "name", value.strip())


def _client(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    text = value.strip()
    if not DIGITS.fullmatch(text) or len(text) > 10:
        _refuse(plan, "client", "Invalid client id", hints.CLIENT_HINT)
        return
    userid = int(text)
    before, after = client_label(ticket.userid), client_label(userid)
    _record(plan, "client", before, after, "userid", str(userid))


def _created(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    created = parse_created(value, ctx.timezone)
    if created is None:
        _refuse(plan, "created", hints.DATE_INVALID, hints.DATE_HINT)
        return
    if created > ctx.now(ctx.timezone).replace(tzinfo=None):
        _refuse(plan, "created", hints.DATE_IN_FUTURE, hints.FUTURE_HINT)
        return
    text = created.strftime(WHMCS_DATE)
    _record(plan, "created", ticket.date, text, "created", text)


def _message(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    _record(plan, "message", ticket.message, value, "message", value)


def _markdown(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    # NOTE: WHMCS takes any present `markdown` key as a switch and the string "false" as true.
    on = value.strip().casefold() == "on"
    plan.fields.append(
        FieldResult("markdown", LABELS["markdown"], None, "on" if on else "off", readable=False)
    )
    plan.params["markdown"] = "1" if on else "0"


def _client_close(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    prevent = value.strip().casefold() == "prevent"
    after = "client may not close" if prevent else "client may close"
    plan.fields.append(
        FieldResult("client-close", LABELS["client-close"], None, after, readable=False)
    )
    plan.params["preventClientClosure"] = "1" if prevent else "0"


def _customfield(plan: Plan, ticket: Ticket, change: FieldChange) -> None:
    assert change.custom_field_id is not None
    plan.customfields[change.custom_field_id] = change.value
    label = f"Custom field {change.custom_field_id}"
    plan.fields.append(
        FieldResult(f"cf.{change.custom_field_id}", label, None, change.value, readable=False)
    )


CHECKS: dict[str, Callable[[Plan, Ticket, str, Context], None]] = {
    "status": _status,
    "priority": _priority,
    "dept": _department,
    "subject": _subject,
    "flag": _flag,
    "unflag": _unflag,
    "cc": _cc,
    "name": _name,
    "email": _email,
    "client": _client,
    "created": _created,
    "message": _message,
    "markdown": _markdown,
    "client-close": _client_close,
}


def parse_created(value: str, timezone: ZoneInfo) -> datetime | None:
    """Read a creation date as WHMCS server wall-clock time; an offset is converted, then dropped."""
    text = value.strip()
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(text, layout)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone).replace(tzinfo=None)
    return parsed.replace(microsecond=0)


def _guest_rule(plan: Plan, ticket: Ticket, changes: Sequence[FieldChange]) -> None:
    """WHMCS: a ticket with no client (userid 0) needs a name and an email address."""
    if plan.params.get("userid") != "0":
        return
    given = {change.field for change in changes}
    if not {"name", "email"} <= given:
        _refuse(plan, "client", hints.GUEST_NEEDS_CONTACT, hints.GUEST_HINT)
        return
    for name, param in (("name", "name"), ("email", "email")):
        for result in plan.fields:
            if result.field == name and param not in plan.params:
                plan.params[param] = result.after


def plan_update(ticket: Ticket, changes: Sequence[FieldChange], ctx: Context) -> Plan:
    """Check each change against the ticket and WHMCS's live lists; build the UpdateTicket call."""
    plan = Plan()
    for change in changes:
        if CONTROL.search(change.value):
            label = LABELS.get(change.field, "This value")
            _refuse(plan, change.field, f"{label} contains control characters", hints.CONTROL_HINT)
        elif change.field == "customfield":
            _customfield(plan, ticket, change)
        else:
            CHECKS[change.field](plan, ticket, change.value, ctx)
    _guest_rule(plan, ticket, changes)
    if plan.customfields:
        plan.params["customfields"] = encode_customfields(plan.customfields)
    return plan

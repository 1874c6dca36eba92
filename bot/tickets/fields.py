"""Check one field of an update against the ticket and WHMCS's live lists."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.tickets import hints
from bot.tickets.catalog import Catalog
from bot.tickets.grammar import FieldChange
from bot.tickets.plan import Context, Plan
from bot.tickets.result import FieldResult, Problem
from bot.tickets.values import (
    WHMCS_DATE,
    email_list,
    is_email,
    is_future,
    parse_created,
    same_text,
)
from bot.whmcs import Ticket

DIGITS = re.compile(r"[0-9]{1,10}")
MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
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
    "customfield": "Custom field",
}
PRIVATE_FIELDS = {"name", "email", "cc", "message"}
MULTILINE_FIELDS = {"message", "customfield"}


def squash(text: str) -> str:
    """Fold a WHMCS list value for matching: case, spaces, hyphens and underscores ignored."""
    return re.sub(r"[\s_-]+", "", text).casefold()


def admin_label(catalog: Catalog, admin_id: int) -> str:
    """Name a flag target, or say that nobody is flagged."""
    if admin_id <= 0:
        return "unflagged"
    admin = catalog.admin(admin_id)
    return admin.full_name if admin else f"admin {admin_id}"


def client_label(userid: int) -> str:
    """Name a ticket's owner: a client id, or a guest."""
    return f"client {userid}" if userid > 0 else "guest"


def _record(
    plan: Plan, name: str, before: str, after: str, param: str, value: str, same: bool | None = None
) -> None:
    changed = before != after if same is None else not same
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
    departments = ctx.catalog.departments
    if DIGITS.fullmatch(wanted):
        department = departments.find(lambda d: d.id == int(wanted))
    else:
        department = departments.find(lambda d: squash(d.name) == squash(wanted))
        if department is None and squash(wanted):
            starts = [d for d in departments.get() if squash(d.name).startswith(squash(wanted))]
            department = starts[0] if len(starts) == 1 else None
    if department is None:
        names = [f"{d.name} ({d.id})" for d in departments.get()]
        _refuse(plan, "dept", hints.DEPARTMENT_NOT_FOUND, hints.department_hint(names))
        return
    before = ticket.deptname or f"department {ticket.deptid}"
    after = department.name if department.id != ticket.deptid else before
    _record(plan, "dept", before, after, "deptid", str(department.id))


def _subject(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    subject = value.strip()
    same = same_text(ticket.subject, subject)
    _record(plan, "subject", ticket.subject, subject, "subject", subject, same)


def _flag_target(plan: Plan, value: str, ctx: Context) -> int | None:
    text = value.strip()
    mention = MENTION.match(text)
    hint = None
    if text.casefold() == "me":
        return ctx.actor.id
    if mention:
        admin_id = ctx.admin_for_slack_user(mention.group(1))
        if admin_id is not None:
            return admin_id
        hint = hints.FLAG_UNLINKED_HINT.format(user=mention.group(1))
    elif text.startswith("@"):
        hint = hints.FLAG_BARE_NAME_HINT.format(name=text)
    elif DIGITS.fullmatch(text) and int(text) == 0:
        hint = hints.FLAG_ZERO_HINT
    elif DIGITS.fullmatch(text):
        return int(text)
    _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, hint or _flag_hint(ctx))
    return None


def _flag_hint(ctx: Context) -> str:
    return hints.flag_hint([f"{a.full_name} ({a.id})" for a in ctx.catalog.admins.get()])


def _flag(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    admin_id = _flag_target(plan, value, ctx)
    if admin_id is None:
        return
    before = admin_label(ctx.catalog, ticket.flag)
    # WHMCS accepts the admin a ticket is already flagged to, even a disabled one.
    if admin_id != ticket.flag and ctx.catalog.admin(admin_id) is None:
        _refuse(plan, "flag", hints.FLAG_ADMIN_INVALID, _flag_hint(ctx))
        return
    _record(plan, "flag", before, admin_label(ctx.catalog, admin_id), "flag", str(admin_id))


def _unflag(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    before = admin_label(ctx.catalog, ticket.flag)
    _record(plan, "unflag", before, "unflagged", "removeFlag", "1")


def _email(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    email = value.strip()
    if not is_email(email):
        _refuse(plan, "email", hints.EMAIL_INVALID, hints.EMAIL_HINT)
        return
    same = ticket.email.casefold() == email.casefold()
    _record(plan, "email", ticket.email, email, "email", email, same)


def _cc(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    addresses = email_list(value)
    if addresses is None:
        _refuse(plan, "cc", hints.EMAIL_INVALID, hints.CC_HINT)
        return
    cc = ",".join(addresses)
    same = [a.casefold() for a in email_list(ticket.cc) or []] == [a.casefold() for a in addresses]
    _record(plan, "cc", ticket.cc, cc, "cc", cc, same)


def _name(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    name = " ".join(value.split())
    _record(plan, "name", ticket.name, name, "name", name, same_text(ticket.name, name))


def _client(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    text = value.strip()
    if not DIGITS.fullmatch(text):
        _refuse(plan, "client", hints.CLIENT_NOT_FOUND, hints.CLIENT_HINT)
        return
    userid = int(text)
    if userid > 0 and userid != ticket.userid and not ctx.client_exists(userid):
        _refuse(plan, "client", hints.CLIENT_NOT_FOUND, hints.CLIENT_HINT)
        return
    before, after = client_label(ticket.userid), client_label(userid)
    _record(plan, "client", before, after, "userid", str(userid))


def _created(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    created = parse_created(value, ctx.timezone)
    if created is None:
        _refuse(plan, "created", hints.DATE_INVALID, hints.date_hint(ctx.timezone.key))
        return
    if is_future(created, ctx.now(ctx.timezone).replace(tzinfo=None)):
        _refuse(plan, "created", hints.DATE_IN_FUTURE, hints.future_hint(ctx.timezone.key))
        return
    text = created.strftime(WHMCS_DATE)
    plan.fields.append(
        FieldResult(
            "created", f"Created ({ctx.timezone.key})", ticket.date, text, ticket.date != text
        )
    )
    if ticket.date != text:
        plan.params["created"] = text


def _message(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    same = ticket.message.strip() == value.strip()
    _record(plan, "message", ticket.message, value, "message", value, same)


def _markdown(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    # NOTE: WHMCS takes any present `markdown` key as a switch and the string "false" as true.
    on = value.strip().casefold() == "on"
    after = "on" if on else "off"
    plan.fields.append(FieldResult("markdown", LABELS["markdown"], None, after, readable=False))
    plan.params["markdown"] = "1" if on else "0"


def _client_close(plan: Plan, ticket: Ticket, value: str, ctx: Context) -> None:
    prevent = value.strip().casefold() == "prevent"
    after = "client may not close" if prevent else "client may close"
    label = LABELS["client-close"]
    plan.fields.append(FieldResult("client-close", label, None, after, readable=False))
    plan.params["preventClientClosure"] = "1" if prevent else "0"


def check_customfield(plan: Plan, change: FieldChange, ctx: Context) -> None:
    """Check a custom field against `[customfields]`, when configured."""
    field_id = change.custom_field_id
    assert field_id is not None
    labels = ctx.customfield_labels
    if labels and field_id not in labels:
        _refuse(
            plan, "customfield", hints.customfield_unknown(field_id), hints.customfield_hint(labels)
        )
        return
    plan.customfields[field_id] = change.value
    label = f"{labels[field_id]} (cf.{field_id})" if labels else f"Custom field {field_id}"
    plan.fields.append(FieldResult(f"cf.{field_id}", label, None, change.value, readable=False))


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

"""Name the permissions a request needs, in the words of the permission layer's config.

They are worked out from the request as typed, before any value is checked against WHMCS, so
a person learns nothing about values they may not change, and no lookup is made for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.tickets.fields import DIGITS, LABELS, MENTION
from bot.tickets.grammar import FieldChange
from bot.tickets.result import FieldResult
from bot.whmcs import Admin, Ticket

FIELD_ACTIONS = {
    "status": "status",
    "priority": "priority",
    "dept": "dept",
    "subject": "subject",
    "cc": "contact",
    "name": "contact",
    "email": "contact",
    "client": "client",
    "created": "created",
    "message": "message",
    "markdown": "markdown",
    "customfield": "customfields",
    "client-close": "client_close",
}


def flag_target(
    value: str, actor: Admin, admin_for_slack_user: Callable[[str], int | None]
) -> int | None:
    """Return the admin a flag value names (`me`, a mention, an id), or None when unknown."""
    text = value.strip()
    mention = MENTION.match(text)
    if text.casefold() == "me":
        return actor.id
    if mention:
        return admin_for_slack_user(mention.group(1))
    return int(text) if DIGITS.fullmatch(text) else None


def required_actions(
    changes: Iterable[FieldChange],
    ticket: Ticket,
    actor: Admin,
    admin_for_slack_user: Callable[[str], int | None],
) -> frozenset[str]:
    """Return the actions an update needs: `view`, and one per field asked for.

    Flagging one's own admin is `flag_self`, anyone else (or someone unknown) `flag_others`;
    clearing a flag is `unflag_others` only when the flag belongs to someone else.
    """
    actions = {"view"}
    for change in changes:
        if change.field == "flag":
            target = flag_target(change.value, actor, admin_for_slack_user)
            actions.add("flag_self" if target == actor.id else "flag_others")
        elif change.field == "unflag":
            mine = ticket.flag in (0, actor.id)
            actions.add("unflag_self" if mine else "unflag_others")
        else:
            actions.add(FIELD_ACTIONS[change.field])
    return frozenset(actions)


def asked_fields(changes: Iterable[FieldChange]) -> tuple[FieldResult, ...]:
    """Describe what a refused request asked for, for the record (nothing was checked)."""
    asked = []
    for change in changes:
        name = f"cf.{change.custom_field_id}" if change.field == "customfield" else change.field
        label = f"Custom field {change.custom_field_id}" if change.field == "customfield" else None
        asked.append(
            FieldResult(
                name,
                label or LABELS.get(change.field, change.field),
                None,
                change.value,
                readable=False,
            )
        )
    return tuple(asked)

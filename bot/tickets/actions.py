"""Name the permissions a request needs, in the words of the permission layer's config."""

from __future__ import annotations

from collections.abc import Iterable

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
    "client-close": "client_close",
}


def required_actions(
    fields: Iterable[FieldResult], ticket: Ticket, actor: Admin, flag_target: int | None
) -> frozenset[str]:
    """Return the actions an update needs: one per field asked for, changed or not.

    Flagging one's own admin is `flag_self`, anyone else `flag_others`; clearing a flag is
    `unflag_self` when the ticket is flagged to the person asking.
    """
    actions = set()
    for asked in fields:
        if asked.field == "flag":
            target = flag_target if flag_target is not None else ticket.flag
            actions.add("flag_self" if target == actor.id else "flag_others")
        elif asked.field == "unflag":
            actions.add("unflag_self" if ticket.flag == actor.id else "unflag_others")
        elif asked.field.startswith("cf."):
            actions.add("customfields")
        else:
            actions.add(FIELD_ACTIONS[asked.field])
    return frozenset(actions)

"""The WHMCS API actions the sandbox answers, by lower-cased action name."""

from __future__ import annotations

from collections.abc import Callable

from bot.sandbox.actions.call import ActionError, Answer, ApiCall
from bot.sandbox.actions.clients import get_clients_details
from bot.sandbox.actions.open_and_reply import add_ticket_note, add_ticket_reply, open_ticket
from bot.sandbox.actions.read_tickets import get_ticket, get_tickets
from bot.sandbox.actions.support_lists import (
    get_admin_users,
    get_support_departments,
    get_support_statuses,
)
from bot.sandbox.actions.update_ticket import update_ticket

ACTIONS: dict[str, Callable[[ApiCall], Answer]] = {
    "updateticket": update_ticket,
    "getticket": get_ticket,
    "gettickets": get_tickets,
    "getsupportstatuses": get_support_statuses,
    "getsupportdepartments": get_support_departments,
    "getadminusers": get_admin_users,
    "getclientsdetails": get_clients_details,
    "addticketnote": add_ticket_note,
    "addticketreply": add_ticket_reply,
    "openticket": open_ticket,
}

# Without responsetype=json these answer in XML; the others answer in `key=value;` text.
LIST_ACTIONS = frozenset(
    {"gettickets", "getsupportstatuses", "getsupportdepartments", "getadminusers"}
)

__all__ = ["ACTIONS", "LIST_ACTIONS", "ActionError", "Answer", "ApiCall"]

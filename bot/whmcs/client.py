"""The WHMCS API calls this project makes, returning typed records."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, NoReturn

from bot.whmcs.errors import WhmcsApiError, WhmcsUnknownOutcome
from bot.whmcs.loose import as_int, entries
from bot.whmcs.records import Admin, Department, Status, Ticket, TicketPage
from bot.whmcs.transport import Transport

log = logging.getLogger(__name__)

CLIENT_NOT_FOUND = "Client Not Found"


class WhmcsClient:
    """Read and update WHMCS support tickets through one Transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def get_ticket(
        self, *, ticket_id: int | None = None, ticket_number: str | None = None
    ) -> Ticket:
        """Return one ticket by internal id or by public ticket number (give exactly one).

        A missing ticket raises WhmcsApiError with WHMCS's message `Ticket ID Not Found`.
        """
        if (ticket_id is None) == (ticket_number is None):
            raise ValueError("give exactly one of ticket_id and ticket_number")
        params: dict[str, str | int] = {}
        if ticket_id is not None:
            params["ticketid"] = ticket_id
        else:
            params["ticketnum"] = str(ticket_number)

        raw = self.transport.call("GetTicket", params)
        _require(raw, "GetTicket", "tid")
        if "id" not in raw and "ticketid" not in raw:
            _require(raw, "GetTicket", "id")
        return Ticket.from_api(raw)

    def get_tickets(
        self,
        *,
        start: int = 0,
        limit: int = 25,
        status: str | None = None,
        deptid: int | None = None,
        ignore_dept_assignments: bool = True,
    ) -> TicketPage:
        """Return one page of tickets, newest last reply first.

        Args:
            status: a status title or one of WHMCS's filters `Awaiting Reply`,
                `All Active Tickets`, `My Flagged Tickets`.
            ignore_dept_assignments: without it WHMCS returns only tickets in the API admin's
                own departments, and nothing when that admin has none.
        """
        params: dict[str, str | int] = {"limitstart": start, "limitnum": limit}
        if status is not None:
            params["status"] = status
        if deptid is not None:
            params["deptid"] = deptid
        if ignore_dept_assignments:
            params["ignore_dept_assignments"] = 1

        raw = self.transport.call("GetTickets", params)
        _require(raw, "GetTickets", "totalresults")
        return TicketPage.from_api(raw)

    def get_statuses(self) -> list[Status]:
        """Return the configured ticket statuses in WHMCS's sort order."""
        raw = self.transport.call("GetSupportStatuses")
        _require_success(raw, "GetSupportStatuses")

        statuses = entries(raw.get("statuses"), "status")
        if not statuses:
            # WHMCS always has statuses: an answer without them was cut short, not empty.
            _unknown("GetSupportStatuses", "answer had no statuses")
        return [Status.from_api(entry) for entry in statuses]

    def get_departments(self) -> list[Department]:
        """Return every support department, not only the API admin's own."""
        raw = self.transport.call("GetSupportDepartments", {"ignore_dept_assignments": 1})
        _require_success(raw, "GetSupportDepartments")

        departments = entries(raw.get("departments"), "department")
        # WHMCS leaves `departments` out when there are none; only `totalresults: 0` tells that
        # apart from an answer that lost its list.
        total = as_int(raw.get("totalresults"), default=-1)
        if not departments and total != 0:
            reason = "answer had no departments"
            if total > 0:
                reason += f" but totalresults {total}"
            _unknown("GetSupportDepartments", reason)
        return [Department.from_api(entry) for entry in departments]

    def get_admins(self, include_disabled: bool = False) -> list[Admin]:
        """Return the admin users; disabled ones only when asked."""
        params: dict[str, str | int] = {"include_disabled": 1} if include_disabled else {}
        raw = self.transport.call("GetAdminUsers", params)
        # GetAdminUsers answers without `result`: {"count": N, "admin_users": [...]}.
        if "admin_users" not in raw and "count" not in raw:
            _require(raw, "GetAdminUsers", "admin_users")

        admins = [Admin.from_api(entry) for entry in entries(raw.get("admin_users"), "admin_user")]
        if include_disabled:
            return admins
        return [admin for admin in admins if not admin.disabled]

    def client_exists(self, client_id: int) -> bool:
        """Tell whether WHMCS has a client with this id (GetClientsDetails)."""
        if client_id <= 0:
            # Client ids start at 1; userid 0 stands for a guest, never a client.
            return False

        try:
            raw = self.transport.call("GetClientsDetails", {"clientid": client_id, "stats": 0})
        except WhmcsApiError as error:
            if error.message.strip() == CLIENT_NOT_FOUND:
                return False
            raise
        _require_success(raw, "GetClientsDetails")

        # Only an answer that names the client asked for is a yes.
        named = _client_ids(raw)
        if not named:
            _unknown("GetClientsDetails", "answer had no client id")
        if named != {client_id}:
            _unknown("GetClientsDetails", f"answer named a client other than {client_id}")
        return True

    def update_ticket(self, ticket_id: int, params: Mapping[str, str | int]) -> None:
        """Send UpdateTicket; `params` are already named as UpdateTicket's parameters."""
        if "ticketid" in params and str(params["ticketid"]) != str(ticket_id):
            raise ValueError("params name a different ticketid")
        form: dict[str, str | int] = {**params, "ticketid": ticket_id}

        log.debug("ticket=%d UpdateTicket fields=%s", ticket_id, ",".join(sorted(params)))
        raw = self.transport.call("UpdateTicket", form)
        _require_success(raw, "UpdateTicket")

    def add_note(self, ticket_id: int, message: str, markdown: bool = False) -> None:
        """Add a staff-only note to a ticket (never a reply the customer sees)."""
        params: dict[str, str | int] = {"ticketid": ticket_id, "message": message}
        if markdown:
            params["markdown"] = 1

        raw = self.transport.call("AddTicketNote", params)
        _require_success(raw, "AddTicketNote")


def _client_ids(raw: dict[str, Any]) -> set[int]:
    """Return every client id a GetClientsDetails answer gives, nested or at the top level."""
    # WHMCS 7 and 8 put the client under `client` and repeat its fields at the top level.
    nested = raw.get("client")
    places = [nested, raw] if isinstance(nested, dict) else [raw]
    return {
        as_int(place[key], default=-1)
        for place in places
        for key in ("id", "userid", "client_id")
        if key in place
    }


def _require(raw: dict[str, Any], action: str, key: str) -> None:
    """Raise WhmcsUnknownOutcome when a success answer lacks a key it must have."""
    if key not in raw:
        _unknown(action, f"answer lacked {key!r}")


def _require_success(raw: dict[str, Any], action: str) -> None:
    """Raise WhmcsUnknownOutcome unless the answer says `result: success`."""
    if str(raw.get("result", "")).strip().lower() != "success":
        _unknown(action, "answer lacked result success")


def _unknown(action: str, reason: str) -> NoReturn:
    """Log and raise WhmcsUnknownOutcome for a success answer that cannot be trusted."""
    log.warning("WHMCS action=%s failed kind=unknown_outcome: %s", action, reason)
    raise WhmcsUnknownOutcome(reason, None, action)

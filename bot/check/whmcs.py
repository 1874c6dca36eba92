"""Check WHMCS: reachable, the credential accepted, every API action the bot uses allowed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.check import texts
from bot.check.report import Report
from bot.check.whmcs_access import ROLE_KINDS, STOPPING_KINDS, access_line
from bot.whmcs import (
    Admin,
    Department,
    Status,
    TicketPage,
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsClient,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

# Ticket and client ids start at 1, so WHMCS answers id 0 with a plain "not found": proof that
# the API role let the call through, with nothing changed.
NO_SUCH_ID = 0


@dataclass
class WhmcsReadings:
    """What the probes read from WHMCS (None where the call failed)."""

    tickets: TicketPage | None = None
    statuses: list[Status] | None = None
    departments: list[Department] | None = None
    admins: list[Admin] | None = None


class Prober:
    """Send harmless calls and report what each answer says about WHMCS's access rules.

    After an answer that every later call would meet too (an address not allowed, a wrong
    credential, a ban, no WHMCS at all) no further call is sent.
    """

    def __init__(self, client: WhmcsClient, report: Report) -> None:
        self.client = client
        self.report = report
        self.stopped = False
        self._answered = False
        self._accepted = False

    def probe(self, action: str, call: Callable[[], T]) -> T | None:
        """Make one call for `action`; report whether the API role allows it; return its result."""
        if self.stopped:
            return None
        try:
            result = call()
        except WhmcsApiError:
            # WHMCS checks the API role before the action runs: a refusal by the action itself
            # ("Ticket ID Not Found") means the role allows it.
            self._accept()
            self.report.ok(texts.ACTION_ALLOWED.format(action=action))
            return None
        except WhmcsAccessError as error:
            self._refused(action, error)
            return None
        except WhmcsUnreachable as error:
            self.report.fail(texts.WHMCS_UNREACHABLE.format(api_url=self._url, reason=error.reason))
            self.stopped = True
            return None
        except WhmcsUnknownOutcome as error:
            self._unusable(action, error)
            return None

        self._accept()
        self.report.ok(texts.ACTION_ALLOWED.format(action=action))
        return result

    @property
    def _url(self) -> str:
        return str(self.client.transport.url)

    def _reached(self) -> None:
        if not self._answered:
            self._answered = True
            self.report.ok(texts.WHMCS_REACHED.format(api_url=self._url))

    def _accept(self) -> None:
        self._reached()
        if not self._accepted:
            self._accepted = True
            self.report.ok(texts.WHMCS_CREDENTIALS_OK)

    def _refused(self, action: str, error: WhmcsAccessError) -> None:
        if error.kind in ROLE_KINDS:
            self._accept()
        else:
            self._reached()
        self.report.fail(access_line(action, error))
        if error.kind in STOPPING_KINDS:
            self.stopped = True
            log.debug("stopped probing WHMCS after access=%s", error.kind)

    def _unusable(self, action: str, error: WhmcsUnknownOutcome) -> None:
        if not self._answered:
            # Whatever answers there is not WHMCS's API: nothing else will work either.
            self.report.fail(texts.WHMCS_NO_ANSWER.format(api_url=self._url, reason=error.reason))
            self.stopped = True
            return
        self.report.fail(texts.ACTION_UNUSABLE.format(action=action, reason=error.reason))


def probe_every_action(client: WhmcsClient, report: Report) -> WhmcsReadings:
    """Probe each API action the bot uses, with arguments that can never change anything."""
    prober = Prober(client, report)
    call = client.transport.call
    readings = WhmcsReadings()

    prober.probe("GetTicket", lambda: client.get_ticket(ticket_id=NO_SUCH_ID))
    readings.tickets = prober.probe("GetTickets", lambda: client.get_tickets(limit=1))
    # Only the ticket id is sent: even a ticket 0 would get no field changed.
    prober.probe("UpdateTicket", lambda: call("UpdateTicket", {"ticketid": NO_SUCH_ID}))
    prober.probe("AddTicketNote", lambda: call("AddTicketNote", {"ticketid": NO_SUCH_ID}))
    readings.statuses = prober.probe("GetSupportStatuses", client.get_statuses)
    readings.departments = prober.probe("GetSupportDepartments", client.get_departments)
    readings.admins = prober.probe(
        "GetAdminUsers", lambda: client.get_admins(include_disabled=True)
    )
    prober.probe(
        "GetClientsDetails", lambda: call("GetClientsDetails", {"clientid": NO_SUCH_ID, "stats": 0})
    )

    _report_catalog(readings, report)
    return readings


def check_credential(client: WhmcsClient, report: Report) -> None:
    """Report whether WHMCS answers and accepts the credential, with one read-only call."""
    Prober(client, report).probe("GetSupportStatuses", client.get_statuses)


def _report_catalog(readings: WhmcsReadings, report: Report) -> None:
    """Say how many statuses and departments WHMCS has."""
    if readings.statuses is not None:
        titles = [status.title for status in readings.statuses]
        report.ok(
            texts.STATUSES_OK.format(
                count=len(titles), es=_plural(len(titles), "es"), titles=", ".join(titles)
            )
        )
    if readings.departments is not None:
        names = [department.name for department in readings.departments]
        if not names:
            report.fail(texts.NO_DEPARTMENTS)
        else:
            report.ok(
                texts.DEPARTMENTS_OK.format(
                    count=len(names), s=_plural(len(names), "s"), names=", ".join(names)
                )
            )


def _plural(count: int, ending: str) -> str:
    return "" if count == 1 else ending

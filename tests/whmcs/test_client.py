"""WhmcsClient: which parameters each call sends, and what it makes of the answers."""

from __future__ import annotations

from typing import Any

import pytest

from bot.whmcs import (
    Transport,
    WhmcsApiError,
    WhmcsClient,
    WhmcsUnknownOutcome,
)
from tests.whmcs.conftest import CannedServer, json_answer

# What the transport adds to every call, and what the canned server records of the request.
SENT = {"action", "responsetype", "identifier", "secret", "accesskey"}
SENT |= {"_path", "_content_type", "_authorization", "_proxy_authorization"}


def params(form: dict[str, str]) -> dict[str, str]:
    """Return the action's own parameters from a recorded form."""
    return {name: value for name, value in form.items() if name not in SENT}


@pytest.fixture
def client(transport: Transport) -> WhmcsClient:
    return WhmcsClient(transport)


TICKET = {"result": "success", "id": "42", "ticketid": "42", "tid": "007731", "subject": "Hi"}


def test_get_ticket_by_id(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer(TICKET))

    ticket = client.get_ticket(ticket_id=42)

    assert (ticket.id, ticket.tid, ticket.subject) == (42, "007731", "Hi")
    assert server.forms[0]["action"] == "GetTicket"
    assert params(server.forms[0]) == {"ticketid": "42"}


def test_get_ticket_by_number_sends_it_as_text(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer(TICKET))

    client.get_ticket(ticket_number="007731")

    assert params(server.forms[0]) == {"ticketnum": "007731"}


@pytest.mark.parametrize("given", [{}, {"ticket_id": 1, "ticket_number": "1"}])
def test_get_ticket_needs_exactly_one_reference(
    server: CannedServer, client: WhmcsClient, given: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        client.get_ticket(**given)

    assert server.forms == []


def test_missing_ticket_is_an_api_error(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer({"result": "error", "message": "Ticket ID Not Found"}))

    with pytest.raises(WhmcsApiError) as caught:
        client.get_ticket(ticket_id=999)

    assert caught.value.message == "Ticket ID Not Found"


def test_get_ticket_success_without_the_ticket_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer({"result": "success"}))

    with pytest.raises(WhmcsUnknownOutcome, match="tid"):
        client.get_ticket(ticket_id=42)


def test_get_tickets_sends_paging_filters_and_ignores_departments(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer({"result": "success", "totalresults": "0", "numreturned": 0}))

    page = client.get_tickets(start=50, limit=10, status="Awaiting Reply", deptid=3)

    assert page.tickets == ()
    assert params(server.forms[0]) == {
        "limitstart": "50",
        "limitnum": "10",
        "status": "Awaiting Reply",
        "deptid": "3",
        "ignore_dept_assignments": "1",
    }


def test_get_tickets_can_keep_department_assignments(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer({"result": "success", "totalresults": 0}))

    client.get_tickets(ignore_dept_assignments=False)

    assert params(server.forms[0]) == {"limitstart": "0", "limitnum": "25"}


def test_get_tickets_without_totals_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer({"result": "success"}))

    with pytest.raises(WhmcsUnknownOutcome):
        client.get_tickets()


def test_get_statuses(server: CannedServer, client: WhmcsClient) -> None:
    statuses = [
        {"title": "Open", "count": "3", "color": "#779500"},
        {"title": "On Hold", "count": 0, "color": "#224488"},
    ]
    server.reply(json_answer({"result": "success", "statuses": {"status": statuses}}))

    assert [(s.title, s.count) for s in client.get_statuses()] == [("Open", 3), ("On Hold", 0)]


@pytest.mark.parametrize(
    "answer",
    [
        {"result": "success"},
        {"result": "success", "totalresults": 6},
        {"result": "success", "statuses": []},
        {"result": "success", "statuses": ""},
        {"result": "success", "statuses": {"status": []}},
        {"result": "success", "statuses": {}},
    ],
)
def test_get_statuses_without_statuses_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient, answer: dict[str, Any]
) -> None:
    # WHMCS always has statuses: an answer without them lost its list.
    server.reply(json_answer(answer))

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        client.get_statuses()

    assert caught.value.reason == "answer had no statuses"
    assert caught.value.action == "GetSupportStatuses"


def test_get_statuses_single_entry(server: CannedServer, client: WhmcsClient) -> None:
    status = {"title": "Open", "count": 1, "color": "#779500"}
    server.reply(json_answer({"result": "success", "statuses": {"status": status}}))

    assert [s.title for s in client.get_statuses()] == ["Open"]


DEPARTMENT = {"id": "2", "name": "Billing &amp; Accounts", "awaitingreply": "1", "opentickets": 3}


@pytest.mark.parametrize("total", [0, "0"])
def test_get_departments_ignores_assignments_and_reads_missing_list(
    server: CannedServer, client: WhmcsClient, total: int | str
) -> None:
    # WHMCS leaves `departments` out when it says there are none.
    server.reply(json_answer({"result": "success", "totalresults": total}))

    assert client.get_departments() == []
    assert params(server.forms[0]) == {"ignore_dept_assignments": "1"}


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"result": "success", "totalresults": 2}, "answer had no departments but totalresults 2"),
        (
            {"result": "success", "totalresults": "1", "departments": {"department": []}},
            "answer had no departments but totalresults 1",
        ),
        ({"result": "success"}, "answer had no departments"),
        ({"result": "success", "departments": []}, "answer had no departments"),
        ({"result": "success", "totalresults": "many"}, "answer had no departments"),
    ],
)
def test_get_departments_missing_list_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient, answer: dict[str, Any], reason: str
) -> None:
    server.reply(json_answer(answer))

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        client.get_departments()

    assert caught.value.reason == reason
    assert caught.value.action == "GetSupportDepartments"


@pytest.mark.parametrize(
    "answer",
    [
        {"result": "success", "totalresults": 1, "departments": {"department": [DEPARTMENT]}},
        {"result": "success", "totalresults": "1", "departments": {"department": DEPARTMENT}},
        # The list is what counts when WHMCS leaves the total out.
        {"result": "success", "departments": {"department": [DEPARTMENT]}},
    ],
)
def test_get_departments_reads_entries(
    server: CannedServer, client: WhmcsClient, answer: dict[str, Any]
) -> None:
    server.reply(json_answer(answer))

    (department,) = client.get_departments()

    assert (department.id, department.name, department.open_tickets) == (
        2,
        "Billing & Accounts",
        3,
    )


ADMINS = {
    "count": 2,
    "admin_users": [
        {"id": "1", "username": "ana", "firstname": "Ana", "isDisabled": False},
        {"id": "2", "username": "old", "firstname": "Old", "isDisabled": "1"},
    ],
}


def test_get_admins_without_result_key_leaves_out_disabled(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer(ADMINS))

    admins = client.get_admins()

    assert [admin.username for admin in admins] == ["ana"]
    assert params(server.forms[0]) == {}


def test_get_admins_including_disabled(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer(ADMINS))

    admins = client.get_admins(include_disabled=True)

    assert [admin.username for admin in admins] == ["ana", "old"]
    assert params(server.forms[0]) == {"include_disabled": "1"}


def test_get_admins_unrelated_answer_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient
) -> None:
    server.reply(json_answer({"something": "else"}))

    with pytest.raises(WhmcsUnknownOutcome):
        client.get_admins()


def test_update_ticket_sends_params_as_given(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer({"result": "success", "ticketid": "42"}))

    client.update_ticket(42, {"status": "On Hold", "priority": "High", "flag": 3})

    assert server.forms[0]["action"] == "UpdateTicket"
    assert params(server.forms[0]) == {
        "ticketid": "42",
        "status": "On Hold",
        "priority": "High",
        "flag": "3",
    }


@pytest.mark.parametrize("answer", [{"ticketid": 42}, {}, {"result": ""}])
def test_update_ticket_without_success_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient, answer: dict[str, Any]
) -> None:
    server.reply(json_answer(answer))

    with pytest.raises(WhmcsUnknownOutcome):
        client.update_ticket(42, {"status": "Closed"})


def test_update_ticket_refusal_carries_whmcs_text(
    server: CannedServer, client: WhmcsClient
) -> None:
    message = "Invalid Ticket Status. Valid statuses are: Open,Answered,Closed"
    server.reply(json_answer({"result": "error", "message": message}))

    with pytest.raises(WhmcsApiError) as caught:
        client.update_ticket(42, {"status": "closed"})

    assert caught.value.message == message


def test_update_ticket_refuses_a_conflicting_ticketid(
    server: CannedServer, client: WhmcsClient
) -> None:
    with pytest.raises(ValueError):
        client.update_ticket(42, {"ticketid": 43})

    assert server.forms == []


def test_add_note(server: CannedServer, client: WhmcsClient) -> None:
    client.add_note(42, "Moved by @ana", markdown=True)
    client.add_note(42, "plain")

    assert server.forms[0]["action"] == "AddTicketNote"
    assert params(server.forms[0]) == {
        "ticketid": "42",
        "message": "Moved by @ana",
        "markdown": "1",
    }
    assert params(server.forms[1]) == {"ticketid": "42", "message": "plain"}


def test_add_note_to_missing_ticket(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer({"result": "error", "message": "Ticket ID not found"}))

    with pytest.raises(WhmcsApiError, match="^Ticket ID not found$"):
        client.add_note(999, "x")


CLIENT = {"userid": 7, "id": 7, "client_id": 7, "firstname": "Zo&euml;", "email": "z@example.org"}


@pytest.mark.parametrize(
    "answer",
    [
        {"result": "success", **CLIENT, "client": CLIENT},
        {"result": "success", "client": {"id": "7", "userid": "7"}},
        {"result": "success", "userid": "7", "id": "7"},
    ],
)
def test_client_exists(server: CannedServer, client: WhmcsClient, answer: dict[str, Any]) -> None:
    server.reply(json_answer(answer))

    assert client.client_exists(7) is True
    assert server.forms[0]["action"] == "GetClientsDetails"
    assert params(server.forms[0]) == {"clientid": "7", "stats": "0"}


def test_unknown_client_does_not_exist(server: CannedServer, client: WhmcsClient) -> None:
    server.reply(json_answer({"result": "error", "message": "Client Not Found"}))

    assert client.client_exists(999) is False


@pytest.mark.parametrize("client_id", [0, -3])
def test_guest_ids_are_never_clients_and_are_not_asked_about(
    server: CannedServer, client: WhmcsClient, client_id: int
) -> None:
    assert client.client_exists(client_id) is False
    assert server.forms == []


@pytest.mark.parametrize(
    "message", ["Ticket ID Not Found", "Department ID Not Found", "Client Not Found Today"]
)
def test_other_refusals_are_not_a_no(
    server: CannedServer, client: WhmcsClient, message: str
) -> None:
    server.reply(json_answer({"result": "error", "message": message}))

    with pytest.raises(WhmcsApiError) as caught:
        client.client_exists(7)

    assert caught.value.message == message


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ({"result": "success"}, "answer had no client id"),
        ({"result": "success", "client": {}}, "answer had no client id"),
        ({"result": "success", "firstname": "Zo&euml;"}, "answer had no client id"),
        ({"result": "success", "client": {"id": 8}}, "answer named a client other than 7"),
        (
            {"result": "success", "id": 7, "client": {"id": "x"}},
            "answer named a client other than 7",
        ),
        ({"client": CLIENT}, "answer lacked result success"),
    ],
)
def test_client_answer_without_its_id_is_unknown_outcome(
    server: CannedServer, client: WhmcsClient, answer: dict[str, Any], reason: str
) -> None:
    server.reply(json_answer(answer))

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        client.client_exists(7)

    assert caught.value.reason == reason
    assert caught.value.action == "GetClientsDetails"

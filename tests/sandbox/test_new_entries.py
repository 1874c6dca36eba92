"""AddTicketNote, AddTicketReply and OpenTicket."""

from __future__ import annotations

import re

from tests.sandbox.conftest import SandboxClient


def test_note_by_public_number_is_staff_only(api: SandboxClient) -> None:
    number = api.ticket(42)["tid"]
    lastreply = api.ticket(42)["lastreply"]

    assert api.call("AddTicketNote", ticketnum=number, message="Vendor says Friday") == {
        "result": "success"
    }

    stored = api.ticket(42)
    assert [n["message"] for n in stored["notes"]] == ["Vendor says Friday"]
    assert stored["replies"] == []
    assert stored["lastreply"] == lastreply


def test_note_not_found_uses_its_own_spelling(api: SandboxClient) -> None:
    assert api.error("AddTicketNote", ticketid="4242", message="x") == "Ticket ID not found"
    assert api.error("AddTicketNote", ticketnum="ABC-000000", message="x") == "Ticket ID not found"


def test_staff_reply_moves_the_last_reply_and_answers_the_ticket(api: SandboxClient) -> None:
    api.set_ticket(42, lastreply="2020-01-01 00:00:00")

    api.call("AddTicketReply", ticketid="42", message="Fixed & tested", adminusername="Erin")

    stored = api.ticket(42)
    assert stored["status"] == "Answered"
    assert stored["lastreply"] > "2020-01-01 00:00:00"
    assert [(r["admin"], r["message"]) for r in stored["replies"]] == [
        ("Erin", "Fixed &amp; tested")
    ]


def test_reply_status_is_checked_and_applied(api: SandboxClient) -> None:
    assert api.error("AddTicketReply", ticketid="42", message="x", status="Done").startswith(
        "Invalid Ticket Status"
    )

    api.call("AddTicketReply", ticketid="42", message="x", adminusername="Bob", status="On Hold")

    assert api.ticket(42)["status"] == "On Hold"


def test_reply_needs_an_existing_ticket_by_internal_id(api: SandboxClient) -> None:
    number = api.ticket(42)["tid"]

    assert api.error("AddTicketReply", ticketid="4242", message="x") == "Ticket ID Not Found"
    assert api.error("AddTicketReply", ticketnum=number, message="x") == "Ticket ID Not Found"


def test_open_ticket_for_a_guest_gets_a_number_in_the_mask(api: SandboxClient) -> None:
    answer = api.call(
        "OpenTicket",
        deptid="3",
        subject="  Invoice <question>  ",
        message="Hello",
        name="Pat",
        email="pat@example.org",
    )

    assert answer["result"] == "success"
    assert answer["id"] == 49
    assert re.fullmatch(r"ABC-\d{6}", answer["tid"])
    opened = api.call("GetTicket", ticketnum=answer["tid"])
    assert (opened["subject"], opened["status"], opened["priority"], opened["userid"]) == (
        "Invoice &lt;question&gt;",
        "Open",
        "Medium",
        "0",
    )
    assert api.ticket(49)["preventClientClosure"] is True  # Billing's setting


def test_open_ticket_for_a_client_takes_the_client_contact(api: SandboxClient) -> None:
    answer = api.call("OpenTicket", deptid="1", subject="Hi", message="x", clientid="2")

    opened = api.ticket(answer["id"])
    assert (opened["userid"], opened["name"]) == (2, "Zoë O&#039;Brien")


def test_open_ticket_errors(api: SandboxClient) -> None:
    guest = {"name": "Pat", "email": "pat@example.org"}

    assert api.error("OpenTicket", deptid="1", subject="s", message="m", name="Pat") == (
        "Name and email address are required if not a client"
    )
    assert api.error("OpenTicket", deptid="1", subject="s", message="m", clientid="999") == (
        "Client ID Not Found"
    )
    assert api.error("OpenTicket", deptid="9", subject="s", message="m", **guest) == (
        "Department ID Not Found"
    )
    assert api.error("OpenTicket", deptid="1", subject=" ", message="m", **guest) == (
        "Subject is required"
    )
    assert api.error(
        "OpenTicket", deptid="1", subject="s", message="m", priority="Urgent", **guest
    ).startswith("Invalid Ticket Priority")
    assert api.call("GetTickets", ignore_dept_assignments="1")["totalresults"] == 48

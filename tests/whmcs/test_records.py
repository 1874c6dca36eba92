"""Records parse WHMCS's loose answers: string numbers, encoded text, odd list shapes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.whmcs import Admin, Department, Status, Ticket, TicketPage

GET_TICKET: dict[str, Any] = {
    "result": "success",
    "ticketid": "42",
    "id": "42",
    "tid": "007731",
    "c": "AbCdEf12",
    "deptid": "2",
    "deptname": "Billing &amp; Accounts",
    "userid": "7",
    "contactid": "0",
    "name": "Ana O&#039;Neil",
    "email": "ana@example.com",
    "cc": "",
    "date": "2024-05-01 09:30:00",
    "subject": "Invoice &lt;b&gt;wrong&lt;/b&gt; &amp;lt;",
    "status": "Customer-Reply",
    "priority": "High",
    "admin": "",
    "lastreply": "2024-05-02 10:00:00",
    "flag": "3",
    "service": "",
    "replies": {
        "reply": [
            {
                "replyid": "0",
                "userid": "7",
                "name": "Ana O&#039;Neil",
                "date": "2024-05-01 09:30:00",
                "message": "My invoice says &quot;$0&quot; &amp; I paid.",
                "admin": "",
            },
            {
                "replyid": "11",
                "userid": "0",
                "name": "",
                "date": "2024-05-02 10:00:00",
                "message": "Looking into it.",
                "admin": "Sam Staff",
            },
        ]
    },
    "notes": [],
}


def test_get_ticket_answer_parses_with_numbers_as_strings() -> None:
    ticket = Ticket.from_api(GET_TICKET)

    assert (ticket.id, ticket.deptid, ticket.userid, ticket.contactid, ticket.flag) == (
        42,
        2,
        7,
        0,
        3,
    )
    assert ticket.status == "Customer-Reply"
    assert ticket.notes == ()


def test_ticket_number_stays_text_with_leading_zeros() -> None:
    assert Ticket.from_api(GET_TICKET).tid == "007731"
    assert Ticket.from_api({**GET_TICKET, "tid": "ABC-123456"}).tid == "ABC-123456"


def test_text_is_decoded_exactly_once() -> None:
    ticket = Ticket.from_api(GET_TICKET)

    assert ticket.deptname == "Billing & Accounts"
    assert ticket.name == "Ana O'Neil"
    # `&amp;lt;` was a literal "&lt;" typed by the customer: it must not become "<".
    assert ticket.subject == "Invoice <b>wrong</b> &lt;"


def test_opening_message_is_the_first_reply() -> None:
    ticket = Ticket.from_api(GET_TICKET)

    assert ticket.message == 'My invoice says "$0" & I paid.'
    assert [reply.author for reply in ticket.replies] == ["Ana O'Neil", "Sam Staff"]
    assert ticket.replies[1].admin == "Sam Staff"


def test_single_dict_lists_are_read_as_one_entry() -> None:
    raw = {
        **GET_TICKET,
        "replies": {"reply": {"name": "Ana", "message": "Only message", "admin": ""}},
        "notes": {"note": {"admin": "Sam Staff", "date": "2024-05-03", "message": "VIP &amp;"}},
    }

    ticket = Ticket.from_api(raw)

    assert ticket.message == "Only message"
    assert len(ticket.replies) == 1
    assert [(n.admin, n.message) for n in ticket.notes] == [("Sam Staff", "VIP &")]


@pytest.mark.parametrize(
    ("notes", "count"),
    [
        ([], 0),
        ("", 0),
        (None, 0),
        ({"note": []}, 0),
        ([{"admin": "A", "date": "d", "message": "m1"}], 1),
        ({"note": [{"message": "m1"}, {"message": "m2"}]}, 2),
        ({"0": {"message": "m1"}, "1": {"message": "m2"}}, 2),
    ],
)
def test_notes_in_any_shape(notes: Any, count: int) -> None:
    parsed = Ticket.from_api({**GET_TICKET, "notes": notes}).notes

    assert len(parsed) == count
    assert [note.message for note in parsed] == [f"m{n + 1}" for n in range(count)]


def test_missing_keys_take_defaults() -> None:
    ticket = Ticket.from_api({"id": 5, "tid": "X-1"})

    assert (ticket.id, ticket.tid, ticket.subject, ticket.flag) == (5, "X-1", "", 0)
    assert (ticket.message, ticket.replies, ticket.notes) == ("", (), ())


def test_get_tickets_page_with_entries() -> None:
    raw = {
        "result": "success",
        "totalresults": "3",
        "startnumber": 0,
        "numreturned": "2",
        "tickets": {
            "ticket": [
                {"id": "41", "tid": "000041", "subject": "A &amp; B", "flag": 0},
                {"id": 42, "tid": "000042", "subject": "C", "flag": "2"},
            ]
        },
    }

    page = TicketPage.from_api(raw)

    assert (page.total, page.start, page.returned) == (3, 0, 2)
    assert [(t.id, t.tid, t.subject, t.flag) for t in page.tickets] == [
        (41, "000041", "A & B", 0),
        (42, "000042", "C", 2),
    ]


def test_get_tickets_page_without_tickets_key_is_empty() -> None:
    raw = {"result": "success", "totalresults": "0", "startnumber": "0", "numreturned": "0"}

    assert TicketPage.from_api(raw) == TicketPage(total=0, start=0, returned=0, tickets=())


def test_get_tickets_single_ticket_dict() -> None:
    raw = {"totalresults": 1, "tickets": {"ticket": {"id": "9", "tid": "ZZ-9"}}}

    page = TicketPage.from_api(raw)

    assert [t.tid for t in page.tickets] == ["ZZ-9"]
    assert page.returned == 1


def test_statuses_and_departments_coerce_counts() -> None:
    status = Status.from_api({"title": "On Hold", "count": "4", "color": "#224488"})
    department = Department.from_api(
        {"id": "3", "name": "Sales &amp; Pre-sales", "awaitingreply": "2", "opentickets": 5}
    )

    assert status == Status(title="On Hold", count=4, color="#224488")
    assert department == Department(
        id=3, name="Sales & Pre-sales", awaiting_reply=2, open_tickets=5
    )


def test_admin_parsing() -> None:
    admin = Admin.from_api(
        {
            "id": "4",
            "username": "sam",
            "firstname": "Sam",
            "lastname": "O&#039;Hara",
            "email": "sam@example.com",
            "isDisabled": "0",
            "roleId": "1",
            "supportDepartmentIds": ["1", "2", ""],
            "receivesTicketNotifications": [""],
        }
    )

    assert (admin.id, admin.role_id, admin.disabled) == (4, 1, False)
    assert admin.department_ids == (1, 2)
    assert admin.full_name == "Sam O'Hara"


@pytest.mark.parametrize(
    ("value", "disabled"), [(True, True), (1, True), ("1", True), (False, False), ("0", False)]
)
def test_admin_disabled_flag_shapes(value: Any, disabled: bool) -> None:
    assert Admin.from_api({"id": 1, "isDisabled": value}).disabled is disabled


def test_admin_full_name_falls_back_to_username() -> None:
    admin = Admin.from_api({"id": 2, "username": "nightbot", "supportDepartmentIds": "3,4"})

    assert admin.full_name == "nightbot"
    assert admin.department_ids == (3, 4)

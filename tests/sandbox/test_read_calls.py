"""GetTicket, GetTickets, GetSupportStatuses, GetSupportDepartments, GetAdminUsers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.sandbox.conftest import SandboxClient


def all_tickets(api: SandboxClient, **filters: str) -> list[dict[str, Any]]:
    answer = api.call("GetTickets", limitnum="1000", ignore_dept_assignments="1", **filters)
    return answer["tickets"]["ticket"] if "tickets" in answer else []


def test_get_ticket_by_internal_id_has_every_documented_field(api: SandboxClient) -> None:
    answer = api.call("GetTicket", ticketid="42")

    documented = {
        "id", "ticketid", "tid", "c", "deptid", "deptname", "userid", "contactid", "name",
        "email", "cc", "date", "subject", "status", "priority", "admin", "lastreply", "flag",
        "service", "replies", "notes",
    }  # fmt: skip
    assert documented <= set(answer)
    assert (answer["result"], answer["deptname"], answer["status"]) == (
        "success",
        "Technical Support",
        "Open",
    )
    assert int(answer["id"]) == int(answer["ticketid"]) == 42


def test_get_ticket_by_public_number_keeps_leading_zeros(api: SandboxClient) -> None:
    number = api.ticket(3)["tid"]
    assert number.startswith("00")

    assert int(api.call("GetTicket", ticketnum=number)["ticketid"]) == 3
    assert api.error("GetTicket", ticketnum=number.lstrip("0")) == "Ticket ID Not Found"


def test_get_ticket_not_found(api: SandboxClient) -> None:
    assert api.error("GetTicket", ticketid="4242") == "Ticket ID Not Found"


def test_replies_start_with_the_opening_message(api: SandboxClient) -> None:
    stored = api.ticket(42)
    api.call("AddTicketReply", ticketid="42", message="On it.", adminusername="Bob Builder")

    thread = api.call("GetTicket", ticketid="42")["replies"]["reply"]

    assert thread[0]["message"] == stored["message"]
    assert thread[0]["date"] == stored["date"]
    assert (thread[-1]["message"], thread[-1]["admin"]) == ("On it.", "Bob Builder")


def test_notes_are_an_empty_list_until_one_is_added(api: SandboxClient) -> None:
    assert api.call("GetTicket", ticketid="42")["notes"] == []

    api.call("AddTicketNote", ticketid="42", message="Checked the <proxy> logs")

    notes = api.call("GetTicket", ticketid="42")["notes"]
    assert [(n["admin"], n["message"]) for n in notes["note"]] == [
        ("Alice Admin", "Checked the &lt;proxy&gt; logs")
    ]


def test_get_tickets_pages_newest_last_reply_first(api: SandboxClient) -> None:
    first = api.call("GetTickets", ignore_dept_assignments="1")
    last = api.call("GetTickets", ignore_dept_assignments="1", limitstart="45", limitnum="25")

    assert (first["totalresults"], first["startnumber"], first["numreturned"]) == (48, 0, 25)
    assert (last["totalresults"], last["startnumber"], last["numreturned"]) == (48, 45, 3)
    replies = [t["lastreply"] for t in all_tickets(api)]
    assert replies == sorted(replies, reverse=True)
    assert [t["lastreply"] for t in first["tickets"]["ticket"]] == replies[:25]


def test_get_tickets_leaves_out_the_tickets_key_when_nothing_matches(api: SandboxClient) -> None:
    answer = api.call("GetTickets", subject="no ticket is called this")
    past_the_end = api.call("GetTickets", ignore_dept_assignments="1", limitstart="100")

    assert answer == {"result": "success", "totalresults": 0, "startnumber": 0, "numreturned": 0}
    assert "tickets" not in past_the_end
    assert past_the_end["totalresults"] == 48


def test_get_tickets_is_limited_to_the_api_admins_departments(api: SandboxClient) -> None:
    api.control("POST", "admins/1", {"supportDepartmentIds": ["3"]})

    mine = api.call("GetTickets", limitnum="100")
    everything = api.call("GetTickets", limitnum="100", ignore_dept_assignments="1")

    assert {t["deptid"] for t in mine["tickets"]["ticket"]} == {"3"}
    assert everything["totalresults"] == 48


def test_an_admin_without_departments_sees_no_tickets(api: SandboxClient) -> None:
    api.control("POST", "admins/1", {"supportDepartmentIds": []})

    answer = api.call("GetTickets")

    assert answer["totalresults"] == 0
    assert "tickets" not in answer


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"deptid": "4"}, lambda t: t["deptid"] == "4"),
        ({"clientid": "2"}, lambda t: int(t["userid"]) == 2),
        ({"email": "zoe.obrien@example.org"}, lambda t: t["email"] == "zoe.obrien@example.org"),
        ({"status": "Closed"}, lambda t: t["status"] == "Closed"),
        ({"subject": "& account"}, lambda t: "&amp; account" in t["subject"]),
        ({"status": "Awaiting Reply"}, lambda t: t["status"] in ("Open", "Customer-Reply")),
        ({"status": "All Active Tickets"}, lambda t: t["status"] != "Closed"),
    ],
)
def test_get_tickets_filters(api: SandboxClient, filters: dict[str, str], check: Any) -> None:
    matched = all_tickets(api, **filters)
    others = [t for t in all_tickets(api) if t["id"] not in {m["id"] for m in matched}]

    assert matched
    assert all(check(t) for t in matched)
    assert not any(check(t) for t in others)


def test_my_flagged_tickets_are_the_active_ones_flagged_to_the_api_admin(
    api: SandboxClient,
) -> None:
    api.set_ticket(42, flag=1, status="Open")
    api.set_ticket(43, flag=1, status="Closed")

    flagged = all_tickets(api, status="My Flagged Tickets")

    assert 42 in {t["id"] for t in flagged}
    assert 43 not in {t["id"] for t in flagged}
    assert all(t["flag"] == "1" and t["status"] != "Closed" for t in flagged)


def test_support_statuses_in_sort_order_with_counts(api: SandboxClient) -> None:
    answer = api.call("GetSupportStatuses")
    in_dept = api.call("GetSupportStatuses", deptid="2")

    entries = answer["statuses"]["status"]
    assert [s["title"] for s in entries] == [
        "Open", "Answered", "Customer-Reply", "On Hold", "In Progress", "Waiting on Vendor",
        "Closed",
    ]  # fmt: skip
    for entry in entries:
        assert int(entry["count"]) == len(all_tickets(api, status=entry["title"]))
    assert sum(int(s["count"]) for s in in_dept["statuses"]["status"]) == len(
        all_tickets(api, deptid="2")
    )


def test_support_departments_with_counts(api: SandboxClient) -> None:
    answer = api.call("GetSupportDepartments")

    departments = answer["departments"]["department"]
    assert [(d["id"], d["name"]) for d in departments] == [
        ("1", "General Support"),
        ("2", "Technical Support"),
        ("3", "Billing"),
        ("4", "Sales &amp; Pre-Sales"),
    ]
    awaiting = all_tickets(api, deptid="2", status="Awaiting Reply")
    assert int(departments[1]["awaitingreply"]) == len(awaiting)
    assert int(departments[1]["opentickets"]) == len(
        all_tickets(api, deptid="2", status="All Active Tickets")
    )


def test_support_departments_key_is_absent_for_an_admin_without_any(api: SandboxClient) -> None:
    api.control("POST", "admins/1", {"supportDepartmentIds": []})

    assert "departments" not in api.call("GetSupportDepartments")
    assert len(api.call("GetSupportDepartments", ignore_dept_assignments="1")["departments"][
        "department"
    ]) == 4  # fmt: skip


def test_admin_users_answer_has_no_result_key(api: SandboxClient) -> None:
    answer = api.call("GetAdminUsers")

    assert set(answer) == {"count", "admin_users"}
    users = {u["username"]: u for u in answer["admin_users"]}
    assert answer["count"] == 4
    assert "dave" not in users
    assert users["bob"]["supportDepartmentIds"] == ["1", "2"]
    assert users["bob"]["receivesTicketNotifications"] == [""]
    assert users["alice"]["roleId"] == 1
    assert (users["erin"]["firstname"], users["erin"]["lastname"]) == ("Erin", "Escalation")


def test_admin_users_filters(api: SandboxClient) -> None:
    with_disabled = api.call("GetAdminUsers", include_disabled="1")
    support_role = api.call("GetAdminUsers", roleid="2")
    by_email = api.call("GetAdminUsers", email="CAROL@")

    assert with_disabled["count"] == 5
    assert [u["isDisabled"] for u in with_disabled["admin_users"] if u["username"] == "dave"] == [
        True
    ]
    assert [u["username"] for u in support_role["admin_users"]] == ["bob", "erin"]
    assert [u["username"] for u in by_email["admin_users"]] == ["carol"]

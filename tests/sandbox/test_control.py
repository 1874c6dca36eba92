"""The control API that tests use to arrange and inspect the sandbox."""

from __future__ import annotations

from tests.sandbox.conftest import SandboxClient


def test_stored_ticket_shows_what_get_ticket_does_not(api: SandboxClient) -> None:
    stored = api.ticket(42)

    assert {"markdown", "preventClientClosure", "customfields", "flag", "message", "tid"} <= set(
        stored
    )
    assert isinstance(stored["markdown"], bool)
    assert isinstance(stored["preventClientClosure"], bool)
    assert stored["customfields"] == {"1": "site42.example.net", "2": "web2.host"}
    assert (stored["id"], stored["deptid"], stored["status"], stored["flag"]) == (42, 2, "Open", 0)


def test_set_fields_are_stored_encoded_and_lastreply_untouched(api: SandboxClient) -> None:
    before = api.ticket(42)

    after = api.set_ticket(42, subject="Q&A <now>", markdown=True, customfields={"7": "A&B"})

    assert after["subject"] == "Q&amp;A &lt;now&gt;"
    assert after["markdown"] is True
    assert after["customfields"] == {"7": "A&amp;B"}
    assert after["lastreply"] == before["lastreply"]
    assert api.call("GetTicket", ticketid="42")["subject"] == "Q&amp;A &lt;now&gt;"


def test_a_public_number_can_equal_another_tickets_id(api: SandboxClient) -> None:
    api.set_ticket(43, tid="42")

    assert api.call("GetTicket", ticketnum="42")["id"] == 43
    assert api.call("GetTicket", ticketid="42")["id"] == 42


def test_posting_a_new_id_creates_the_ticket(api: SandboxClient) -> None:
    created = api.set_ticket(100, subject="Made by a test", deptid=4)

    assert (created["id"], created["deptid"], created["status"]) == (100, 4, "Open")
    assert api.call("GetTicket", ticketid="100")["deptname"] == "Sales &amp; Pre-Sales"


def test_bad_control_requests(api: SandboxClient) -> None:
    assert api.control("GET", "tickets/4242").status_code == 404
    assert api.control("POST", "tickets/42", {"colour": "red"}).status_code == 400
    assert api.control("POST", "tickets/42", {"flag": "2"}).status_code == 400
    assert api.control("POST", "settings", {"timezone": "Mars/Olympus"}).status_code == 400
    assert api.control("GET", "nothing-here").status_code == 404
    assert api.ticket(42)["flag"] == 0


def test_calls_are_logged_with_secrets_masked(api: SandboxClient) -> None:
    api.post("GetTicket", ticketid="42", accesskey="k")
    api.post("UpdateTicket", ticketid="42", secret="wrong")

    calls = api.control("GET", "calls").json()

    assert [(c["action"], c["status"]) for c in calls] == [
        ("getticket", 200),
        ("updateticket", 403),
    ]
    assert calls[0]["params"]["ticketid"] == "42"
    assert calls[0]["params"]["secret"] == calls[0]["params"]["accesskey"] == "***"
    assert calls[1]["params"]["secret"] == "***"
    assert calls[0]["time"] <= calls[1]["time"]
    assert api.sandbox.secret not in api.control("GET", "calls").text

    api.control("DELETE", "calls")
    assert api.control("GET", "calls").json() == []


def test_reset_restores_the_seeded_state(api: SandboxClient) -> None:
    seeded = api.ticket(42)
    api.call("UpdateTicket", ticketid="42", status="Closed", subject="Changed")
    api.call("OpenTicket", deptid="1", subject="s", message="m", clientid="1")
    api.control("POST", "faults", {"mode": "html_500", "actions": ["gettickets"]})
    api.control("POST", "settings", {"timezone": "Asia/Tokyo"})

    assert api.control("POST", "reset").status_code == 200

    # Seeded dates are relative to the moment of seeding; everything else is the same.
    restored = api.ticket(42)
    for stamp in ("date", "lastreply"):
        seeded.pop(stamp), restored.pop(stamp)
    assert restored == seeded
    assert api.control("GET", "calls").json() == []
    assert api.control("GET", "faults").json()["mode"] is None
    assert api.control("GET", "settings").json()["timezone"] == "UTC"
    assert api.call("GetTickets", ignore_dept_assignments="1")["totalresults"] == 48


def test_settings_time_zone_moves_the_install_clock(api: SandboxClient) -> None:
    api.control("POST", "settings", {"timezone": "Pacific/Kiritimati"})
    answer = api.call("OpenTicket", deptid="1", subject="s", message="m", clientid="1")

    kiritimati = api.control("GET", "settings").json()
    api.control("POST", "settings", {"timezone": "Pacific/Pago_Pago"})
    pago_pago = api.control("GET", "settings").json()

    # UTC+14 and UTC-11 are a day apart on the wall clock.
    assert kiritimati["now"][:10] != pago_pago["now"][:10]
    assert api.ticket(answer["id"])["date"][:10] == kiritimati["now"][:10]

"""UpdateTicket as WHMCS does it: check order, partial writes, field rules."""

from __future__ import annotations

import base64
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox.conftest import SandboxClient

PRIORITY_ERROR = "Invalid Ticket Priority. Valid priorities are: Low,Medium,High"
STATUS_ERROR = (
    "Invalid Ticket Status. Valid statuses are: "
    "Open,Answered,Customer-Reply,On Hold,In Progress,Waiting on Vendor,Closed"
)


def payload(serialized: bytes) -> str:
    return base64.b64encode(serialized).decode()


def test_success_answers_with_the_ticket_id_and_writes(api: SandboxClient) -> None:
    answer = api.call("UpdateTicket", ticketid="42", status="Answered", priority="Low")

    assert answer == {"result": "success", "ticketid": 42}
    stored = api.ticket(42)
    assert (stored["status"], stored["priority"]) == ("Answered", "Low")


# Each case also carries the failures of every later check: only the first one is reported.
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ticketid": "9999", "userid": "0", "deptid": "99"}, "Ticket ID Not Found"),
        (
            {"userid": "0", "email": "pat@example.org", "deptid": "99"},
            "Name and email address are required if not a client",
        ),
        ({"userid": "-3", "name": "Pat", "email": "pat", "deptid": "99"}, "Email Address Invalid"),
        ({"deptid": "99", "priority": "Urgent"}, "Department ID Not Found"),
        ({"priority": "high", "created": "yesterday"}, PRIORITY_ERROR),
        ({"created": "yesterday", "status": "Nope"}, "Invalid Date Format"),
        (
            {"created": "2999-01-01 00:00:00", "status": "Nope"},
            "Ticket creation date cannot be in the future",
        ),
        ({"status": "open", "flag": "99"}, STATUS_ERROR),
        ({"flag": "99"}, "Invalid Admin ID for Flag"),
    ],
)
def test_first_failing_check_in_whmcs_order_is_returned(
    api: SandboxClient, params: dict[str, str], message: str
) -> None:
    assert api.error("UpdateTicket", **({"ticketid": "42"} | params)) == message


def test_failure_keeps_department_and_priority_written_before_it(api: SandboxClient) -> None:
    message = api.error(
        "UpdateTicket", ticketid="42", deptid="3", priority="Low", status="Bogus", subject="New"
    )

    assert message.startswith("Invalid Ticket Status")
    stored = api.ticket(42)
    assert (stored["deptid"], stored["priority"]) == (3, "Low")
    assert stored["status"] == "Open"
    assert stored["subject"] == "Website returns 502 Bad Gateway"


def test_department_failure_writes_nothing(api: SandboxClient) -> None:
    api.error("UpdateTicket", ticketid="42", deptid="99", priority="Low")

    assert api.ticket(42)["priority"] == "Medium"


def test_flag_to_a_disabled_admin_is_refused(api: SandboxClient) -> None:
    assert api.error("UpdateTicket", ticketid="42", flag="4") == "Invalid Admin ID for Flag"
    assert api.ticket(42)["flag"] == 0


def test_flag_to_the_disabled_admin_it_already_has_is_accepted(api: SandboxClient) -> None:
    api.set_ticket(42, flag=4)

    assert api.call("UpdateTicket", ticketid="42", flag="4", priority="Low")["result"] == "success"
    assert api.ticket(42)["priority"] == "Low"


def test_flag_to_an_enabled_admin_and_flag_zero_does_not_unflag(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", flag="2")
    assert api.ticket(42)["flag"] == 2

    api.call("UpdateTicket", ticketid="42", flag="0")
    assert api.ticket(42)["flag"] == 2


@pytest.mark.parametrize(
    ("value", "cleared"), [("1", True), ("false", True), ("yes", True), ("0", False), ("", False)]
)
def test_remove_flag_truthiness(api: SandboxClient, value: str, cleared: bool) -> None:
    api.set_ticket(42, flag=5)

    api.call("UpdateTicket", ticketid="42", removeFlag=value)

    assert api.ticket(42)["flag"] == (0 if cleared else 5)


@pytest.mark.parametrize(
    ("value", "markdown"), [("1", True), ("false", True), ("0", False), ("", False)]
)
def test_markdown_present_sets_the_editor_by_php_truthiness(
    api: SandboxClient, value: str, markdown: bool
) -> None:
    api.set_ticket(42, markdown=not markdown)

    api.call("UpdateTicket", ticketid="42", markdown=value)

    assert api.ticket(42)["markdown"] is markdown


def test_markdown_left_out_keeps_the_editor(api: SandboxClient) -> None:
    api.set_ticket(42, markdown=True)

    api.call("UpdateTicket", ticketid="42", priority="Low")

    assert api.ticket(42)["markdown"] is True


def test_subject_is_trimmed_and_a_blank_one_ignored(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", subject="  Site down again \n")
    assert api.ticket(42)["subject"] == "Site down again"

    api.call("UpdateTicket", ticketid="42", subject="   ")
    assert api.ticket(42)["subject"] == "Site down again"


def test_empty_name_email_and_cc_are_ignored(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", cc="boss@example.com")
    before = api.ticket(42)

    api.call("UpdateTicket", ticketid="42", name="", email="", cc="")

    after = api.ticket(42)
    assert (after["name"], after["email"], after["cc"]) == (
        before["name"],
        before["email"],
        "boss@example.com",
    )


def test_every_string_is_stored_html_entity_encoded(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", subject="A & B <c> \"d\" 'e'", message="x &amp; y")

    answer = api.call("GetTicket", ticketid="42")
    assert answer["subject"] == "A &amp; B &lt;c&gt; &quot;d&quot; &#039;e&#039;"
    # Already-encoded input is encoded again, as htmlspecialchars() does by default.
    assert answer["replies"]["reply"][0]["message"] == "x &amp;amp; y"


def test_message_replaces_the_opening_message(api: SandboxClient) -> None:
    replies_before = len(api.call("GetTicket", ticketid="42")["replies"]["reply"])

    api.call("UpdateTicket", ticketid="42", message="Corrected text")

    stored = api.ticket(42)
    thread = api.call("GetTicket", ticketid="42")["replies"]["reply"]
    assert stored["message"] == "Corrected text"
    assert thread[0]["message"] == "Corrected text"
    assert len(thread) == replies_before
    assert stored["notes"] == []


@pytest.mark.parametrize(
    ("created", "stored"),
    [
        ("2024-05-01T10:20:30+05:00", "2024-05-01 10:20:30"),
        ("2024-05-01T10:20:30Z", "2024-05-01 10:20:30"),
        ("2024-05-01T10:20:30.123-07:00", "2024-05-01 10:20:30"),
        ("2024-05-01 10:20:30", "2024-05-01 10:20:30"),
    ],
)
def test_created_keeps_the_wall_clock_and_drops_the_offset(
    api: SandboxClient, created: str, stored: str
) -> None:
    api.call("UpdateTicket", ticketid="42", created=created)

    assert api.ticket(42)["date"] == stored


@pytest.mark.parametrize("created", ["2024-02-30 10:00:00", "01/05/2024", "2024-05-01"])
def test_created_in_another_format_is_refused(api: SandboxClient, created: str) -> None:
    assert api.error("UpdateTicket", ticketid="42", created=created) == "Invalid Date Format"


def test_future_is_judged_by_the_install_time_zone(api: SandboxClient) -> None:
    ahead = (datetime.now(UTC) + timedelta(hours=10)).strftime("%Y-%m-%d %H:%M:%S")
    assert api.error("UpdateTicket", ticketid="42", created=ahead) == (
        "Ticket creation date cannot be in the future"
    )

    # UTC+14: ten hours ahead of UTC is already the past there.
    api.control("POST", "settings", {"timezone": "Pacific/Kiritimati"})

    assert api.call("UpdateTicket", ticketid="42", created=ahead)["result"] == "success"
    assert api.ticket(42)["date"] == ahead


def test_status_is_case_sensitive_and_custom_statuses_count(api: SandboxClient) -> None:
    assert api.error("UpdateTicket", ticketid="42", status="in progress") == STATUS_ERROR

    api.call("UpdateTicket", ticketid="42", status="Waiting on Vendor")

    assert api.ticket(42)["status"] == "Waiting on Vendor"


def test_setting_the_current_status_again_changes_nothing(api: SandboxClient) -> None:
    before = api.ticket(42)

    assert api.call("UpdateTicket", ticketid="42", status="Open")["result"] == "success"

    assert api.ticket(42) == before


def test_customfields_are_decoded_by_utf8_byte_length(api: SandboxClient) -> None:
    serialized = 'a:3:{i:1;s:5:"café";i:7;s:3:"<b>";i:5;s:1:"z";}'.encode()

    api.call("UpdateTicket", ticketid="42", customfields=payload(serialized))

    fields = api.ticket(42)["customfields"]
    # Field 5 is not configured and is dropped; field 2 keeps its earlier value.
    assert fields == {"1": "café", "2": "web2.host", "7": "&lt;b&gt;"}


def test_customfields_from_real_php_serialize(api: SandboxClient) -> None:
    if shutil.which("php") is None:
        pytest.skip("php is not installed, so no payload from real PHP can be made")
    script = 'echo base64_encode(serialize(array(1=>"café",7=>"x")));'
    encoded = subprocess.run(
        ["php", "-r", script], capture_output=True, text=True, check=True, timeout=10
    ).stdout

    api.call("UpdateTicket", ticketid="42", customfields=encoded)

    fields = api.ticket(42)["customfields"]
    assert (fields["1"], fields["7"]) == ("café", "x")


@pytest.mark.parametrize(
    "customfields",
    [
        "not base64 at all!",
        payload(b'a:1:{i:1;s:9:"too short";}'[:-3]),
        payload('a:1:{i:1;s:4:"café";}'.encode()),  # counts characters, not bytes
        payload(b's:3:"abc";'),  # not an array
    ],
)
def test_undecodable_customfields_are_ignored_and_the_call_succeeds(
    api: SandboxClient, customfields: str
) -> None:
    before = api.ticket(42)["customfields"]

    answer = api.call("UpdateTicket", ticketid="42", customfields=customfields, priority="Low")

    assert answer["result"] == "success"
    stored = api.ticket(42)
    assert stored["customfields"] == before
    assert stored["priority"] == "Low"


def test_department_change_takes_the_new_department_client_closure(api: SandboxClient) -> None:
    assert api.ticket(42)["preventClientClosure"] is False

    api.call("UpdateTicket", ticketid="42", deptid="3")  # Billing prevents client closure

    assert api.ticket(42)["preventClientClosure"] is True


def test_given_client_closure_wins_over_the_department_setting(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", deptid="3", preventClientClosure="0")
    assert api.ticket(42)["preventClientClosure"] is False

    api.call("UpdateTicket", ticketid="42", preventClientClosure="1")
    assert api.ticket(42)["preventClientClosure"] is True


def test_user_id_zero_turns_the_ticket_into_a_guest_ticket(api: SandboxClient) -> None:
    api.call("UpdateTicket", ticketid="42", userid="0", name="Pat O'Neil", email="pat@example.org")

    stored = api.ticket(42)
    assert (stored["userid"], stored["name"], stored["email"]) == (
        0,
        "Pat O&#039;Neil",
        "pat@example.org",
    )
    assert api.call("GetTicket", ticketid="42")["requestor_type"] == "Guest"

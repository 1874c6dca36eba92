"""Access errors (HTTP 403), the login ban, the API role, and the answer formats."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from bot.sandbox import Sandbox
from tests.sandbox.conftest import SandboxClient


def denied(api: SandboxClient, action: str = "GetTicket", **params: Any) -> str:
    response = api.post(action, ticketid="42", **params)
    assert response.status_code == 403, response.text
    assert response.json()["result"] == "error"
    return str(response.json()["message"])


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({"identifier": "someone-else", "secret": "x"}, "Invalid or missing credentials"),
        ({"identifier": "ticketbot-demo", "secret": ""}, "Invalid or missing credentials"),
        ({}, "Invalid or missing credentials"),
        ({"identifier": "ticketbot-demo", "secret": "wrong"}, "Authentication Failed"),
    ],
)
def test_credential_errors(api: SandboxClient, credentials: dict[str, Any], message: str) -> None:
    response = api.post("GetTicket", credentials=False, ticketid="42", **credentials)

    assert response.status_code == 403
    assert response.json() == {"result": "error", "message": message}


def test_three_failed_logins_ban_the_ip_even_for_the_right_secret(api: SandboxClient) -> None:
    for _ in range(3):
        denied(api, secret="wrong")

    assert denied(api) == "IP Banned"

    api.control("POST", "access", {"reset_bans": True})
    assert api.call("GetTicket", ticketid="42")["result"] == "success"


def test_two_failed_logins_do_not_ban(api: SandboxClient) -> None:
    denied(api, secret="wrong")
    denied(api, identifier="nobody")

    assert api.call("GetTicket", ticketid="42")["result"] == "success"


def test_ip_allow_list_and_access_key(api: SandboxClient) -> None:
    api.control("POST", "access", {"allowed_ips": ["198.51.100.7"], "access_key": "k3y"})

    assert denied(api) == "Invalid IP 127.0.0.1"
    assert denied(api, accesskey="nope") == "Invalid Access Key"
    assert denied(api, accesskey="k3y", secret="wrong") == "Authentication Failed"
    assert api.call("GetTicket", ticketid="42", accesskey="k3y")["result"] == "success"

    api.control("POST", "access", {"allowed_ips": ["127.0.0.1"]})
    assert api.call("GetTicket", ticketid="42")["result"] == "success"


def test_access_key_given_to_the_constructor_bypasses_the_allow_list() -> None:
    with Sandbox(access_key="from-config", identifier="other", secret="s3") as sandbox:
        api = SandboxClient(sandbox)
        api.control("POST", "access", {"allowed_ips": []})

        assert denied(api) == "Invalid IP 127.0.0.1"
        assert api.call("GetTicket", ticketid="42", accesskey="from-config")["ticketid"] == "42"


def test_api_role_limits_actions(api: SandboxClient) -> None:
    api.control("POST", "access", {"allowed_actions": ["GetTicket"]})

    assert denied(api, "UpdateTicket", status="Closed") == (
        'Invalid Permissions: API action "updateticket" is not allowed'
    )
    assert api.ticket(42)["status"] == "Open"
    assert api.call("getticket", ticketid="42")["result"] == "success"


def test_unknown_action(api: SandboxClient) -> None:
    assert denied(api, "Foo") == 'Invalid API Action: "foo" is not a valid API action'


def test_unknown_action_is_reported_only_after_credentials(api: SandboxClient) -> None:
    assert denied(api, "Foo", secret="wrong") == "Authentication Failed"


def test_action_name_is_case_insensitive(api: SandboxClient) -> None:
    api.call("uPdAtEtIcKeT", ticketid="42", status="Closed")

    assert api.ticket(42)["status"] == "Closed"


def test_without_json_errors_are_key_value_text(api: SandboxClient) -> None:
    refused = api.post("GetTicket", responsetype="", secret="wrong", ticketid="42")
    missing = api.post("UpdateTicket", responsetype="", ticketid="4242")

    assert refused.status_code == 403
    assert refused.text == "result=error;message=Authentication Failed;"
    assert missing.text == "result=error;message=Ticket ID Not Found;"


def test_without_json_single_calls_are_key_value_text(api: SandboxClient) -> None:
    text = api.post("UpdateTicket", responsetype="", ticketid="42", priority="Low").text

    assert text == "result=success;ticketid=42;"


def test_without_json_list_calls_are_xml(api: SandboxClient) -> None:
    body = api.post("GetSupportDepartments", responsetype="").content

    root = ET.fromstring(body)
    assert root.findtext("result") == "success"
    # Stored text is entity-encoded once, so an XML parser gives back the original name.
    names = [d.findtext("name") for d in root.iter("department")]
    assert names == ["General Support", "Technical Support", "Billing", "Sales & Pre-Sales"]


def test_every_string_comes_back_encoded_in_json(api: SandboxClient) -> None:
    body = api.post("GetSupportDepartments").text

    assert "Sales &amp; Pre-Sales" in body

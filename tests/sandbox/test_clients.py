"""GetClientsDetails over HTTP: known and unknown clients, the call log, the API role."""

from __future__ import annotations

import pytest

from bot.sandbox import Sandbox
from bot.whmcs import Transport, WhmcsAccessError, WhmcsClient
from tests.sandbox.conftest import SandboxClient


def test_known_client_by_id(api: SandboxClient) -> None:
    answer = api.call("GetClientsDetails", clientid="2", stats="0")

    assert answer["result"] == "success"
    assert (answer["userid"], answer["id"], answer["client"]["id"]) == (2, 2, 2)
    assert answer["client"]["client_id"] == 2
    # Text comes back entity-encoded, as WHMCS stores it.
    assert answer["client"]["fullname"] == "Zoë O&#039;Brien"
    assert answer["client"]["lastname"] == "O&#039;Brien"
    assert answer["email"] == "zoe.obrien@example.org"


@pytest.mark.parametrize("client_id", ["999", "0", "-1", "abc", ""])
def test_unknown_client_is_client_not_found(api: SandboxClient, client_id: str) -> None:
    assert api.error("GetClientsDetails", clientid=client_id) == "Client Not Found"


def test_unknown_client_error_is_json_with_http_200(api: SandboxClient) -> None:
    response = api.post("GetClientsDetails", clientid="999")

    # An error inside the action is HTTP 200, unlike the access errors (403).
    assert response.status_code == 200
    assert response.json() == {"result": "error", "message": "Client Not Found"}


def test_client_by_email_when_no_id_is_given(api: SandboxClient) -> None:
    answer = api.call("GetClientsDetails", email="Rahul@Example.IN")

    assert answer["client"]["id"] == 7
    assert api.error("GetClientsDetails", email="nobody@example.com") == "Client Not Found"


def test_the_id_wins_over_the_email(api: SandboxClient) -> None:
    answer = api.call("GetClientsDetails", clientid="1", email="rahul@example.in")

    assert answer["client"]["id"] == 1


def test_call_log_records_the_lookup_without_the_secret(
    api: SandboxClient, sandbox: Sandbox
) -> None:
    api.call("GetClientsDetails", clientid="3")
    api.call("GetClientsDetails", clientid="999")

    calls = api.control("GET", "calls").json()

    assert [(c["action"], c["params"]["clientid"], c["status"]) for c in calls] == [
        ("getclientsdetails", "3", 200),
        ("getclientsdetails", "999", 200),
    ]
    assert all(sandbox.secret not in str(c) for c in calls)


def test_api_role_without_the_action_is_refused_with_403(api: SandboxClient) -> None:
    api.control("POST", "access", {"allowed_actions": ["GetTicket", "GetTickets"]})

    response = api.post("GetClientsDetails", clientid="1")

    assert response.status_code == 403
    assert response.json() == {
        "result": "error",
        "message": 'Invalid Permissions: API action "getclientsdetails" is not allowed',
    }
    assert api.control("GET", "calls").json()[-1]["status"] == 403


def test_api_role_with_the_action_allows_it(api: SandboxClient) -> None:
    api.control("POST", "access", {"allowed_actions": ["GetClientsDetails"]})

    assert api.call("GetClientsDetails", clientid="1")["client"]["id"] == 1


def test_whmcs_client_reads_the_answers(sandbox: Sandbox) -> None:
    transport = Transport(sandbox.url, sandbox.identifier, sandbox.secret, timeout=5)
    client = WhmcsClient(transport)

    assert client.client_exists(1) is True
    assert client.client_exists(999) is False

    SandboxClient(sandbox).control("POST", "access", {"allowed_actions": ["GetTicket"]})
    with pytest.raises(WhmcsAccessError) as caught:
        client.client_exists(1)
    assert caught.value.kind == "permission"
    assert caught.value.denied_action == "getclientsdetails"
    transport.close()

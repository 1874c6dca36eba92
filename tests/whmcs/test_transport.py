"""The transport: endpoint URL, what is sent, keep-alive and pooling."""

from __future__ import annotations

import threading

import pytest

from bot.whmcs import Transport, api_url
from tests.whmcs.conftest import ACCESS_KEY, IDENTIFIER, SECRET, CannedServer, json_answer


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("https://billing.example.com", "https://billing.example.com/includes/api.php"),
        ("https://billing.example.com/", "https://billing.example.com/includes/api.php"),
        ("https://example.com/whmcs//", "https://example.com/whmcs/includes/api.php"),
        (
            "https://example.com/whmcs/includes/api.php",
            "https://example.com/whmcs/includes/api.php",
        ),
        (
            "https://example.com/whmcs/includes/api.php/",
            "https://example.com/whmcs/includes/api.php",
        ),
        (" http://127.0.0.1:8080 ", "http://127.0.0.1:8080/includes/api.php"),
    ],
)
def test_api_url_points_at_includes_api_php(base: str, expected: str) -> None:
    assert api_url(base) == expected


def test_call_posts_form_with_credentials_and_json_answers(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(json_answer({"result": "success", "ticketid": 42}))

    answer = transport.call("UpdateTicket", {"ticketid": 42, "status": "On Hold", "markdown": 1})

    assert answer == {"result": "success", "ticketid": 42}
    (form,) = server.forms
    assert form["_path"] == "/includes/api.php"
    assert form["_content_type"] == "application/x-www-form-urlencoded"
    assert form["action"] == "UpdateTicket"
    assert form["responsetype"] == "json"
    assert form["identifier"] == IDENTIFIER
    assert form["secret"] == SECRET
    assert form["accesskey"] == ACCESS_KEY
    assert (form["ticketid"], form["status"], form["markdown"]) == ("42", "On Hold", "1")


def test_no_access_key_is_sent_when_none_is_set(server: CannedServer) -> None:
    transport = Transport(server.url, IDENTIFIER, SECRET)

    transport.call("GetSupportStatuses")

    assert "accesskey" not in server.forms[0]
    transport.close()


def test_booleans_are_sent_as_1_and_0(server: CannedServer, transport: Transport) -> None:
    # WHMCS reads the string "false" as true, so a bool must never be sent as text.
    transport.call("UpdateTicket", {"ticketid": 1, "markdown": False, "removeFlag": True})

    assert (server.forms[0]["markdown"], server.forms[0]["removeFlag"]) == ("0", "1")


@pytest.mark.parametrize("name", ["secret", "identifier", "accesskey", "Action", "responsetype"])
def test_parameters_cannot_replace_credentials_or_action(transport: Transport, name: str) -> None:
    with pytest.raises(ValueError):
        transport.call("GetTicket", {name: "x"})


def test_sequential_calls_reuse_one_connection(server: CannedServer, transport: Transport) -> None:
    for _ in range(20):
        transport.call("GetSupportStatuses")

    assert len(server.forms) == 20
    assert server.connections == 1
    assert transport.calls_made == 20


def test_threads_share_one_transport(server: CannedServer) -> None:
    transport = Transport(server.url, IDENTIFIER, SECRET, pool_size=8)
    answers: list[dict[str, object]] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(10):
            answer = transport.call("GetSupportStatuses")
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 80
    assert all(answer == {"result": "success"} for answer in answers)
    assert len(server.forms) == 80
    # Connections are pooled, not opened per call: never more than one per thread.
    assert server.connections <= 8
    transport.close()


def test_repr_hides_credentials() -> None:
    transport = Transport(
        "https://user:pw@billing.example.com/", IDENTIFIER, SECRET, access_key=ACCESS_KEY
    )

    text = repr(transport)

    assert "billing.example.com/includes/api.php" in text
    for hidden in (SECRET, IDENTIFIER, ACCESS_KEY, "pw@"):
        assert hidden not in text
    transport.close()

"""How the transport reaches WHMCS: credentials in the URL, and proxies named by the environment."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest

from bot.whmcs import Transport, WhmcsUnreachable
from tests.whmcs.conftest import IDENTIFIER, SECRET, CannedServer


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def use_proxy(monkeypatch: pytest.MonkeyPatch, proxy: str, bypass: str = "") -> None:
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("http_proxy", proxy)
    monkeypatch.setenv("no_proxy", bypass)


def test_user_and_password_in_the_url_are_sent_as_basic_auth(server: CannedServer) -> None:
    # Some installs put WHMCS behind a web server login as well as the API's own credentials.
    url = server.url.replace("http://", "http://gate:s3cret@")
    transport = Transport(url, IDENTIFIER, SECRET)

    transport.call("GetSupportStatuses")

    (form,) = server.forms
    assert form["_authorization"] == basic("gate", "s3cret")
    assert form["_path"] == "/includes/api.php"
    assert form["identifier"] == IDENTIFIER
    transport.close()


def test_no_authorization_header_without_credentials_in_the_url(
    server: CannedServer, transport: Transport
) -> None:
    transport.call("GetSupportStatuses")

    assert server.forms[0]["_authorization"] == ""


def test_a_proxy_from_the_environment_carries_the_call(
    server: CannedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The canned server stands in for the proxy: it sees the absolute URL of the API.
    use_proxy(monkeypatch, server.url.replace("http://", "http://squid:pw@"))
    transport = Transport("http://billing.whmcs.invalid/", IDENTIFIER, SECRET, timeout=2)

    transport.call("GetSupportStatuses")

    (form,) = server.forms
    assert form["_path"] == "http://billing.whmcs.invalid/includes/api.php"
    assert form["_proxy_authorization"] == basic("squid", "pw")
    assert form["action"] == "GetSupportStatuses"
    transport.close()


def test_no_proxy_sends_the_call_straight_to_whmcs(
    server: CannedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead_proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
        use_proxy(monkeypatch, dead_proxy, bypass="127.0.0.1,localhost")
        transport = Transport(server.url, IDENTIFIER, SECRET, timeout=2)

        transport.call("GetSupportStatuses")

    assert server.forms[0]["_path"] == "/includes/api.php"
    transport.close()


def test_a_proxy_that_refuses_means_nothing_was_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        use_proxy(monkeypatch, f"http://127.0.0.1:{closed.getsockname()[1]}")
        transport = Transport("http://billing.whmcs.invalid/", IDENTIFIER, SECRET, timeout=2)

        with pytest.raises(WhmcsUnreachable) as caught:
            transport.call("UpdateTicket", {"ticketid": 42, "status": "Closed"})

    assert caught.value.reason == "the proxy refused the connection"
    assert "nothing was changed" in caught.value.message
    transport.close()


@pytest.mark.parametrize("url", ["billing.example.com", "ftp://billing.example.com", "http://"])
def test_a_url_that_is_not_http_is_refused_without_sending(url: str) -> None:
    transport = Transport(url, IDENTIFIER, SECRET)

    with pytest.raises(WhmcsUnreachable, match="not valid"):
        transport.call("GetSupportStatuses")

    transport.close()


def test_a_ca_bundle_that_cannot_be_read_is_named_and_nothing_is_sent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "missing.pem"))
    transport = Transport("https://billing.whmcs.invalid/", IDENTIFIER, SECRET)

    with pytest.raises(WhmcsUnreachable) as caught:
        transport.call("GetSupportStatuses")

    assert caught.value.reason == "the CA bundle REQUESTS_CA_BUNDLE names cannot be read"
    assert "nothing was changed" in caught.value.message
    transport.close()

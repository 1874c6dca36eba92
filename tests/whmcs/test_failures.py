"""Every way a WHMCS call can fail maps to one error class, without leaking credentials."""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from bot.whmcs import (
    Transport,
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsError,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)
from tests.whmcs.conftest import (
    ACCESS_KEY,
    IDENTIFIER,
    SECRET,
    Canned,
    CannedServer,
    json_answer,
)

PRIVATE_TEXT = "customer wrote: my password is hunter2"
NOTICE_HTML = (
    "<br />\n<b>Notice</b>:  Undefined index: foo in <b>/var/www/whmcs/includes/x.php</b> "
    "on line <b>12</b><br />\n"
)
NOTICE_TEXT = "PHP Deprecated:  strftime() is deprecated in /var/www/whmcs/a.php on line 7\n"
HTML_PAGE = "<!DOCTYPE html><html><head><title>Error</title></head><body>Oops</body></html>"


def call(transport: Transport) -> dict[str, Any]:
    """Make one call that carries a private text and an id."""
    return transport.call("UpdateTicket", {"ticketid": 42, "message": PRIVATE_TEXT})


@pytest.mark.parametrize(
    ("message", "kind", "ip", "denied_action"),
    [
        ("Invalid IP 198.51.100.7", "ip", "198.51.100.7", None),
        ("Invalid Access Key", "access_key", None, None),
        ("IP Banned", "banned", None, None),
        ("Invalid or missing credentials", "credentials", None, None),
        ("Authentication Failed", "authentication", None, None),
        (
            'Invalid Permissions: API action "updateticket" is not allowed',
            "permission",
            None,
            "updateticket",
        ),
        ('Invalid API Action: "foo" is not a valid API action', "unknown_action", None, None),
        ("Access denied for some new reason", "other", None, None),
    ],
)
def test_http_403_is_an_access_error_sent_once(
    server: CannedServer,
    transport: Transport,
    message: str,
    kind: str,
    ip: str | None,
    denied_action: str | None,
) -> None:
    server.reply(json_answer({"result": "error", "message": message}, status=403))

    with pytest.raises(WhmcsAccessError) as caught:
        call(transport)

    error = caught.value
    assert (error.message, error.kind, error.ip, error.denied_action) == (
        message,
        kind,
        ip,
        denied_action,
    )
    assert error.action == "UpdateTicket"
    # Three failed logins ban the IP: an access error is never retried.
    assert len(server.forms) == 1


def test_access_text_with_http_200_is_still_an_access_error(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(json_answer({"result": "error", "message": "Authentication Failed"}))

    with pytest.raises(WhmcsAccessError) as caught:
        call(transport)

    assert caught.value.kind == "authentication"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"result": "error", "message": "Ticket ID Not Found"}, "Ticket ID Not Found"),
        (
            {"result": "error", "message": "Invalid Ticket Priority. Valid priorities are: Low"},
            "Invalid Ticket Priority. Valid priorities are: Low",
        ),
        ({"warning": "Ticket is locked"}, "Ticket is locked"),
        ({"status": "error", "message": "Module not active"}, "Module not active"),
        ({"status": "error", "error": "Module not active"}, "Module not active"),
    ],
)
def test_refusals_with_http_200_are_api_errors_with_whmcs_text(
    server: CannedServer, transport: Transport, payload: dict[str, str], message: str
) -> None:
    server.reply(json_answer(payload))

    with pytest.raises(WhmcsApiError) as caught:
        call(transport)

    assert caught.value.message == message
    assert caught.value.action == "UpdateTicket"
    assert not isinstance(caught.value, WhmcsAccessError)


@pytest.mark.parametrize(
    ("canned", "status", "reason"),
    [
        (Canned(HTML_PAGE, 500, "text/html"), 500, "HTTP 500"),
        (Canned(HTML_PAGE, 503, "text/html"), 503, "HTTP 503"),
        (json_answer({"result": "success"}, status=502), 502, "HTTP 502"),
        (Canned("<html><body>Request blocked</body></html>", 403, "text/html"), 403, "403"),
        (Canned(HTML_PAGE, 200, "text/html"), 200, "answer was not JSON"),
        (Canned("", 200), 200, "answer was empty"),
        (Canned("[1, 2]", 200), 200, "answer was not JSON"),
        (Canned("result=success;", 200, "text/plain"), 200, "answer was not JSON"),
        (Canned('{"result": "success"', 200), 200, "answer was not JSON"),
        (Canned(HTML_PAGE + '{"result": "success"}', 200), 200, "answer was not JSON"),
        (
            Canned('<b>Fatal error</b>: out of memory<br />{"result": "success"}', 200),
            200,
            "answer was not JSON",
        ),
        (Canned(NOTICE_HTML + '{"result": "success"}' + HTML_PAGE), 200, "answer was not JSON"),
        (json_answer({"result": "pending"}), 200, "result"),
        (Canned("", 302, headers={"Location": "https://elsewhere.example/"}), 302, "redirect"),
        (Canned("gone", 404, "text/plain"), 404, "HTTP 404"),
    ],
)
def test_unusable_answers_are_unknown_outcomes(
    server: CannedServer, transport: Transport, canned: Canned, status: int, reason: str
) -> None:
    server.reply(canned)

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        call(transport)

    assert caught.value.status == status
    assert reason in caught.value.reason
    assert len(server.forms) == 1


@pytest.mark.parametrize(
    "body",
    [
        NOTICE_HTML + '{"result":"success","ticketid":"42"}',
        NOTICE_TEXT + NOTICE_TEXT + '{"result":"success","ticketid":"42"}',
        '{"result":"success","ticketid":"42"}\n' + NOTICE_HTML,
    ],
)
def test_json_between_php_notices_is_kept_and_reported(
    server: CannedServer, transport: Transport, caplog: pytest.LogCaptureFixture, body: str
) -> None:
    server.reply(Canned(body, 200, "text/html"))

    with caplog.at_level(logging.WARNING, logger="bot.whmcs"):
        answer = transport.call("GetSupportStatuses")

    assert answer == {"result": "success", "ticketid": "42"}
    assert "display_errors" in caplog.text


def test_write_answered_between_php_notices_is_an_unknown_outcome(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(Canned(NOTICE_HTML + '{"result":"success","ticketid":"42"}', 200, "text/html"))

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        call(transport)

    assert "PHP notices" in caught.value.reason


def test_error_json_after_php_notice_is_still_a_refusal(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(Canned(NOTICE_HTML + '{"result":"error","message":"Ticket ID Not Found"}'))

    with pytest.raises(WhmcsApiError, match="^Ticket ID Not Found$"):
        call(transport)


def test_read_timeout_is_an_unknown_outcome(server: CannedServer, transport: Transport) -> None:
    server.reply(Canned('{"result":"success"}', delay=0.6))

    with pytest.raises(WhmcsUnknownOutcome) as caught:
        call(transport)

    assert caught.value.reason == "timed out after 0.3 s"
    assert caught.value.status is None


def test_connection_dropped_after_sending_is_an_unknown_outcome(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(Canned(drop=True))

    with pytest.raises(WhmcsUnknownOutcome):
        call(transport)

    assert len(server.forms) == 1


def test_refused_connection_is_unreachable() -> None:
    # A bound socket that does not listen refuses connections, and keeps the port ours.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        transport = Transport(f"http://127.0.0.1:{port}", IDENTIFIER, SECRET, timeout=0.3)

        with pytest.raises(WhmcsUnreachable) as caught:
            call(transport)

    assert caught.value.reason == "connection refused"
    assert "nothing was changed" in caught.value.message


def test_unresolvable_host_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)
    transport = Transport("http://whmcs.invalid", IDENTIFIER, SECRET, timeout=0.3)

    with pytest.raises(WhmcsUnreachable) as caught:
        call(transport)

    assert caught.value.reason == "the host name does not resolve"


def test_connect_timeout_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def never_connects(*args: Any, **kwargs: Any) -> Any:
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", never_connects)
    transport = Transport("http://127.0.0.1:9", IDENTIFIER, SECRET, timeout=0.3)

    with pytest.raises(WhmcsUnreachable) as caught:
        call(transport)

    assert caught.value.reason == "connecting timed out after 0.3 s"


def test_invalid_url_is_unreachable() -> None:
    transport = Transport("billing.example.com", IDENTIFIER, SECRET)

    with pytest.raises(WhmcsUnreachable, match="not valid"):
        call(transport)


FAILURES = [
    json_answer({"result": "error", "message": "Authentication Failed"}, status=403),
    json_answer({"result": "error", "message": "Ticket ID Not Found"}),
    Canned(HTML_PAGE, 503, "text/html"),
    Canned(HTML_PAGE, 200, "text/html"),
    Canned('{"result":"success"}', delay=0.6),
    Canned(drop=True),
]


@pytest.mark.parametrize("canned", FAILURES)
def test_failures_log_one_line_without_credentials_or_values(
    server: CannedServer,
    transport: Transport,
    caplog: pytest.LogCaptureFixture,
    canned: Canned,
) -> None:
    server.reply(canned)

    with caplog.at_level(logging.DEBUG, logger="bot.whmcs"), pytest.raises(WhmcsError) as caught:
        call(transport)

    error = caught.value
    # A documented refusal is routine (debug: "Ticket ID Not Found" is how a bare number is
    # told from a ticket number); wrong credentials stop every later call (error); every other
    # fault is one warning.
    level = logging.WARNING
    if isinstance(error, WhmcsApiError):
        level = logging.DEBUG
    elif isinstance(error, WhmcsAccessError):
        level = logging.ERROR
    lines = [
        r for r in caplog.records if r.levelno >= logging.DEBUG and r.name.startswith("bot.whmcs")
    ]
    assert [r.levelno for r in lines] == [level]
    assert "UpdateTicket" in lines[0].getMessage()
    shown = [caplog.text, str(error), repr(error), error.message, repr(transport)]
    # No chained exception keeps the sent request (and so the secret) reachable.
    assert error.__cause__ is None
    assert error.__context__ is None
    for text in shown:
        for hidden in (SECRET, IDENTIFIER, ACCESS_KEY, PRIVATE_TEXT):
            assert hidden not in text


def test_credentials_echoed_by_whmcs_are_redacted(
    server: CannedServer, transport: Transport
) -> None:
    server.reply(json_answer({"result": "error", "message": f"Bad secret {SECRET}"}))

    with pytest.raises(WhmcsApiError) as caught:
        call(transport)

    assert SECRET not in caught.value.message
    assert caught.value.message == "Bad secret [redacted]"

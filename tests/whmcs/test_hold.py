"""After wrong credentials or a ban, the transport stops calling WHMCS instead of earning a ban."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from bot.whmcs import Transport, WhmcsAccessError
from bot.whmcs.hold import BAN_HOLD_SECONDS
from tests.whmcs.conftest import (
    ACCESS_KEY,
    IDENTIFIER,
    SECRET,
    Canned,
    CannedServer,
    json_answer,
)

AUTHENTICATION_FAILED = json_answer(
    {"result": "error", "message": "Authentication Failed"}, status=403
)
MISSING_CREDENTIALS = json_answer(
    {"result": "error", "message": "Invalid or missing credentials"}, status=403
)
IP_BANNED = json_answer({"result": "error", "message": "IP Banned"}, status=403)
SUCCESS = json_answer({"result": "success"})


class FakeClock:
    """Monotonic seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def transport(server: CannedServer, clock: FakeClock) -> Iterator[Transport]:
    """Return a Transport aimed at the canned server, on the fake clock."""
    whmcs = Transport(server.url, IDENTIFIER, SECRET, access_key=ACCESS_KEY, clock=clock)
    yield whmcs
    whmcs.close()


def fail_once(server: CannedServer, transport: Transport, canned: Canned) -> WhmcsAccessError:
    """Make one call that WHMCS refuses with `canned`; then let WHMCS answer success."""
    server.reply(canned)
    with pytest.raises(WhmcsAccessError) as caught:
        transport.call("GetTicket", {"ticketid": 42})
    server.reply(SUCCESS)
    return caught.value


@pytest.mark.parametrize(
    ("canned", "kind"),
    [
        (AUTHENTICATION_FAILED, "authentication"),
        (MISSING_CREDENTIALS, "credentials"),
        # Some installs send the access texts with HTTP 200; they count all the same.
        (json_answer({"result": "error", "message": "Authentication Failed"}), "authentication"),
    ],
)
def test_after_wrong_credentials_no_call_is_sent_again(
    server: CannedServer, transport: Transport, clock: FakeClock, canned: Canned, kind: str
) -> None:
    first = fail_once(server, transport, canned)

    for action in ("GetTicket", "UpdateTicket", "GetSupportStatuses", "GetTicket", "GetTickets"):
        with pytest.raises(WhmcsAccessError) as caught:
            transport.call(action, {"ticketid": 42})
        assert (caught.value.kind, caught.value.message) == (kind, first.message)
        assert caught.value.action == action
        clock.now += 24 * 3600

    # Three failed logins ban the IP: only the first call ever reached WHMCS.
    assert len(server.forms) == 1
    assert transport.calls_made == 1


def test_held_calls_raise_at_once_without_a_chained_error(
    server: CannedServer, transport: Transport
) -> None:
    fail_once(server, transport, AUTHENTICATION_FAILED)

    with pytest.raises(WhmcsAccessError) as caught:
        transport.call("GetTicket", {"ticketid": 42})

    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


def test_a_new_transport_calls_again(server: CannedServer, transport: Transport) -> None:
    fail_once(server, transport, AUTHENTICATION_FAILED)
    fixed = Transport(server.url, IDENTIFIER, SECRET)

    assert fixed.call("GetTicket", {"ticketid": 42}) == {"result": "success"}

    assert len(server.forms) == 2
    fixed.close()


def test_ban_holds_calls_for_five_minutes(
    server: CannedServer, transport: Transport, clock: FakeClock
) -> None:
    fail_once(server, transport, IP_BANNED)

    clock.now += BAN_HOLD_SECONDS - 1
    with pytest.raises(WhmcsAccessError) as caught:
        transport.call("GetTicket", {"ticketid": 42})
    assert caught.value.kind == "banned"
    assert len(server.forms) == 1

    clock.now += 1
    assert transport.call("GetTicket", {"ticketid": 42}) == {"result": "success"}
    assert len(server.forms) == 2
    assert BAN_HOLD_SECONDS == 5 * 60


def test_a_ban_that_is_still_there_holds_again(
    server: CannedServer, transport: Transport, clock: FakeClock
) -> None:
    fail_once(server, transport, IP_BANNED)
    clock.now += BAN_HOLD_SECONDS
    fail_once(server, transport, IP_BANNED)

    clock.now += BAN_HOLD_SECONDS - 1
    with pytest.raises(WhmcsAccessError):
        transport.call("GetTicket", {"ticketid": 42})

    assert len(server.forms) == 2


def test_wrong_credentials_after_a_ban_hold_for_good(
    server: CannedServer, transport: Transport, clock: FakeClock
) -> None:
    fail_once(server, transport, IP_BANNED)
    clock.now += BAN_HOLD_SECONDS
    fail_once(server, transport, AUTHENTICATION_FAILED)

    clock.now += 10 * BAN_HOLD_SECONDS
    with pytest.raises(WhmcsAccessError) as caught:
        transport.call("GetTicket", {"ticketid": 42})

    assert caught.value.kind == "authentication"
    assert len(server.forms) == 2


@pytest.mark.parametrize(
    "message",
    [
        "Invalid IP 198.51.100.7",
        "Invalid Access Key",
        'Invalid Permissions: API action "getticket" is not allowed',
        'Invalid API Action: "getticket" is not a valid API action',
        "Access denied for some new reason",
    ],
)
def test_errors_the_operator_fixes_in_whmcs_do_not_hold(
    server: CannedServer, transport: Transport, message: str
) -> None:
    fail_once(server, transport, json_answer({"result": "error", "message": message}, 403))

    # Fixed in WHMCS while the bot runs: the next command goes through.
    assert transport.call("GetTicket", {"ticketid": 42}) == {"result": "success"}
    assert len(server.forms) == 2


@pytest.mark.parametrize(
    ("canned", "wording"),
    [(AUTHENTICATION_FAILED, "restarts"), (IP_BANNED, f"{BAN_HOLD_SECONDS} s")],
)
def test_one_error_line_when_the_hold_starts_and_none_for_held_calls(
    server: CannedServer,
    transport: Transport,
    caplog: pytest.LogCaptureFixture,
    canned: Canned,
    wording: str,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="bot.whmcs"):
        fail_once(server, transport, canned)
        for _ in range(5):
            with pytest.raises(WhmcsAccessError):
                transport.call("UpdateTicket", {"ticketid": 42, "status": "Closed"})

    (line,) = caplog.records
    assert line.levelno == logging.ERROR
    assert "GetTicket" in line.getMessage()
    assert wording in line.getMessage()
    for hidden in (SECRET, IDENTIFIER, ACCESS_KEY):
        assert hidden not in caplog.text


def test_calls_in_flight_when_the_hold_starts_log_it_once(
    server: CannedServer, transport: Transport, caplog: pytest.LogCaptureFixture
) -> None:
    all_sent = threading.Event()

    def refuse_once_all_four_are_in(form: dict[str, str]) -> Canned:
        # No refusal comes back before all four calls have been sent.
        if len(server.forms) == 4:
            all_sent.set()
        all_sent.wait(5)
        return AUTHENTICATION_FAILED

    server.answer = refuse_once_all_four_are_in
    kinds: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            transport.call("GetTicket", {"ticketid": 42})
        except WhmcsAccessError as error:
            with lock:
                kinds.append(error.kind)

    with caplog.at_level(logging.WARNING, logger="bot.whmcs"):
        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert kinds == ["authentication"] * 4
    assert len(server.forms) == 4
    assert [r.levelno for r in caplog.records].count(logging.ERROR) == 1

"""Injected faults: what the client receives, and whether the action ran."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.sandbox.conftest import SandboxClient


def inject(api: SandboxClient, **spec: Any) -> None:
    response = api.control("POST", "faults", spec)
    assert response.status_code == 200, response.text


def close_ticket(api: SandboxClient, timeout: float = 5) -> requests.Response:
    return api.post("UpdateTicket", ticketid="42", status="Closed", timeout=timeout)


@pytest.mark.parametrize(("mode", "status"), [("html_500", 500), ("html_503", 503)])
def test_html_error_pages_do_not_run_the_action(api: SandboxClient, mode: str, status: int) -> None:
    inject(api, mode=mode)

    response = close_ticket(api)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")
    assert api.ticket(42)["status"] == "Open"


def test_html_page_with_200_does_not_run_the_action(api: SandboxClient) -> None:
    inject(api, mode="html_200")

    response = close_ticket(api)

    assert response.status_code == 200
    assert "<html>" in response.text
    assert api.ticket(42)["status"] == "Open"


def test_php_notice_precedes_the_json_and_the_write_happens(api: SandboxClient) -> None:
    inject(api, mode="php_notice")

    response = close_ticket(api)

    assert response.status_code == 200
    assert response.text.startswith("<br />\n<b>Notice</b>:")
    with pytest.raises(ValueError):
        response.json()
    tail = response.text[response.text.index("{") :]
    assert json.loads(tail) == {"result": "success", "ticketid": 42}
    assert api.ticket(42)["status"] == "Closed"


@pytest.mark.parametrize(("mode", "key"), [("warning", "warning"), ("status_error", "status")])
def test_failures_without_result_do_not_run_the_action(
    api: SandboxClient, mode: str, key: str
) -> None:
    inject(api, mode=mode)

    answer = close_ticket(api).json()

    assert key in answer
    assert "result" not in answer
    if mode == "status_error":
        assert answer["status"] == "error" and answer["message"]
    assert api.ticket(42)["status"] == "Open"


def test_missing_keys_runs_the_action_and_strips_the_answer(api: SandboxClient) -> None:
    inject(api, mode="missing_keys")

    assert close_ticket(api).json() == {"result": "success"}
    assert api.call("GetTickets") == {"result": "success"}
    assert api.call("GetAdminUsers") == {}
    assert api.ticket(42)["status"] == "Closed"


def test_timeout_after_write_runs_the_action_then_hangs(api: SandboxClient) -> None:
    inject(api, mode="timeout_after_write", hang=1.0)

    with pytest.raises(requests.exceptions.ReadTimeout):
        close_ticket(api, timeout=0.3)

    assert api.ticket(42)["status"] == "Closed"


def test_close_drops_the_connection_without_running_the_action(api: SandboxClient) -> None:
    inject(api, mode="close")

    with pytest.raises(requests.exceptions.ConnectionError):
        close_ticket(api)

    assert api.ticket(42)["status"] == "Open"
    assert api.control("GET", "calls").json()[-1]["status"] is None


def test_latency_delays_the_answer_and_the_action_still_runs(api: SandboxClient) -> None:
    inject(api, latency=0.3)

    started = time.monotonic()
    answer = close_ticket(api).json()

    assert time.monotonic() - started >= 0.3
    assert answer == {"result": "success", "ticketid": 42}


def test_faults_hit_only_the_named_actions(api: SandboxClient) -> None:
    inject(api, mode="html_500", actions=["UpdateTicket"])

    assert api.post("GetTicket", ticketid="42").status_code == 200
    assert close_ticket(api).status_code == 500


def test_count_limits_the_faulted_calls_then_faults_clear(api: SandboxClient) -> None:
    inject(api, mode="html_503", count=2)

    statuses = [close_ticket(api).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert api.control("GET", "faults").json()["mode"] is None


def test_count_holds_under_concurrent_calls(api: SandboxClient) -> None:
    inject(api, mode="html_503", count=5, actions=["getticket"])

    def get(_: int) -> int:
        return requests.post(
            api.sandbox.api_url,
            data={
                "action": "GetTicket",
                "ticketid": "42",
                "identifier": api.sandbox.identifier,
                "secret": api.sandbox.secret,
                "responsetype": "json",
            },
            timeout=5,
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(get, range(16)))

    assert sorted(statuses) == [200] * 11 + [503] * 5


def test_delete_clears_faults(api: SandboxClient) -> None:
    inject(api, mode="html_500")

    api.control("DELETE", "faults")

    assert close_ticket(api).status_code == 200


@pytest.mark.parametrize(
    "spec", [{"mode": "explode"}, {"latency": -1}, {"count": "two"}, {"actions": "updateticket"}]
)
def test_invalid_fault_spec_is_refused(api: SandboxClient, spec: dict[str, Any]) -> None:
    response = api.control("POST", "faults", spec)

    assert response.status_code == 400
    assert "error" in response.json()

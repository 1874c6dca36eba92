"""Random faults: each call breaks with a given probability, the same way for the same seed."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests

from bot.sandbox.faults import RANDOM_KINDS, FaultPlan
from tests.sandbox.conftest import SandboxClient


def draws(seed: int, calls: int = 400, **spec: Any) -> list[str | None]:
    plan = FaultPlan()
    plan.set({"random": {"rate": 0.2, "seed": seed, **spec}})
    faults = [plan.take("updateticket") for _ in range(calls)]
    return [None if fault is None else fault.kind for fault in faults]


def test_one_seed_gives_one_sequence_of_faults() -> None:
    first = draws(7)

    assert draws(7) == first
    assert draws(8) != first
    assert draws(7, kinds=sorted(RANDOM_KINDS, reverse=True)) == first, "kind order matters"


def test_the_rate_and_the_kinds_are_kept() -> None:
    kinds = draws(3, calls=4000, kinds=["html_503", "latency"])

    broken = [kind for kind in kinds if kind is not None]
    assert 0.17 <= len(broken) / len(kinds) <= 0.23
    assert set(broken) == {"html_503", "latency"}


def inject(api: SandboxClient, spec: dict[str, Any]) -> dict[str, Any]:
    response = api.control("POST", "faults", spec)
    assert response.status_code == 200, response.text
    described: dict[str, Any] = response.json()
    return described


def close_ticket(api: SandboxClient, timeout: float = 5) -> requests.Response:
    return api.post("UpdateTicket", ticketid="42", status="Closed", timeout=timeout)


def test_random_faults_break_calls_over_http_and_are_recorded(api: SandboxClient) -> None:
    described = inject(api, {"random": {"rate": 1.0, "seed": 1, "kinds": ["html_503"]}})
    assert described["random"]["rate"] == 1.0 and described["random"]["kinds"] == ["html_503"]

    statuses = [close_ticket(api).status_code for _ in range(3)]

    assert statuses == [503, 503, 503]
    assert api.ticket(42)["status"] == "Open"
    assert api.control("GET", "faults").json()["injected"] == {"html_503": 3}
    record = api.control("GET", "faults/injected").json()
    assert [(entry["action"], entry["kind"]) for entry in record] == [
        ("updateticket", "html_503")
    ] * 3


def test_delete_stops_random_faults_and_keeps_the_record(api: SandboxClient) -> None:
    inject(api, {"random": {"rate": 1.0, "seed": 1, "kinds": ["close"]}})
    with pytest.raises(requests.exceptions.ConnectionError):
        close_ticket(api)

    api.control("DELETE", "faults")

    assert close_ticket(api).json() == {"result": "success", "ticketid": 42}
    assert [entry["kind"] for entry in api.control("GET", "faults/injected").json()] == ["close"]
    inject(api, {"mode": None})
    assert api.control("GET", "faults/injected").json() == [], "a new plan starts a new record"


def test_a_timeout_after_write_keeps_the_write(api: SandboxClient) -> None:
    inject(api, {"random": {"rate": 1.0, "kinds": ["timeout_after_write"], "hang": 1.0}})

    with pytest.raises(requests.exceptions.ReadTimeout):
        close_ticket(api, timeout=0.3)

    assert api.ticket(42)["status"] == "Closed"


def test_a_latency_spike_delays_the_answer_and_the_call_succeeds(api: SandboxClient) -> None:
    inject(api, {"random": {"rate": 1.0, "kinds": ["latency"], "latency": 0.3}})

    started = time.monotonic()
    answer = close_ticket(api).json()

    assert time.monotonic() - started >= 0.3
    assert answer == {"result": "success", "ticketid": 42}


def test_random_faults_hit_only_the_named_actions(api: SandboxClient) -> None:
    spec = {"random": {"rate": 1.0, "kinds": ["html_500"]}, "actions": ["UpdateTicket"]}
    inject(api, spec)

    assert api.post("GetTicket", ticketid="42").status_code == 200
    assert close_ticket(api).status_code == 500


@pytest.mark.parametrize(
    "spec",
    [
        {"random": {"rate": 1.5}},
        {"random": {"rate": 0.1, "kinds": ["explode"]}},
        {"random": {"rate": 0.1, "kinds": []}},
        {"random": {"rate": 0.1, "seed": "seven"}},
        {"random": {"rate": 0.1, "spike": 2}},
        {"random": {"rate": 0.1}, "mode": "html_500"},
        {"random": 0.1},
    ],
)
def test_invalid_random_spec_is_refused(api: SandboxClient, spec: dict[str, Any]) -> None:
    response = api.control("POST", "faults", spec)

    assert response.status_code == 400
    assert "error" in response.json()

"""The sandbox WHMCS in a process of its own, and the benchmark's client for its control API."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import requests

from bench.processes import ServerProcess, child_environment

IDENTIFIER = "bench-identifier"
SECRET = "bench-secret-5e1f"
URL_PREFIX = "WHMCS sandbox API: "
API_PATH = "/includes/api.php"
# Tickets per bulk request: keeps each control request to a few seconds.
BULK_CHUNK = 1000


class SandboxProcess(ServerProcess):
    """`ticketbot sandbox` on a free loopback port, driven through its control API."""

    def __init__(self, workdir: Path) -> None:
        command = [sys.executable, "-m", "bot", "sandbox", "--host", "127.0.0.1", "--port", "0"]
        command += ["--identifier", IDENTIFIER, "--secret", SECRET]
        super().__init__("sandbox", command, child_environment({}), workdir)
        self.url = self._read_url()
        # One keep-alive connection for all of the benchmark's own requests, so that the
        # sandbox's count of accepted connections tells the bot's apart.
        self.http = requests.Session()
        self.http.trust_env = False  # loopback only: no proxy from the environment

    def _read_url(self) -> str:
        assert self.process.stdout is not None
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            line = self.process.stdout.readline().decode()
            if line.startswith(URL_PREFIX):
                return line[len(URL_PREFIX) :].strip().removesuffix(API_PATH)
            if not line:
                self.check_alive()
        raise RuntimeError("the sandbox did not say where it serves")

    def stop(self) -> None:
        """Close the control connection and stop the sandbox."""
        self.http.close()
        super().stop()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control API and return its JSON answer."""
        response = self.http.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=120)
        response.raise_for_status()
        return response.json()

    def set_latency(self, seconds: float) -> None:
        """Make every WHMCS API call answer after `seconds` (0 removes the delay)."""
        if seconds > 0:
            self.control("POST", "faults", {"latency": seconds})
        else:
            self.control("DELETE", "faults")

    def clear_calls(self) -> None:
        """Forget the WHMCS calls received so far."""
        self.control("DELETE", "calls")

    def calls(self) -> Counter[str]:
        """Return the WHMCS API calls received since the last clear, by action."""
        return Counter(call["action"] for call in self.control("GET", "calls"))

    def connections(self) -> int:
        """Return how many TCP connections the sandbox has accepted."""
        return int(self.control("GET", "connections")["accepted"])

    def own_connections(self) -> int:
        """Return how many connections the benchmark's control client has opened."""
        pools = self.http.get_adapter(self.url).poolmanager.pools  # type: ignore[attr-defined]
        # NOTE: urllib3's pool container refuses iteration; keys() returns a copy.
        return sum(int(pools[key].num_connections) for key in pools.keys())  # noqa: SIM118

    def put_tickets(self, tickets: Sequence[dict[str, Any]]) -> None:
        """Create or change many tickets at once (each with its `id`), as the admin area would."""
        for start in range(0, len(tickets), BULK_CHUNK):
            self.control("POST", "tickets", {"tickets": list(tickets[start : start + BULK_CHUNK])})

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """Return everything stored for one ticket."""
        found: dict[str, Any] = self.control("GET", f"tickets/{ticket_id}")
        return found

    def api(self, action: str, **params: str) -> dict[str, Any]:
        """Call the WHMCS API itself, as another WHMCS client would."""
        form = {"action": action, "responsetype": "json", "identifier": IDENTIFIER}
        form |= {"secret": SECRET, **params}
        response = self.http.post(self.url + API_PATH, data=form, timeout=30)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        if answer.get("result") != "success":
            raise RuntimeError(f"{action} failed: {answer.get('message')}")
        return answer


def ticket_rows(ids: Iterable[int], **fields: Any) -> list[dict[str, Any]]:
    """Return bulk-create rows giving each ticket id the same fields."""
    return [{"id": ticket_id, **fields} for ticket_id in ids]

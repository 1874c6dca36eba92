"""A fresh sandbox per test, and a small client that speaks to it over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from bot.sandbox import Sandbox


class SandboxClient:
    """Call the sandbox's WHMCS API and its control API."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.http = requests.Session()

    def post(
        self, action: str, *, credentials: bool = True, timeout: float = 5, **params: str
    ) -> requests.Response:
        """POST one API call with responsetype=json unless the test overrides it."""
        form: dict[str, str] = {"action": action, "responsetype": "json"}
        if credentials:
            form |= {"identifier": self.sandbox.identifier, "secret": self.sandbox.secret}
        form |= params
        return self.http.post(self.sandbox.api_url, data=form, timeout=timeout)

    def call(self, action: str, **params: Any) -> dict[str, Any]:
        """POST one API call that must answer HTTP 200 with JSON."""
        response = self.post(action, **params)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def error(self, action: str, **params: Any) -> str:
        """POST one API call that must fail inside the action; return its message."""
        answer = self.call(action, **params)
        assert answer["result"] == "error", answer
        return str(answer["message"])

    def control(self, method: str, path: str, body: Any = None) -> requests.Response:
        """Call the control API."""
        return self.http.request(
            method, f"{self.sandbox.url}/_sandbox/{path}", json=body, timeout=5
        )

    def ticket(self, ticket_id: int) -> dict[str, Any]:
        """Read everything stored for a ticket."""
        response = self.control("GET", f"tickets/{ticket_id}")
        assert response.status_code == 200, response.text
        stored: dict[str, Any] = response.json()
        return stored

    def set_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        """Set stored ticket fields directly."""
        response = self.control("POST", f"tickets/{ticket_id}", fields)
        assert response.status_code == 200, response.text
        stored: dict[str, Any] = response.json()
        return stored


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def api(sandbox: Sandbox) -> SandboxClient:
    return SandboxClient(sandbox)

"""State in a SQLite file survives a restart and is not seeded twice."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import Sandbox
from tests.sandbox.conftest import SandboxClient


def test_state_survives_a_restart_on_the_same_file(tmp_path: Path) -> None:
    db_path = str(tmp_path / "whmcs.sqlite3")
    with Sandbox(db_path=db_path) as first:
        api = SandboxClient(first)
        api.call("UpdateTicket", ticketid="42", status="Closed", subject="Kept & stored")
        opened = api.call("OpenTicket", deptid="2", subject="New", message="m", clientid="3")
        api.control("POST", "settings", {"timezone": "Europe/Berlin"})

    with Sandbox(db_path=db_path) as second:
        api = SandboxClient(second)
        assert api.ticket(42)["status"] == "Closed"
        assert api.call("GetTicket", ticketid="42")["subject"] == "Kept &amp; stored"
        assert api.call("GetTicket", ticketid=str(opened["id"]))["tid"] == opened["tid"]
        assert api.call("GetTickets", ignore_dept_assignments="1")["totalresults"] == 49
        assert api.control("GET", "settings").json()["timezone"] == "Europe/Berlin"


def test_memory_state_starts_fresh_every_time() -> None:
    with Sandbox() as first:
        SandboxClient(first).call("UpdateTicket", ticketid="42", status="Closed")

    with Sandbox() as second:
        assert SandboxClient(second).ticket(42)["status"] == "Open"


def test_without_demo_data_the_install_has_configuration_but_no_tickets() -> None:
    with Sandbox(seed_demo=False) as sandbox:
        api = SandboxClient(sandbox)

        assert "tickets" not in api.call("GetTickets")
        assert len(api.call("GetSupportDepartments")["departments"]["department"]) == 4
        assert api.call("GetAdminUsers")["count"] == 4

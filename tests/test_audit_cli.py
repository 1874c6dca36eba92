"""`ticketbot audit`, run as an operator runs it, on a database the test fills."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.store import AuditEntry, Change, Store, timestamp

NOW = datetime.now(UTC)


def ago(**delta: float) -> str:
    """Return a moment that long before now, as the store writes it."""
    return timestamp(NOW - timedelta(**delta))


ENTRIES = [
    AuditEntry(
        "2020-01-10T08:00:00Z",
        "U0000001",
        1,
        42,
        "ABC-165776",
        "command",
        "done",
        (Change("Status", "Open", "Closed"),),
    ),
    AuditEntry(
        "2020-02-20T12:30:00Z",
        "U0000009",
        None,
        None,
        "XYZ-1",
        "button",
        "denied",
        (Change("Flag", None, "Alice Admin"),),
        "U0000009 is not linked to a WHMCS admin",
    ),
    AuditEntry(ago(days=3), "U0000002", 2, 7, "42", "form", "no_change", ()),
    AuditEntry(
        ago(hours=2),
        "U0000002",
        2,
        42,
        "ABC-165776",
        "command",
        "partial",
        (Change("Priority", "Low", "High"),),
        "Invalid Ticket Status",
    ),
    AuditEntry(
        ago(minutes=5),
        "U0000001",
        1,
        42,
        "ABC-165776",
        "button",
        "done",
        (Change("Flag", "unflagged", "Alice Admin"),),
    ),
]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """A database holding ENTRIES, recorded out of order."""
    path = tmp_path / "records" / "ticketbot.sqlite3"
    with Store(path) as store:
        for entry in reversed(ENTRIES):
            store.record(entry)
    return path


def ticketbot(
    *args: str, cwd: Path, database: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` with no Slack or WHMCS settings at all."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "WHMCS_", "TICKETBOT_"))
    }
    if database is not None:
        env["TICKETBOT_DB"] = str(database)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def audit(database: Path, *args: str) -> list[str]:
    """Return the lines `ticketbot audit` prints, after checking that it succeeded."""
    done = ticketbot("audit", *args, cwd=database.parent, database=database)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_every_entry_is_printed_oldest_first(database: Path) -> None:
    lines = audit(database)

    assert len(lines) == 5
    assert lines[0] == (
        "2020-01-10 08:00:00Z U0000001 admin=1 #ABC-165776 (id 42) command done: "
        "Status Open → Closed"
    )
    assert lines[1] == (
        "2020-02-20 12:30:00Z U0000009 admin=- #XYZ-1 button denied: "
        "Flag set to Alice Admin — U0000009 is not linked to a WHMCS admin"
    )
    assert lines[4].endswith("button done: Flag unflagged → Alice Admin")


def test_json_lines_hold_every_field(database: Path) -> None:
    records = [json.loads(line) for line in audit(database, "--json")]

    assert [record["at"] for record in records] == [entry.at for entry in ENTRIES]
    assert records[1] == {
        "id": 4,
        "at": "2020-02-20T12:30:00Z",
        "slack_user": "U0000009",
        "admin_id": None,
        "ticket_id": None,
        "ticket_number": "XYZ-1",
        "source": "button",
        "outcome": "denied",
        "changes": [{"field": "Flag", "before": None, "after": "Alice Admin"}],
        "detail": "U0000009 is not linked to a WHMCS admin",
    }


def outcomes(database: Path, *args: str) -> list[str]:
    """Return the outcome of each entry printed, oldest first."""
    return [json.loads(line)["outcome"] for line in audit(database, "--json", *args)]


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [
        ("#ABC-165776", ["done", "partial", "done"]),
        ("abc-165776", ["done", "partial", "done"]),
        ("XYZ-1", ["denied"]),
        # 42 is ticket 7's all-digit ticket number as well as the id of ABC-165776.
        ("42", ["done", "no_change", "partial", "done"]),
        ("7", ["no_change"]),
        ("#404", []),
    ],
)
def test_ticket_takes_an_id_or_a_ticket_number(
    database: Path, ticket: str, expected: list[str]
) -> None:
    assert outcomes(database, "--ticket", ticket) == expected


def test_user_since_and_limit_narrow_the_record(database: Path) -> None:
    assert outcomes(database, "--user", "U0000002") == ["no_change", "partial"]
    assert outcomes(database, "--since", "2020-02-20") == ["denied", "no_change", "partial", "done"]
    assert outcomes(database, "--since", "2020-02-20 12:31") == ["no_change", "partial", "done"]
    assert outcomes(database, "--since", "24h") == ["partial", "done"]
    assert outcomes(database, "--since", "30m") == ["done"]
    assert outcomes(database, "--since", "7d", "--user", "u0000001") == ["done"]
    assert outcomes(database, "--limit", "2") == ["partial", "done"]
    assert outcomes(database, "--ticket", "42", "--limit", "3") == ["no_change", "partial", "done"]


def test_the_database_path_is_read_from_dotenv(database: Path, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TICKETBOT_DB=records/ticketbot.sqlite3\n")

    done = ticketbot("audit", "--limit", "1", cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("button done: Flag unflagged → Alice Admin\n")


def test_a_missing_database_is_reported_and_not_created(tmp_path: Path) -> None:
    done = ticketbot("audit", cwd=tmp_path)

    assert done.returncode == 1
    assert done.stdout == ""
    # Without WHMCS_URL, ticketbot run keeps its record in the sandbox's own file.
    missing = tmp_path / "ticketbot-sandbox.sqlite3"
    assert done.stderr.splitlines() == [
        f"ticketbot audit: no database at {missing} (see TICKETBOT_DB)"
    ]
    assert list(tmp_path.iterdir()) == []


def test_with_whmcs_url_set_the_real_installs_record_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("WHMCS_URL=https://billing.example.com\n")
    done = ticketbot("audit", cwd=tmp_path)

    assert done.returncode == 1
    assert f"no database at {tmp_path / 'ticketbot.sqlite3'}" in done.stderr


def test_a_file_that_is_not_a_database_is_reported_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database, just notes\n" * 100)

    done = ticketbot("audit", cwd=tmp_path, database=path)

    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1
    assert "cannot read" in done.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--ticket", "billing"], "not a ticket id"),
        (["--user", "bob"], "not a Slack user id"),
        (["--since", "yesterday"], "not a date"),
        (["--since", "2026-13-01"], "not a date"),
        (["--limit", "0"], "not a positive whole number"),
        (["--limit"], "expected one argument"),
        (["--verbose"], "unrecognized arguments"),
    ],
)
def test_a_bad_argument_stops_with_one_line(database: Path, args: list[str], named: str) -> None:
    done = ticketbot("audit", *args, cwd=database.parent, database=database)

    assert done.returncode == 2
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("ticketbot audit: ")
    assert named in line

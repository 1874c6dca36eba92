"""The SQLite store: audit entries and cached identities survive threads, reopening and filters."""

from __future__ import annotations

import sqlite3
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from bot.store import (
    SCHEMA_VERSION,
    AuditEntry,
    CachedIdentity,
    Change,
    Store,
    StoreError,
)


def attempt(
    at: str = "2026-12-04T17:30:00Z",
    slack_user: str = "U0000002",
    ticket_id: int | None = 42,
    ticket_number: str = "ABC-165776",
    outcome: str = "done",
) -> AuditEntry:
    """Return an audit entry with sensible defaults."""
    return AuditEntry(
        at=at,
        slack_user=slack_user,
        admin_id=2,
        ticket_id=ticket_id,
        ticket_number=ticket_number,
        source="command",
        outcome=outcome,
        changes=(Change("Status", "Open", "Closed"), Change("Markdown", None, "on")),
        detail="",
    )


@pytest.fixture
def store() -> Store:
    """A store in memory."""
    return Store(":memory:")


def test_an_entry_reads_back_as_recorded_with_its_id(store: Store) -> None:
    entry = attempt()

    entry_id = store.record(entry)

    assert store.entries() == [replace(entry, id=entry_id)]


def test_times_are_kept_in_utc_and_ticket_numbers_without_their_hash(store: Store) -> None:
    store.record(attempt(at="2026-12-04T19:30:00+02:00", ticket_number="#ABC-1"))

    [entry] = store.entries()

    assert entry.at == "2026-12-04T17:30:00Z"
    assert entry.ticket_number == "ABC-1"


@pytest.mark.parametrize(
    "entry",
    [
        AuditEntry("2026-12-04T17:30:00Z", "U1", 1, 1, "A-1", "email", "done", ()),
        AuditEntry("2026-12-04T17:30:00Z", "U1", 1, 1, "A-1", "command", "maybe", ()),
        AuditEntry("yesterday", "U1", 1, 1, "A-1", "command", "done", ()),
        AuditEntry("2026-12-04T17:30:00Z", "U1", 1, 1, "A-1", "command", "done", (), id=3),
    ],
    ids=["source", "outcome", "time", "already recorded"],
)
def test_a_malformed_entry_is_refused_and_nothing_is_written(
    store: Store, entry: AuditEntry
) -> None:
    with pytest.raises(ValueError):
        store.record(entry)

    assert store.entries() == []


def test_concurrent_writes_all_land_and_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "ticketbot.sqlite3"
    store = Store(path)

    def write(worker: int) -> list[int]:
        return [store.record(attempt(slack_user=f"U{worker:07d}", ticket_id=n)) for n in range(200)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = [entry_id for batch in pool.map(write, range(8)) for entry_id in batch]
    store.close()

    assert len(set(ids)) == 1600
    with Store(path) as reopened:
        entries = reopened.entries()
        assert len(entries) == 1600
        assert {entry.id for entry in entries} == set(ids)
        assert len(reopened.entries(slack_user="U0000007")) == 200


def test_two_open_stores_on_one_file_wait_for_each_other(tmp_path: Path) -> None:
    path = tmp_path / "ticketbot.sqlite3"
    stores = [Store(path), Store(path)]

    def write(store: Store) -> int:
        return len([store.record(attempt(ticket_id=n)) for n in range(100)])

    with ThreadPoolExecutor(max_workers=4) as pool:
        written = sum(pool.map(write, stores * 2))

    assert written == len(stores[1].entries()) == 400
    for store in stores:
        store.close()


def test_the_file_and_its_folder_are_created_for_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "lib" / "ticketbot.sqlite3"

    Store(path).close()

    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_file_carries_its_schema_version_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "ticketbot.sqlite3"
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION >= 1

    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "ticketbot.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()

    with pytest.raises(StoreError, match="newer ticketbot"):
        Store(path)

    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert raw.execute("SELECT name FROM sqlite_master").fetchall() == []
    raw.close()


@pytest.fixture
def filled(store: Store) -> Store:
    """A store holding five attempts by two people on three tickets over two days."""
    store.record(attempt("2026-12-03T09:00:00Z", "U0000001", 42, "ABC-165776"))
    store.record(attempt("2026-12-03T10:00:00Z", "U0000002", 7, "XYZ-000001", "denied"))
    store.record(attempt("2026-12-04T09:00:00Z", "U0000002", 42, "ABC-165776"))
    store.record(attempt("2026-12-04T09:00:00Z", "U0000001", None, "QQQ-9", "refused"))
    store.record(attempt("2026-12-04T12:00:00Z", "U0000001", 42, "ABC-165776", "partial"))
    return store


def moments(entries: list[AuditEntry]) -> list[tuple[str, str]]:
    """Return when and by whom, in order."""
    return [(entry.at[5:16], entry.slack_user) for entry in entries]


def test_entries_come_newest_first_unless_asked_otherwise(filled: Store) -> None:
    newest = filled.entries()
    oldest = filled.entries(newest_first=False)

    assert moments(newest) == [
        ("12-04T12:00", "U0000001"),
        ("12-04T09:00", "U0000001"),
        ("12-04T09:00", "U0000002"),
        ("12-03T10:00", "U0000002"),
        ("12-03T09:00", "U0000001"),
    ]
    assert oldest == newest[::-1]


def test_entries_filter_by_ticket_user_and_time(filled: Store) -> None:
    assert [e.outcome for e in filled.entries(ticket_id=42)] == ["partial", "done", "done"]
    assert [e.ticket_id for e in filled.entries(ticket_number="#qqq-9")] == [None]
    assert [e.ticket_id for e in filled.entries(ticket_number="XYZ-000001")] == [7]
    assert len(filled.entries(slack_user="U0000002")) == 2
    assert moments(filled.entries(since="2026-12-04T10:00:00+01:00")) == [
        ("12-04T12:00", "U0000001"),
        ("12-04T09:00", "U0000001"),
        ("12-04T09:00", "U0000002"),
    ]
    assert moments(filled.entries(ticket_id=42, slack_user="U0000001", since="2026-12-04")) == [
        ("12-04T12:00", "U0000001")
    ]
    assert filled.entries(slack_user="U0000404") == []


def test_a_limit_keeps_the_first_entries_in_the_order_asked(filled: Store) -> None:
    assert moments(filled.entries(limit=2)) == [
        ("12-04T12:00", "U0000001"),
        ("12-04T09:00", "U0000001"),
    ]
    assert moments(filled.entries(limit=1, newest_first=False)) == [("12-03T09:00", "U0000001")]
    with pytest.raises(ValueError):
        filled.entries(limit=-1)


def test_an_identity_is_cached_replaced_and_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "ticketbot.sqlite3"
    store = Store(path)
    assert store.cached_identity("U0000001") is None

    store.cache_identity(CachedIdentity("U0000001", 1, "alice@example.com", 1000.5))
    store.cache_identity(CachedIdentity("U0000009", None, "nobody@example.org", 1000.0))
    store.cache_identity(CachedIdentity("U0000001", 3, "alice@example.net", 2000.0))
    store.close()

    store = Store(path)
    assert store.cached_identity("U0000001") == CachedIdentity(
        "U0000001", 3, "alice@example.net", 2000.0
    )
    assert store.cached_identity("U0000009") == CachedIdentity(
        "U0000009", None, "nobody@example.org", 1000.0
    )
    store.forget_identity("U0000001")
    store.forget_identity("U0000404")
    assert store.cached_identity("U0000001") is None
    assert store.cached_identity("U0000009") is not None
    store.close()


def test_an_attempt_started_and_finished_is_one_entry(store: Store) -> None:
    entry_id = store.record(replace(attempt(), outcome="started", changes=()))
    store.finish(entry_id, replace(attempt(), detail="ok"))
    (entry,) = store.entries()
    assert entry.id == entry_id and entry.outcome == "done" and entry.detail == "ok"
    assert entry.changes == attempt().changes


def test_an_attempt_the_bot_died_during_is_unknown_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    with Store(path) as store:
        store.record(attempt(outcome="done"))
        store.record(replace(attempt(), outcome="started", changes=()))

    with Store(path) as restarted:
        assert restarted.settle_interrupted() == 1
        outcomes = [(e.outcome, e.detail) for e in restarted.entries(newest_first=False)]
        assert outcomes[0] == ("done", "")
        assert outcomes[1][0] == "unknown" and "check the ticket in WHMCS" in outcomes[1][1]
        assert restarted.settle_interrupted() == 0

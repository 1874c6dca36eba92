"""Every attempt is in the audit record from the moment WHMCS is asked, not only once answered."""

from __future__ import annotations

import time

from bot.store import Store
from tests.scenario.harness import Harness


def test_a_change_is_recorded_as_started_before_whmcs_answers(bot: Harness) -> None:
    bot.faults(latency=1.5, actions=["updateticket"], count=1)
    reply = bot.command("42 status On Hold")

    with Store(bot.db) as store:
        deadline = time.monotonic() + 5
        entries = store.entries()
        while not entries and time.monotonic() < deadline:
            time.sleep(0.05)
            entries = store.entries()
        assert [e.outcome for e in entries] == ["started"], "the write went unrecorded"

    reply.final()
    with Store(bot.db) as store:
        (entry,) = store.entries()
    assert entry.outcome == "done" and entry.ticket_id == 42
    assert [(c.field, c.before, c.after) for c in entry.changes] == [("Status", "Open", "On Hold")]

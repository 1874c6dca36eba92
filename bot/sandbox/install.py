"""One sandbox install: its database, access rules, injected faults and call log."""

from __future__ import annotations

import logging
import sqlite3

from bot.sandbox.actions import ACTIONS
from bot.sandbox.calls import CallLog
from bot.sandbox.connections import ConnectionCount
from bot.sandbox.demo_catalog import seed_catalog
from bot.sandbox.demo_tickets import seed_tickets
from bot.sandbox.faults import FaultPlan
from bot.sandbox.gate import Gate
from bot.sandbox.store import Store, get_meta, local_now, set_meta, wipe

log = logging.getLogger(__name__)

# The admin the API credential belongs to; WHMCS logs every API change against this admin.
API_ADMIN_ID = 1


class Install:
    """Hold the state behind one sandbox; every part is safe to use from request threads."""

    def __init__(
        self,
        db_path: str | None,
        identifier: str,
        secret: str,
        access_key: str | None,
        seed_demo: bool,
    ) -> None:
        self.store = Store(db_path)
        self.gate = Gate(identifier, secret, ACTIONS, access_key)
        self.faults = FaultPlan()
        self.calls = CallLog()
        self.connections = ConnectionCount()
        self.admin_id = API_ADMIN_ID
        self._seed_demo = seed_demo
        with self.store.transaction() as db:
            # A database file that was seeded before keeps its state across restarts.
            if get_meta(db, "seeded") != "1":
                self._seed(db)

    def reset(self) -> None:
        """Go back to the freshly seeded state; faults, calls, bans and access rules too."""
        with self.store.transaction() as db:
            wipe(db)
            self._seed(db)
        self.faults.clear()
        self.calls.clear()
        self.gate.reset()
        log.info("sandbox reset to its seeded state")

    def close(self) -> None:
        """Release the database."""
        self.store.close()

    def _seed(self, db: sqlite3.Connection) -> None:
        seed_catalog(db)
        if self._seed_demo:
            seed_tickets(db, local_now(db))
        set_meta(db, "seeded", "1")

"""What an action receives (the request, the database, the clock) and how it fails."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.sandbox.php import htmlspecialchars
from bot.sandbox.store import DATE_FORMAT

Answer = dict[str, Any]


class ActionError(Exception):
    """An error raised inside an action: HTTP 200 with result "error" and this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ApiCall:
    """One API request as an action sees it."""

    params: Mapping[str, str]
    db: sqlite3.Connection
    now: datetime
    admin_id: int

    def has(self, key: str) -> bool:
        """Tell whether the request carries the parameter at all (even empty)."""
        return key in self.params

    def raw(self, key: str) -> str:
        """Return a parameter as sent, "" when absent."""
        return self.params.get(key, "")

    def text(self, key: str) -> str:
        """Return a parameter the way WHMCS stores it: HTML-entity-encoded."""
        return htmlspecialchars(self.raw(key))

    @property
    def stamp(self) -> str:
        """Return the install's current time as WHMCS writes dates."""
        return self.now.strftime(DATE_FORMAT)

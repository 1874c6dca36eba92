"""Cache WHMCS's statuses, departments and admins, which change rarely."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.whmcs import Admin, Department, Status, WhmcsClient, WhmcsError

T = TypeVar("T")
MISS_REFRESH = 10.0


class _Cached(Generic[T]):
    """One list read from WHMCS, kept for `ttl` seconds."""

    def __init__(self, load: Callable[[], list[T]], ttl: float, clock: Callable[[], float]) -> None:
        self._load = load
        self._ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._items: list[T] | None = None
        self._loaded_at = 0.0

    def get(self, refresh: bool = False) -> list[T]:
        """Return the list, reading WHMCS when it is stale, missing or a refresh is asked for."""
        with self._lock:
            fresh = self._items is not None and self._clock() - self._loaded_at < self._ttl
            if refresh or not fresh:
                self._items = self._load()
                self._loaded_at = self._clock()
            assert self._items is not None
            return self._items

    def find(self, match: Callable[[T], bool]) -> T | None:
        """Return the first item that matches, reading WHMCS again on a miss.

        A miss reads WHMCS again at most once per MISS_REFRESH seconds, so a run of mistyped
        values does not turn into a run of WHMCS calls.
        """
        found = next((item for item in self.get() if match(item)), None)
        if found is not None or self._clock() - self._loaded_at < MISS_REFRESH:
            return found
        return next((item for item in self.get(refresh=True) if match(item)), None)


class Catalog:
    """The live WHMCS lists that values are checked against, cached briefly."""

    def __init__(
        self, client: WhmcsClient, ttl: float = 300.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.statuses = _Cached[Status](client.get_statuses, ttl, clock)
        self.departments = _Cached[Department](client.get_departments, ttl, clock)
        self.admins = _Cached[Admin](client.get_admins, ttl, clock)

    def department_name(self, deptid: int) -> str | None:
        """Return a department's name, or None when WHMCS's list lacks it or cannot be read."""
        try:
            found = self.departments.find(lambda department: department.id == deptid)
        except WhmcsError:
            return None
        return found.name if found else None

    def admin(self, admin_id: int) -> Admin | None:
        """Return the enabled admin with this id, or None."""
        return self.admins.find(lambda admin: admin.id == admin_id)

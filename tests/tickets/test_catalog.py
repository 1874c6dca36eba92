"""WHMCS's lists are cached for a while, and read again when a value is missing."""

from __future__ import annotations

from bot.tickets.catalog import Catalog
from bot.whmcs import Status


class CountingClient:
    """Stands in for WhmcsClient's list calls and counts them."""

    def __init__(self) -> None:
        self.titles = ["Open", "Closed"]
        self.reads = 0

    def get_statuses(self) -> list[Status]:
        self.reads += 1
        return [Status(title, 0, "") for title in self.titles]

    def get_departments(self) -> list[object]:
        return []

    def get_admins(self) -> list[object]:
        return []


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lists_are_reused_until_the_ttl_passes() -> None:
    client, clock = CountingClient(), Clock()
    catalog = Catalog(client, ttl=60, clock=clock)  # type: ignore[arg-type]
    catalog.statuses.get()
    clock.now += 59
    catalog.statuses.get()
    assert client.reads == 1
    clock.now += 2
    catalog.statuses.get()
    assert client.reads == 2


def test_a_status_added_in_whmcs_is_found_on_a_miss() -> None:
    client, clock = CountingClient(), Clock()
    catalog = Catalog(client, ttl=300, clock=clock)  # type: ignore[arg-type]
    assert catalog.statuses.find(lambda s: s.title == "Open") is not None
    client.titles.append("Escalated")
    clock.now += 30
    assert catalog.statuses.find(lambda s: s.title == "Escalated") is not None
    assert client.reads == 2


def test_repeated_misses_do_not_hammer_whmcs() -> None:
    client, clock = CountingClient(), Clock()
    catalog = Catalog(client, ttl=300, clock=clock)  # type: ignore[arg-type]
    for _ in range(20):
        assert catalog.statuses.find(lambda s: s.title == "Nope") is None
        clock.now += 1
    # The first read, and one more once ten seconds have passed since it.
    assert client.reads == 2

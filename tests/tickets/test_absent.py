"""Bare numbers found to be no ticket's number are remembered for a while, and no longer."""

from __future__ import annotations

from bot.tickets.absent import AbsentNumbers


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_number_is_remembered_until_its_time_is_up() -> None:
    clock = Clock()
    absent = AbsentNumbers(ttl=300, clock=clock)
    absent.note("42")
    assert "42" in absent and "43" not in absent
    clock.now += 299
    assert "42" in absent
    clock.now += 1
    assert "42" not in absent


def test_the_oldest_numbers_go_first_past_the_limit() -> None:
    absent = AbsentNumbers(ttl=300, clock=Clock(), limit=2)
    for number in ("1", "2", "3"):
        absent.note(number)
    assert "1" not in absent and "2" in absent and "3" in absent


def test_no_lifetime_remembers_nothing() -> None:
    absent = AbsentNumbers(ttl=0, clock=Clock())
    absent.note("42")
    assert "42" not in absent

"""The poll loop: a poll at start, one on demand, failures logged once per run of them."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator

import pytest

from bot.triage.loop import PollLoop
from bot.triage.poller import PollReport
from bot.whmcs import WhmcsAccessError, WhmcsUnreachable


class FakePoller:
    """Stands in for the poller: counts polls and fails while told to."""

    def __init__(self) -> None:
        self.polls = 0
        self.failure: Exception | None = None
        self.entered = threading.Event()
        self.gate = threading.Event()
        self.gate.set()

    def poll(self) -> PollReport:
        self.entered.set()
        self.gate.wait(5)
        self.polls += 1
        if self.failure is not None:
            raise self.failure
        return PollReport(pages=self.polls)


@pytest.fixture
def poller() -> FakePoller:
    return FakePoller()


@pytest.fixture
def loop(poller: FakePoller) -> Iterator[PollLoop]:
    running = PollLoop(poller, interval=3600).start()  # type: ignore[arg-type]
    yield running
    running.stop(5)


def test_poll_now_waits_for_a_poll_that_starts_after_it(loop: PollLoop, poller: FakePoller) -> None:
    first = loop.poll_now(5)
    second = loop.poll_now(5)
    assert first is not None and second is not None
    assert second.pages == first.pages + 1 == poller.polls


def test_a_poll_asked_for_during_a_poll_is_a_new_poll(loop: PollLoop, poller: FakePoller) -> None:
    loop.poll_now(5)
    done = poller.polls
    poller.gate.clear()
    poller.entered.clear()
    reports: dict[str, PollReport | None] = {}
    first = threading.Thread(target=lambda: reports.update(first=loop.poll_now(5)))
    first.start()
    assert poller.entered.wait(5)
    second = threading.Thread(target=lambda: reports.update(second=loop.poll_now(5)))
    second.start()
    time.sleep(0.1)  # the second request arrives while the first one's poll runs
    poller.gate.set()
    first.join(5)
    second.join(5)

    assert reports["first"] is not None and reports["first"].pages >= done + 1
    assert reports["second"] is not None and reports["second"].pages >= done + 2


def test_a_failing_poll_is_logged_once_per_run_and_its_recovery_once(
    loop: PollLoop, poller: FakePoller, caplog: pytest.LogCaptureFixture
) -> None:
    loop.poll_now(5)
    with caplog.at_level(logging.INFO, logger="bot.triage.loop"):
        poller.failure = WhmcsUnreachable("timeout", "GetTickets")
        assert loop.poll_now(5) is None
        assert loop.poll_now(5) is None
        poller.failure = None
        assert loop.poll_now(5) is not None
        assert loop.poll_now(5) is not None

    messages = [r.getMessage() for r in caplog.records if r.name == "bot.triage.loop"]
    warnings = [m for m in messages if m.startswith("triage poll failed")]
    assert warnings == [
        "triage poll failed: WHMCS could not be read (WhmcsUnreachable); trying again every 3600 s"
    ]
    assert messages.count("triage poll works again") == 1


def test_refused_credentials_are_named_as_such(
    loop: PollLoop, poller: FakePoller, caplog: pytest.LogCaptureFixture
) -> None:
    loop.poll_now(5)
    poller.failure = WhmcsAccessError("Authentication Failed", "GetTickets")
    with caplog.at_level(logging.WARNING, logger="bot.triage.loop"):
        assert loop.poll_now(5) is None
    assert "WHMCS refused the bot's credentials" in caplog.text


def test_an_unexpected_error_does_not_stop_the_loop(
    loop: PollLoop, poller: FakePoller, caplog: pytest.LogCaptureFixture
) -> None:
    poller.failure = RuntimeError("bug")
    with caplog.at_level(logging.ERROR, logger="bot.triage.loop"):
        assert loop.poll_now(5) is None
    assert "triage poll failed" in caplog.text
    poller.failure = None
    assert loop.poll_now(5) is not None


def test_stop_ends_the_thread(poller: FakePoller) -> None:
    loop = PollLoop(poller, interval=3600).start()  # type: ignore[arg-type]
    loop.poll_now(5)
    loop.stop(5)
    assert not any(t.name == "triage-poll" and t.is_alive() for t in threading.enumerate())

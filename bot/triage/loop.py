"""Run the triage poller on its own thread, every interval, until the bot stops."""

from __future__ import annotations

import logging
import threading

from bot.triage.poller import Poller, PollReport
from bot.whmcs import WhmcsAccessError, WhmcsError

log = logging.getLogger(__name__)


class PollLoop:
    """Poll at once, then every `interval` seconds; a failed poll is tried again next time."""

    def __init__(self, poller: Poller, interval: float) -> None:
        self.poller = poller
        self.interval = interval
        self._cond = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._started = 0
        self._finished = 0
        self._last: PollReport | None = None
        self._failing = False
        self._thread: threading.Thread | None = None

    def start(self) -> PollLoop:
        """Start polling on a daemon thread."""
        self._thread = threading.Thread(target=self._run, name="triage-poll", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the poll in progress, if any."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def poll_now(self, timeout: float = 60.0) -> PollReport | None:
        """Run a poll that starts after this call, wait for it, and return its report."""
        with self._cond:
            target = self._started + 1
            self._wake.set()
            done = self._cond.wait_for(lambda: self._finished >= target, timeout)
            return self._last if done else None

    def _run(self) -> None:
        while not self._stopping.is_set():
            with self._cond:
                self._started += 1
                number = self._started
                self._wake.clear()
            report = self._poll_once()
            with self._cond:
                self._finished = number
                self._last = report
                self._cond.notify_all()
            self._wake.wait(self.interval)

    def _poll_once(self) -> PollReport | None:
        try:
            report = self.poller.poll()
        except WhmcsAccessError as error:
            self._failed(f"WHMCS refused the bot's credentials or address ({error.kind})")
            return None
        except WhmcsError as error:
            self._failed(f"WHMCS could not be read ({type(error).__name__})")
            return None
        except Exception:
            log.exception("triage poll failed")
            return None
        if self._failing:
            log.info("triage poll works again")
            self._failing = False
        log.debug(
            "triage poll: %d tickets in %d pages, %d posted, %d updated, %.2f s",
            report.tickets,
            report.pages,
            report.posted,
            report.updated,
            report.seconds,
        )
        return report

    def _failed(self, reason: str) -> None:
        """Log a failed poll once per run of failures."""
        if not self._failing:
            log.warning("triage poll failed: %s; trying again every %g s", reason, self.interval)
        self._failing = True

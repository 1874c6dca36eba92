"""Run the WHMCS side of a request after Slack has been answered."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger(__name__)


class Followups:
    """A bounded pool of threads for work that follows an ack.

    Slack waits at most 3 seconds for an ack, so listeners only parse, ack and hand the slow
    WHMCS work to this pool; its size caps the WHMCS calls in flight.
    """

    def __init__(self, workers: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="followup")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, job: Callable[[], None], on_failure: Callable[[], None]) -> Future[None]:
        """Run `job` on the pool; if it raises, log the traceback and run `on_failure`."""

        def run() -> None:
            try:
                job()
            except Exception:
                log.exception("follow-up work failed")
                try:
                    on_failure()
                except Exception:
                    log.exception("could not tell the user that the work failed")
            finally:
                self._done()

        with self._idle:
            self._pending += 1
        try:
            return self._pool.submit(run)
        except RuntimeError:
            self._done()
            raise

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no work is queued or running; return False if `timeout` seconds passed."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; with `wait`, finish what was already taken."""
        self._pool.shutdown(wait=wait)

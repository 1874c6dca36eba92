"""Run the WHMCS side of a request after Slack has been answered."""

from __future__ import annotations

import logging
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

        return self._pool.submit(run)

    def shutdown(self, wait: bool = True) -> None:
        """Stop taking work; with `wait`, finish what was already taken."""
        self._pool.shutdown(wait=wait)

"""The outcome of a setup check: one line per item, ok, FAIL or warn, with secrets kept out."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

OK = "ok"
FAIL = "FAIL"
WARN = "warn"
HIDDEN = "[hidden]"
# Shorter values are too likely to occur in ordinary words to be replaced safely.
SHORTEST_SECRET = 4


@dataclass(frozen=True)
class Finding:
    """One checked item: its status, what was checked and, on failure, what to do."""

    status: str
    text: str

    def line(self) -> str:
        """Return the finding as the line `ticketbot check` prints."""
        return f"{self.status:<4}  {self.text}"


class Report:
    """Collect findings and hand each one to a sink as soon as it is found.

    Args:
        sink: receives every finding, in order (prints it, or logs it).
        secrets: values that must never appear in a finding; any that does is replaced.
    """

    def __init__(self, sink: Callable[[Finding], None], secrets: Iterable[str | None] = ()) -> None:
        self._sink = sink
        self._secrets: list[str] = []
        self.findings: list[Finding] = []
        self.keep_out(*secrets)

    def keep_out(self, *secrets: str | None) -> None:
        """Add values that no finding may show."""
        added = {s for s in secrets if s and len(s) >= SHORTEST_SECRET}
        # The longest first, so that a secret holding another is hidden whole.
        self._secrets = sorted(set(self._secrets) | added, key=len, reverse=True)

    def ok(self, text: str) -> None:
        """Record an item that passed."""
        self._add(OK, text)

    def fail(self, text: str) -> None:
        """Record an item that must be fixed before going live."""
        self._add(FAIL, text)

    def warn(self, text: str) -> None:
        """Record an item worth a look that does not stop the bot."""
        self._add(WARN, text)

    @property
    def failed(self) -> bool:
        """Tell whether any item failed."""
        return any(finding.status == FAIL for finding in self.findings)

    def problems(self) -> list[Finding]:
        """Return the findings that are not ok."""
        return [finding for finding in self.findings if finding.status != OK]

    def _add(self, status: str, text: str) -> None:
        for secret in self._secrets:
            text = text.replace(secret, HIDDEN)
        finding = Finding(status, text)
        if finding.status != OK and finding in self.findings:
            return  # one cause (Slack unreachable, say) found by several checks: said once
        self.findings.append(finding)
        self._sink(finding)


def printing(out: TextIO) -> Callable[[Finding], None]:
    """Return a sink that prints each finding as one line and flushes it."""

    def sink(finding: Finding) -> None:
        print(finding.line(), file=out, flush=True)

    return sink


def logging_problems(logger: logging.Logger) -> Callable[[Finding], None]:
    """Return a sink that logs each finding that is not ok as a warning, the rest at debug."""

    def sink(finding: Finding) -> None:
        if finding.status == OK:
            logger.debug("start-up check: ok %s", finding.text)
        else:
            logger.warning("start-up check: %s %s", finding.status, finding.text)

    return sink

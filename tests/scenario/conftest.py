"""A running bot for each scenario test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from tests.fakeslack import FakeSlack
from tests.scenario.harness import Harness


@pytest.fixture
def bot(sandbox: Sandbox, slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    """The bot in HTTP mode with the default config (U0000001 -> admin 1, U0000002 -> admin 2)."""
    harness = Harness(sandbox, slack, tmp_path).start()
    yield harness
    harness.stop()

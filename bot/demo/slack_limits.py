"""Slack's refusals and limits that the demo's Slack keeps, as Slack's Web API does."""

from __future__ import annotations

import copy
import secrets
from typing import Any

Block = dict[str, Any]
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


class SlackRefusal(Exception):
    """A Web API call Slack would answer with `ok: false` and this error code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def checked_blocks(blocks: Any, limit: int) -> list[Block]:
    """Return a copy of the blocks, each with a block_id as Slack gives them; refuse too many."""
    if blocks is None:
        return []
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise SlackRefusal("invalid_blocks")
    if len(blocks) > limit:
        raise SlackRefusal("invalid_blocks")
    checked = copy.deepcopy(blocks)
    for block in checked:
        block.setdefault("block_id", secrets.token_hex(3))
    return checked

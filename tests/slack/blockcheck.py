"""Check Block Kit the bot builds against slack_sdk's own models and Slack's limits."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

MESSAGE_BLOCKS = 50


def check_message(message: dict[str, Any]) -> None:
    """Fail unless every block parses and validates in slack_sdk, within Slack's limits."""
    blocks = message.get("blocks", [])
    assert isinstance(message.get("text"), str) and message["text"], "a message needs fallback text"
    assert len(blocks) <= MESSAGE_BLOCKS
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"slack_sdk does not know block {raw!r}"
        block.validate_json()
        assert block.to_dict() == raw, f"slack_sdk reads {raw!r} differently"

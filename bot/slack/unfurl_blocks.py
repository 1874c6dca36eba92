"""Turn a ticket's card into the read-only summary a shared link unfurls into.

An unfurl shows the card's facts (number, subject, client, department, status, priority,
flagged admin, last reply) and a link to the ticket, but no buttons or menus: it sits under
someone else's message. Slack allows 50 blocks in an unfurl, as in a message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.slack import texts
from bot.slack.blocks import MESSAGE_BLOCK_LIMIT, Block, context
from bot.slack.mrkdwn import escape

# Accessories that only show something; every other kind is a button or a menu.
SHOWN_ACCESSORIES = ("image",)


def link_line(url: str) -> str:
    """Return mrkdwn that links to the ticket's page in WHMCS's admin area."""
    # Slack's mrkdwn carries `&` as `&amp;`, inside a link as anywhere else.
    return f"<{escape(url)}|{texts.CARD_OPEN_IN_WHMCS}>"


def summary_blocks(card: Mapping[str, Any], url: str | None) -> list[Block]:
    """Return a card's blocks without its buttons and menus, with a link to the ticket.

    Args:
        card: the card message, as CardRenderer builds it.
        url: the ticket's page in WHMCS's admin area; None leaves the link out.
    """
    blocks: list[Block] = []
    for block in card.get("blocks", []):
        if not isinstance(block, dict) or block.get("type") == "actions":
            continue
        kept = dict(block)
        accessory = kept.get("accessory")
        if isinstance(accessory, dict) and accessory.get("type") not in SHOWN_ACCESSORIES:
            del kept["accessory"]
        blocks.append(kept)

    if url:
        # The link goes right after the facts (the section of two-column fields).
        facts = [i for i, block in enumerate(blocks) if "fields" in block]
        at = facts[0] + 1 if facts else len(blocks)
        blocks.insert(at, context(link_line(url)))
    return blocks[:MESSAGE_BLOCK_LIMIT]

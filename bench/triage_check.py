"""Check the Slack calls of a triage poll: every changed card updated once, in order, paced."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.triage_tickets import Change
from bot.triage.state import TriageState


@dataclass
class CardCheck:
    """What the Slack calls showed about the changed tickets' cards."""

    updated: int = 0
    missed: int = 0
    unexpected: int = 0
    in_order: bool = True
    least_gap: float = math.nan
    thread_lines: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """Return the check's figures for the JSON file."""
        return {
            "updated": self.updated,
            "missed": self.missed,
            "unexpected": self.unexpected,
            "in_order": self.in_order,
            "thread_lines": self.thread_lines,
            "least_gap_between_posts_s": self.least_gap,
            "problems": self.problems[:10],
        }


def check_cards(
    calls: Sequence[dict[str, Any]], changes: Sequence[Change], state: TriageState
) -> CardCheck:
    """Check that each changed ticket's card was redrawn once, its thread lines right after."""
    check = CardCheck()
    owner = {
        (card.channel, card.ts): change.ticket_id
        for change in changes
        for card in state.cards(change.ticket_id)
    }
    by_channel: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for call in calls:
        by_channel[str(call["args"].get("channel"))].append(call)
    updated: set[int] = set()
    gaps: list[float] = []
    for channel, channel_calls in by_channel.items():
        _check_channel(check, channel, channel_calls, owner, updated)
        posts = [c["time"] for c in channel_calls if c["method"] == "chat.postMessage"]
        gaps += [later - earlier for earlier, later in itertools.pairwise(posts)]
    check.missed = len({c.ticket_id for c in changes} - updated)
    check.least_gap = min(gaps) if gaps else math.nan
    return check


def _check_channel(
    check: CardCheck,
    channel: str,
    calls: list[dict[str, Any]],
    owner: dict[tuple[str, str], int],
    updated: set[int],
) -> None:
    current: str | None = None
    for call in calls:
        args = call["args"]
        if call["method"] == "chat.update":
            ticket_id = owner.get((channel, args.get("ts")))
            if ticket_id is None:
                check.unexpected += 1
                continue
            if ticket_id in updated:
                check.in_order = False
                check.problems.append(f"ticket {ticket_id}: card updated twice")
            updated.add(ticket_id)
            check.updated += 1
            current = args.get("ts")
        elif call["method"] == "chat.postMessage" and args.get("thread_ts"):
            check.thread_lines += 1
            if args["thread_ts"] != current:
                check.in_order = False
                check.problems.append(f"thread line in {channel} not under the card just updated")

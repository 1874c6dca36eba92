"""Gather what the run left behind and run every check on it."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.store import AuditEntry
from soak import slackcheck
from soak.gestures import Card, ticket_of
from soak.ledger import Direct, Ledger
from soak.rig import CARDS, TRIAGE_CHANNELS, Rig
from soak.slackcheck import Event, SlackVerdict
from soak.truth import (
    INTERNAL_ERROR,
    Known,
    StateVerdict,
    check_state,
    known_values,
    unconfirmed_attempts,
    write_moment,
)
from soak.writes import Pairing, entry_ticket, fault_kinds, pair, writes_of

CHANNELS = (*TRIAGE_CHANNELS, CARDS)


@dataclass
class Evidence:
    """Everything the checks read, taken once the bot has settled."""

    entries: list[AuditEntry]
    calls: list[dict[str, Any]]
    injected: list[dict[str, Any]]
    stored: dict[int, dict[str, Any]]
    messages: dict[str, list[dict[str, Any]]]
    posts: list[dict[str, Any]]
    slack_calls: Counter[str]
    directs: list[Direct]
    counts: Counter[str]
    problems: list[str]
    spike: float

    @classmethod
    def gather(cls, rig: Rig, ledger: Ledger, spike: float) -> Evidence:
        """Read the audit record, the sandbox, the fake Slack and the soak's own log."""
        bot = rig.harness.bot
        assert bot is not None and bot.store is not None
        return cls(
            entries=bot.store.entries(newest_first=False),
            calls=rig.control("GET", "calls"),
            injected=rig.control("GET", "faults/injected"),
            stored={ticket_id: rig.stored(ticket_id) for ticket_id in ledger.tickets()},
            messages={channel: rig.slack.messages(channel) for channel in CHANNELS},
            posts=rig.slack.calls("chat.postMessage"),
            slack_calls=Counter(call["method"] for call in rig.slack.calls()),
            directs=ledger.directs(),
            counts=ledger.counts(),
            problems=ledger.problems(),
            spike=spike,
        )

    def save(self, path: Path) -> None:
        """Write everything gathered to a JSON file, for a closer look after the run."""
        document = {
            "entries": [dataclasses.asdict(entry) for entry in self.entries],
            "calls": self.calls,
            "injected": self.injected,
            "stored": self.stored,
            "messages": self.messages,
            "posts": self.posts,
            "directs": [dataclasses.asdict(change) for change in self.directs],
            "counts": dict(self.counts),
            "problems": self.problems,
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


@dataclass
class Verdicts:
    """What every check found."""

    pairing: Pairing
    state: StateVerdict
    slack: SlackVerdict
    kinds: list[str | None]
    internal_errors: list[AuditEntry] = field(default_factory=list)

    @property
    def writes_once(self) -> bool:
        """Tell whether each write has its own entry and each recorded change its write."""
        return not self.pairing.lone_writes and not self.pairing.lone_changes


def verify(evidence: Evidence) -> Verdicts:
    """Run the state check, the write pairing and the Slack checks."""
    kinds = fault_kinds(evidence.calls, evidence.injected)
    pairing = pair(writes_of(evidence.calls, kinds), evidence.entries)
    known = known_values(evidence.directs, evidence.entries, pairing, evidence.spike)
    fault_times = [fault["time"] for fault in evidence.injected]
    doubts = unconfirmed_attempts(evidence.entries, pairing, fault_times, evidence.spike)
    state = check_state(evidence.stored, known, doubts)

    verdict = SlackVerdict()
    possible = _with_unconfirmed(known, evidence.entries, pairing, evidence.spike)
    events = _events(evidence, pairing)
    for channel in CHANNELS:
        messages = evidence.messages[channel]
        posted = slackcheck.card_times(messages, evidence.posts, channel)
        shown = _cards(channel, messages)
        threads = _threads(messages)
        if channel in TRIAGE_CHANNELS:
            slackcheck.check_cards(shown, threads, posted, possible, verdict)
        moments = slackcheck.thread_times(messages, evidence.posts, channel)
        for card in shown:
            since = posted.get(card.ts, 0.0)
            lines = [
                (moments.get(str(line["ts"]), float("inf")), line)
                for line in threads.get(card.ts, [])
            ]
            slackcheck.check_lines(card, since, lines, events.get(card.ticket_id, []), verdict)

    internal = [
        entry
        for entry in evidence.entries
        if entry.outcome == "failed" and entry.detail == INTERNAL_ERROR
    ]
    return Verdicts(pairing, state, verdict, kinds, internal)


def _cards(channel: str, messages: list[dict[str, Any]]) -> list[Card]:
    """Return a channel's cards from its messages, oldest first."""
    found = []
    for message in messages:
        if "thread_ts" in message:
            continue
        ticket_id = ticket_of(message)
        if ticket_id is not None:
            found.append(Card(channel, message, ticket_id))
    return found


def _threads(messages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Return each card's thread lines by the card's ts, oldest first."""
    threads: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if "thread_ts" in message:
            threads.setdefault(str(message["thread_ts"]), []).append(message)
    return threads


def _events(evidence: Evidence, pairing: Pairing) -> dict[int, list[Event]]:
    """Return every known or possible change of each ticket, with who made it from Slack."""
    events: dict[int, list[Event]] = {}
    for direct in evidence.directs:
        events.setdefault(direct.ticket, []).append(
            Event(direct.ticket, direct.field, direct.value, direct.start, None)
        )
        if direct.source == "customer reply":
            events[direct.ticket].append(Event(direct.ticket, "reply", "", direct.start, None))
    for entry in evidence.entries:
        ticket_id = entry_ticket(entry)
        if ticket_id is None or entry.outcome not in ("done", "partial", "unknown"):
            continue
        start, _ = write_moment(entry, pairing, evidence.spike)
        # A write whose outcome was unknown is told by triage once it finds it done: as the
        # change of the person who asked, or, when it could not tell, as one made in WHMCS.
        user = entry.slack_user
        for change in entry.changes:
            events.setdefault(ticket_id, []).append(
                Event(ticket_id, change.field, change.after, start, user)
            )
    return events


def _with_unconfirmed(
    known: dict[tuple[int, str], list[Known]],
    entries: list[AuditEntry],
    pairing: Pairing,
    spike: float,
) -> dict[tuple[int, str], list[Known]]:
    """Return the known values plus those that unconfirmed attempts may have set."""
    possible = {key: list(values) for key, values in known.items()}
    for entry in entries:
        ticket_id = entry_ticket(entry)
        if entry.outcome != "unknown" or ticket_id is None:
            continue
        start, end = write_moment(entry, pairing, spike)
        for change in entry.changes:
            possible.setdefault((ticket_id, change.field), []).append(
                Known(change.after, start, end, f"audit #{entry.id} unknown")
            )
    return possible

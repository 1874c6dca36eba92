"""Write the soak's report: what was sent, what happened, and each check with its findings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from soak.gestures import ticket_of
from soak.rig import BILLING, CARDS, TECH
from soak.verify import Evidence, Verdicts

SHOWN = 20  # findings listed per check; the rest are counted
CHECK_STATE = "WHMCS state equals the audit record"
CHECK_WRITES = "no write sent twice"
CHECK_CARDS = "no card posted twice"
CHECK_LINES = "no thread line posted twice"
SENT = (
    ("command", "commands"),
    ("command repeated", "of them repeated within seconds"),
    ("command sent twice by Slack", "sent twice by Slack"),
    ("card command", "/ticket N card"),
    ("click", "clicks"),
    ("double click", "double clicks"),
    ("take over", "take-overs"),
    ("form opened", "forms opened"),
    ("form try again", "forms tried again"),
    ("form not loaded", "forms that did not load"),
    ("submission", "form submissions"),
    ("submission repeated", "forms saved twice"),
    ("admin area change", "changes in the admin area"),
    ("ticket opened", "tickets opened"),
    ("customer reply", "customer replies"),
)


@dataclass(frozen=True)
class RunFacts:
    """How the run was set up and how long it took."""

    minutes: float
    seed: int
    rate: float
    workdir: Path
    seconds: float
    settled: float  # seconds from faults off until the bot was idle after the last poll


@dataclass
class Section:
    """Lines of the report, and whether the checks among them passed."""

    lines: list[str]
    passed: bool = True


def render(facts: RunFacts, evidence: Evidence, verdicts: Verdicts) -> tuple[str, bool]:
    """Return the report's text and whether every check passed."""
    sections = [
        Section(_head(facts)),
        Section(_figures(evidence)),
        _state(verdicts),
        _writes(evidence, verdicts),
        _cards(verdicts),
        _lines(verdicts),
        Section(_notes(evidence, verdicts)),
    ]
    passed = all(section.passed for section in sections)
    lines = [line for section in sections for line in section.lines]
    lines += ["", f"result: {_word(passed)}"]
    return "\n".join(lines), passed


def cards_in(evidence: Evidence, channel: str) -> int:
    """Return how many cards a channel holds."""
    return sum(
        1
        for message in evidence.messages.get(channel, [])
        if "thread_ts" not in message and ticket_of(message) is not None
    )


def _head(facts: RunFacts) -> list[str]:
    return [
        (
            f"soak: {facts.minutes:g} min (ran {facts.seconds:.0f} s), seed {facts.seed},"
            f" fault rate {facts.rate:g}; files in {facts.workdir}"
        ),
        f"the bot was idle {facts.settled:.0f} s after the faults went off (last poll included)",
        "",
    ]


def _figures(evidence: Evidence) -> list[str]:
    entries, injected = evidence.entries, evidence.injected
    threaded = sum(
        1 for messages in evidence.messages.values() for m in messages if "thread_ts" in m
    )
    cards = [
        (f"triage {TECH}", cards_in(evidence, TECH)),
        (f"triage {BILLING}", cards_in(evidence, BILLING)),
        (f"/ticket N card in {CARDS}", cards_in(evidence, CARDS)),
        ("thread lines", threaded),
        ("chat.update", evidence.slack_calls.get("chat.update", 0)),
    ]
    return [
        "sent: " + _pairs((label, evidence.counts.get(key, 0)) for key, label in SENT),
        "outcomes: " + _counted(Counter(entry.outcome for entry in entries)),
        "  by source: " + _counted(Counter(f"{e.source} {e.outcome}" for e in entries)),
        "faults injected: " + _counted(Counter(fault["kind"] for fault in injected)),
        "  by action: " + _counted(Counter(fault["action"] for fault in injected)),
        "cards posted: " + _pairs(cards),
        f"WHMCS calls: {len(evidence.calls)}: "
        + _counted(Counter(call["action"] for call in evidence.calls)),
        "",
    ]


def _state(verdicts: Verdicts) -> Section:
    state = verdicts.state
    lines = [
        (
            f"check 1, {CHECK_STATE}: {_word(state.passed)}: {state.tickets} tickets,"
            f" {state.fields} fields; {len(state.mismatches)} mismatched,"
            f" {len(state.unconfirmed)} unconfirmed, {len(state.ambiguous)} set at once by two hands"
        )
    ]
    lines += _listed("mismatch", state.mismatches)
    lines += _listed("", state.unconfirmed)
    lines += _listed("", state.ambiguous)
    return Section(lines, state.passed)


def _writes(evidence: Evidence, verdicts: Verdicts) -> Section:
    pairing = verdicts.pairing
    writes = sum(1 for call in evidence.calls if call["action"] == "updateticket")
    ok = verdicts.writes_once
    lines = [
        (
            f"check 2a, {CHECK_WRITES}: {_word(ok)}: {writes} UpdateTicket calls,"
            f" {len(pairing.entry_of)} paired with an audit entry of their own;"
            f" {len(pairing.lone_writes)} without one;"
            f" {len(pairing.lone_changes)} recorded changes without a write"
        )
    ]
    lines += _listed(
        "write without its own entry",
        [
            f"ticket {w.ticket_id} {dict(w.labels)} at {w.time:.3f} (fault: {w.fault})"
            for w in pairing.lone_writes
        ],
    )
    lines += _listed(
        "change recorded without a write",
        [
            f"audit #{e.id} {e.at} ticket {e.ticket_id} {e.source} {e.outcome}"
            f" {[(c.field, c.after) for c in e.changes]}"
            for e in pairing.lone_changes
        ],
    )
    return Section(lines, ok)


def _cards(verdicts: Verdicts) -> Section:
    slack = verdicts.slack
    ok = not slack.double_cards
    lines = [
        (
            f"check 2b, {CHECK_CARDS}: {_word(ok)}: {slack.cards} routed cards in the triage"
            f" channels, {len(slack.double_cards)} posted twice"
        )
    ]
    return Section(lines + _listed("card posted twice", slack.double_cards), ok)


def _lines(verdicts: Verdicts) -> Section:
    slack = verdicts.slack
    ok = not slack.double_lines
    lines = [
        (
            f"check 2c, {CHECK_LINES}: {_word(ok)}: {slack.lines} change lines in card threads,"
            f" {len(slack.double_lines)} cards with a change told more often than it was made;"
            f" {len(slack.stray_lines)} lines for no change the soak knows of"
        )
    ]
    lines += _listed("told twice", slack.double_lines)
    lines += _listed("line for no known change", slack.stray_lines)
    return Section(lines, ok)


def _notes(evidence: Evidence, verdicts: Verdicts) -> list[str]:
    notes = [
        f"audit #{e.id} {e.at} {e.source} ticket {e.ticket_number}: failed with an internal error"
        for e in verdicts.internal_errors
    ]
    notes += evidence.problems
    if not notes:
        return []
    return [f"notes: {len(notes)} things went wrong on the way", *_listed("", notes)]


def _word(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _pairs(pairs: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{count} {label}" for label, count in pairs)


def _counted(counts: Counter[str]) -> str:
    if not counts:
        return "none"
    return ", ".join(f"{key} {count}" for key, count in counts.most_common())


def _listed(prefix: str, findings: Sequence[str]) -> list[str]:
    head = f"{prefix}: " if prefix else ""
    shown = [f"    {head}{finding}" for finding in findings[:SHOWN]]
    if len(findings) > SHOWN:
        shown.append(f"    ... and {len(findings) - SHOWN} more")
    return shown

"""Check what reached Slack: one routed card per arrival, and one thread line per change."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from soak.gestures import Card
from soak.rig import DEPARTMENT_NAMES, ROUTE_DEPARTMENTS
from soak.truth import Known

Message = dict[str, Any]
# A change made this long before its card was posted may still reach the card's thread: a
# poll reads WHMCS first and posts afterwards, one post a second in a channel.
CARD_LEAD = 30.0
# The poll that posts a card threads its news under it within this many seconds.
EARLY = 15.0
LEFT = ("no longer in this channel's triage", "This ticket was deleted in WHMCS")
_WAS = re.compile(r" \(was .*\)$", re.DOTALL)
_BY = re.compile(r"^(?P<phrase>.*) by <@(?P<user>[UW][A-Z0-9]+)>(?:, .*)?$", re.DOTALL)
_SET = re.compile(r"^(?P<field>Status|Priority) set to (?P<value>.*)$", re.DOTALL)
# "New reply from Jane Doe", "New reply", "Alice Admin replied"
REPLY_START, REPLY_END = "New reply", " replied"


@dataclass(frozen=True)
class Line:
    """One change line threaded under a card: which field became what, and who said so."""

    field: str
    value: str | None  # None where the line does not show the value (Subject changed)
    user: str | None  # the Slack user for "... by @user"; None for "... in WHMCS"
    text: str


@dataclass(frozen=True)
class Event:
    """A field set to a value at a moment; `user` is the Slack user when it came from Slack."""

    ticket_id: int
    field: str
    value: str
    time: float
    user: str | None


@dataclass
class SlackVerdict:
    """What the Slack checks found."""

    cards: int = 0
    lines: int = 0
    double_cards: list[str] = field(default_factory=list)
    double_lines: list[str] = field(default_factory=list)
    stray_lines: list[str] = field(default_factory=list)


def card_times(
    messages: Sequence[Message], posts: Sequence[Mapping[str, Any]], channel: str
) -> dict[str, float]:
    """Return when each top-level message of a channel was posted, by ts (from the post calls)."""
    tops = [m for m in messages if "thread_ts" not in m]
    calls = [
        call
        for call in posts
        if call["args"].get("channel") == channel and not call["args"].get("thread_ts")
    ]
    if len(tops) != len(calls):
        return {}
    return {
        str(message["ts"]): float(call["time"]) for message, call in zip(tops, calls, strict=True)
    }


def parse_line(text: str) -> Line | None:
    """Read a thread line that reports a change; None for other lines."""
    if any(mark in text for mark in LEFT) or "High priority ticket" in text:
        return None
    if text.startswith(REPLY_START) or text.endswith(REPLY_END):
        return Line("reply", None, None, text)
    body = _WAS.sub("", text)
    user = None
    found = _BY.match(body)
    if found:
        body, user = found.group("phrase"), found.group("user")
    elif body.endswith(" in WHMCS"):
        body = body.removesuffix(" in WHMCS")
    else:
        return None
    return _phrase(body, user, text)


def _phrase(body: str, user: str | None, text: str) -> Line | None:
    found = _SET.match(body)
    if found:
        return Line(found.group("field"), _unescape(found.group("value")), user, text)
    if body == "Unflagged":
        return Line("Flag", "unflagged", user, text)
    if body.startswith("Flagged to "):
        return Line("Flag", _unescape(body.removeprefix("Flagged to ")), user, text)
    if body.startswith("Moved to "):
        return Line("Department", _unescape(body.removeprefix("Moved to ")), user, text)
    if body.endswith(" changed"):
        return Line(body.removesuffix(" changed"), None, user, text)
    return None


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def check_cards(
    cards: Sequence[Card],
    threads: Mapping[str, Sequence[Message]],
    posted: Mapping[str, float],
    known: Mapping[tuple[int, str], Sequence[Known]],
    verdict: SlackVerdict,
) -> None:
    """Find routed cards of one ticket posted twice in a channel without it leaving between.

    Args:
        cards: the cards of one triage channel, oldest first.
        threads: each card's thread lines, by the card's ts.
        posted: when each card was posted, by ts (empty when not known).
    """
    verdict.cards += len(cards)
    by_ticket: dict[int, list[Card]] = {}
    for card in cards:
        by_ticket.setdefault(card.ticket_id, []).append(card)
    for ticket_id, shown in by_ticket.items():
        for earlier, later in itertools.pairwise(shown):
            said_left = any(
                any(mark in line.get("text", "") for mark in LEFT)
                and _ts(line) < _ts(later.message)
                for line in threads.get(earlier.ts, [])
            )
            span = (posted.get(earlier.ts, 0.0) - CARD_LEAD, posted.get(later.ts, float("inf")))
            if not said_left and not _could_leave(earlier.channel, ticket_id, span, known):
                verdict.double_cards.append(
                    f"ticket {ticket_id}: cards {earlier.ts} and {later.ts} in {earlier.channel}"
                    " with no sign that it left the route between them"
                )


def _could_leave(
    channel: str,
    ticket_id: int,
    span: tuple[float, float],
    known: Mapping[tuple[int, str], Sequence[Known]],
) -> bool:
    """Tell whether a known change within `span` could have taken the ticket out of the route."""
    route = {DEPARTMENT_NAMES[d] for d in ROUTE_DEPARTMENTS.get(channel, frozenset())}
    start, end = span

    def within(value: Known) -> bool:
        return value.end >= start and value.start <= end

    moved = any(
        within(v) and v.value not in route for v in known.get((ticket_id, "Department"), [])
    )
    closed = any(within(v) and v.value == "Closed" for v in known.get((ticket_id, "Status"), []))
    return moved or closed


def check_lines(
    card: Card,
    posted: float,
    lines: Sequence[tuple[float, Message]],
    events: Sequence[Event],
    verdict: SlackVerdict,
) -> None:
    """Find changes told more than once under one card.

    Each line is matched with one change it may tell: the same field and value, made before the
    line was posted; "... by @user" lines with that user's changes from Slack, the rest with
    changes made elsewhere first. A line whose every candidate was told by another line tells a
    change twice; a line with no candidate at all is stray (news older than the card, most
    often).

    Args:
        posted: when the card was posted; changes made well before it are not told under it,
            except in the news the poll that posted the card threads under it at once.
        lines: the card's thread lines, each with the moment it was posted.
        events: every known change of the ticket (customer replies as the field "reply"),
            from Slack and from elsewhere.
    """
    parsed = [(moment, found) for moment, m in lines if (found := parse_line(m.get("text", "")))]
    parsed.sort(key=lambda told: told[0])
    verdict.lines += len(parsed)
    told: set[int] = set()
    twice: dict[tuple[str, str | None], list[str]] = {}
    for moment, line in parsed:
        early = line.user is None and moment <= posted + EARLY
        candidates = [
            index
            for index, event in enumerate(events)
            if event.field == line.field
            and line.value in (None, event.value)
            and event.time <= moment + 1
            and (early or event.time >= posted - CARD_LEAD)
            and (line.user is None or event.user == line.user)
        ]
        fresh = [index for index in candidates if index not in told]
        if line.user is None:
            fresh = [i for i in fresh if events[i].user is None] or fresh
        if fresh:
            told.add(max(fresh, key=lambda index: events[index].time))
        elif candidates:
            twice.setdefault((line.field, line.value), []).append(line.text)
        else:
            verdict.stray_lines.append(
                f"ticket {card.ticket_id}, card {card.ts} in {card.channel}: {line.text}"
            )
    for (name, value), extra in twice.items():
        said = " | ".join(
            line.text for _, line in parsed if (line.field, line.value) == (name, value)
        )
        verdict.double_lines.append(
            f"ticket {card.ticket_id}, card {card.ts} in {card.channel}: {name} became {value!r}"
            f" told {len(extra)} time(s) more than it was made: {said}"
        )


def thread_times(
    messages: Sequence[Message], posts: Sequence[Mapping[str, Any]], channel: str
) -> dict[str, float]:
    """Return when each thread line of a channel was posted, by its ts (from the post calls)."""
    calls: dict[str, list[float]] = {}
    for call in posts:
        args = call["args"]
        if args.get("channel") == channel and args.get("thread_ts"):
            calls.setdefault(str(args["thread_ts"]), []).append(float(call["time"]))
    found: dict[str, list[Message]] = {}
    for message in messages:
        if "thread_ts" in message:
            found.setdefault(str(message["thread_ts"]), []).append(message)
    times = {}
    for thread_ts, replies in found.items():
        moments = calls.get(thread_ts, [])
        if len(moments) == len(replies):
            times.update({str(m["ts"]): t for m, t in zip(replies, moments, strict=True)})
    return times


def _ts(message: Message) -> tuple[int, int]:
    seconds, _, micros = str(message.get("ts", "0.0")).partition(".")
    return int(seconds), int(micros or 0)

"""Answer `/ticket triage`: the triage routes that post tickets in the channel it was typed in."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from bot.slack import texts
from bot.slack.blocks import Block, context, header, message, section
from bot.slack.mrkdwn import cut, escape, inline
from bot.tickets.problems import problem_from_error
from bot.triage.routes import Route, department_ids
from bot.whmcs import Department, WhmcsError

log = logging.getLogger(__name__)

# Slack allows 50 blocks in a message: the title, the intro, the routes, up to three notes and
# the footer must fit, so past this many routes the rest are counted, not shown.
MAX_ROUTES_SHOWN = 40
MAX_CHANNELS_SHOWN = 100
# Each line of a route is cut to fit, so a route's section stays within Slack's 3000 characters
# without a mention being cut in half.
LIST_LIMIT = 700
WORDS_LIMIT = 300


def triage_message(
    channel: str | None,
    routes: Sequence[Route],
    interval: float,
    read_departments: Callable[[], list[Department]],
    footer: str | None,
) -> dict[str, Any]:
    """Return `/ticket triage` for a channel: its routes, or how to add one.

    Args:
        channel: where the command was typed; None or a direct message (D...) is no channel.
        interval: seconds between triage polls.
        read_departments: reads WHMCS's departments, to name the routes' departments.
    """
    if channel is None or not channel.startswith(("C", "G")):
        items = [section(texts.TRIAGE_NOT_A_CHANNEL), section(_channels_line(routes))]
        return message(items, texts.TRIAGE_NOT_A_CHANNEL, footer)

    feeding = [(number, r) for number, r in enumerate(routes, 1) if r.channel == channel]
    if not feeding:
        return _no_routes_message(channel, routes, footer)

    known: list[Department] | None = None
    reason = None
    try:
        known = read_departments()
    except WhmcsError as error:
        reason = problem_from_error(error).message
        log.warning("triage routes shown with departments unchecked: %s", type(error).__name__)
    return _routes_message(channel, feeding, interval, known, reason, footer)


def _routes_message(
    channel: str,
    feeding: Sequence[tuple[int, Route]],
    interval: float,
    known: list[Department] | None,
    reason: str | None,
    footer: str | None,
) -> dict[str, Any]:
    """List the routes that feed a channel, each with its number in ticketbot.toml."""
    intro = texts.TRIAGE_INTRO_ONE if len(feeding) == 1 else texts.TRIAGE_INTRO
    polled = texts.TRIAGE_POLLED.format(every=every(interval))
    blocks: list[Block] = [
        header(texts.TRIAGE_TITLE),
        section(intro.format(count=len(feeding), channel=escape(channel)) + "\n" + polled),
    ]
    missing = False
    for number, route in feeding[:MAX_ROUTES_SHOWN]:
        names = [_department_name(d, known) for d in route.departments]
        missing = missing or any(lacking for _, lacking in names)
        shown = list(dict.fromkeys(name for name, _ in names))
        blocks.append(section(_route_text(number, route, shown)))
    if len(feeding) > MAX_ROUTES_SHOWN:
        more = len(feeding) - MAX_ROUTES_SHOWN
        blocks.append(context(texts.TRIAGE_MORE_ROUTES.format(count=more)))
    if missing:
        blocks.append(context(texts.TRIAGE_MISSING))
    if reason is not None:
        blocks.append(context(texts.TRIAGE_NAMES_UNCHECKED.format(reason=inline(reason, 300))))
    return message(blocks, texts.TRIAGE_TITLE, footer)


def duration(seconds: float) -> str:
    """Say a number of seconds in the largest whole unit: 1 hour, 5 minutes, 90 seconds."""
    unit, count = _unit(seconds)
    one, many = texts.TRIAGE_UNITS[unit]
    return one if count == 1 else many.format(count=count)


def every(seconds: float) -> str:
    """Say how often something happens: every hour, every 5 minutes, every 90 seconds."""
    unit, count = _unit(seconds)
    if count == 1:
        return texts.TRIAGE_EVERY_ONE[unit]
    return texts.TRIAGE_EVERY.format(duration=duration(seconds))


def _unit(seconds: float) -> tuple[str, float]:
    """Return the largest unit that counts the seconds whole, and the count."""
    seconds = round(seconds, 3)
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return unit, seconds / size
    return "second", seconds


def _department_name(department: int | str, known: list[Department] | None) -> tuple[str, bool]:
    """Name one configured department as mrkdwn; say whether WHMCS lacks it.

    Without `known` (WHMCS could not be read) the department is shown as configured.
    """
    if isinstance(department, int):
        configured = texts.TRIAGE_DEPARTMENT_ID.format(id=department)
    else:
        configured = inline(department, 150)
    if known is None:
        return configured, False

    # Names are matched to ids as the poller matches them.
    ids, _ = department_ids([department], lambda: known)
    names = {d.id: d.name for d in known}
    found = next((names[i] for i in ids if i in names), None)
    if found is None:
        if isinstance(department, str):
            configured = texts.TRIAGE_QUOTED.format(text=configured)
        return texts.TRIAGE_NOT_IN_WHMCS.format(department=configured), True
    return inline(found, 150), False


def _route_text(number: int, route: Route, departments: list[str]) -> str:
    """Describe one route: what it takes, what it leaves out, whom it pings, its backfill."""
    lines = [
        texts.TRIAGE_ROUTE.format(number=number),
        texts.TRIAGE_DEPARTMENTS.format(departments=cut(", ".join(departments), LIST_LIMIT)),
        texts.TRIAGE_STATUSES.format(statuses=_listed(route.statuses) or texts.TRIAGE_EVERY_STATUS),
        texts.TRIAGE_PRIORITIES.format(
            priorities=_listed(route.priorities) or texts.TRIAGE_EVERY_PRIORITY
        ),
    ]
    exclusions = []
    if route.exclude_statuses:
        exclusions.append(
            texts.TRIAGE_LEFT_OUT_STATUSES.format(statuses=_listed(route.exclude_statuses))
        )
    if route.exclude_subject_contains:
        words = ", ".join(
            texts.TRIAGE_QUOTED.format(text=escape(w)) for w in route.exclude_subject_contains
        )
        exclusions.append(texts.TRIAGE_LEFT_OUT_SUBJECTS.format(words=cut(words, LIST_LIMIT)))
    if exclusions:
        lines.append(texts.TRIAGE_LEFT_OUT.format(exclusions="; ".join(exclusions)))
    # The mention is a user group or user id from ticketbot.toml, checked when it was read.
    mention = route.mention_text()
    lines.append(
        texts.TRIAGE_PINGS.format(mention=mention) if mention else texts.TRIAGE_PINGS_NOBODY
    )
    if route.backfill > 0:
        lines.append(texts.TRIAGE_BACKFILL.format(hours=duration(route.backfill * 3600)))
    else:
        lines.append(texts.TRIAGE_NO_BACKFILL)
    return "\n".join(lines)


def _listed(values: Sequence[str]) -> str:
    """Join configured names into one escaped line, cut to fit."""
    return cut(", ".join(escape(v) for v in values), WORDS_LIMIT)


def _no_routes_message(channel: str, routes: Sequence[Route], footer: str | None) -> dict[str, Any]:
    """Say no route feeds the channel, how to add one, and which channels have routes."""
    shown = escape(channel)
    blocks = [
        header(texts.TRIAGE_NONE_TITLE),
        section(
            texts.TRIAGE_NONE.format(channel=shown)
            + "\n"
            + texts.TRIAGE_EXAMPLE.format(channel=shown)
        ),
        section(texts.TRIAGE_EXAMPLE_KEYS),
        section(_channels_line(routes)),
    ]
    return message(blocks, texts.TRIAGE_NONE_TITLE, footer)


def _channels_line(routes: Sequence[Route]) -> str:
    """List the channels that have routes, as channel mentions, in the order configured."""
    channels = list(dict.fromkeys(route.channel for route in routes))
    if not channels:
        return texts.TRIAGE_NO_CHANNELS
    # Channel ids come from ticketbot.toml, checked to look like C... or G... when read.
    listed = ", ".join(f"<#{c}>" for c in channels[:MAX_CHANNELS_SHOWN])
    if len(channels) > MAX_CHANNELS_SHOWN:
        listed = texts.TRIAGE_MORE_CHANNELS.format(
            channels=listed, count=len(channels) - MAX_CHANNELS_SHOWN
        )
    return texts.TRIAGE_CHANNELS.format(channels=listed)

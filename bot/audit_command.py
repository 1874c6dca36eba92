"""`ticketbot audit`: print who tried to change which ticket from Slack, and how it ended."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from bot.access.audit import entry_json, format_entry
from bot.settings import database_path, read_environment
from bot.store import AuditEntry, Store, StoreError, timestamp
from bot.tickets.refs import TicketRef, parse_ticket_ref

SINCE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
SINCE_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_DURATION = re.compile(r"([0-9]+)([mhd])")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


class _OneLineParser(argparse.ArgumentParser):
    """Stop on a bad argument with one line, as every other mistake does."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _ticket(text: str) -> TicketRef:
    ref = parse_ticket_ref(text.strip())
    if ref is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a ticket id (42) or ticket number (#ABC-123456)"
        )
    return ref


def _slack_user(text: str) -> str:
    user = text.strip().upper()
    if not _SLACK_USER.fullmatch(user):
        raise argparse.ArgumentTypeError(f"{text!r} is not a Slack user id (U0123ABCD)")
    return user


def _since(text: str) -> str:
    """Return the moment `text` names, as the store writes moments."""
    text = text.strip()
    duration = _DURATION.fullmatch(text)
    try:
        if duration:
            count, unit = duration.groups()
            return timestamp(datetime.now(UTC) - int(count) * SINCE_UNITS[unit])
        for layout in SINCE_FORMATS:
            try:
                return timestamp(datetime.strptime(text, layout).replace(tzinfo=UTC))
            except ValueError:
                continue
    except OverflowError:
        raise argparse.ArgumentTypeError(f"{text!r} reaches too far back") from None
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a date (YYYY-MM-DD), a UTC time (YYYY-MM-DD HH:MM) "
        "or a duration (30m, 24h, 7d)"
    )


def _limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if limit < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return limit


def _audit_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="ticketbot audit",
        description="Print the audit record of ticket changes tried from Slack, oldest first. "
        "Reads the database at TICKETBOT_DB (default ./ticketbot.sqlite3, or "
        "./ticketbot-sandbox.sqlite3 when WHMCS_URL is unset, as ticketbot run uses).",
    )
    parser.add_argument(
        "--ticket",
        type=_ticket,
        metavar="REF",
        help="a ticket id (42) or ticket number (#ABC-123456); a bare number matches both",
    )
    parser.add_argument("--user", type=_slack_user, metavar="U…", help="a Slack user id")
    parser.add_argument(
        "--since",
        type=_since,
        metavar="WHEN",
        help="YYYY-MM-DD, 'YYYY-MM-DD HH:MM' (UTC), or a duration back from now: 30m, 24h, 7d",
    )
    parser.add_argument("--limit", type=_limit, metavar="N", help="the N most recent entries")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    return parser


def _audit_entries(store: Store, args: argparse.Namespace) -> list[AuditEntry]:
    """Return the entries asked for, newest first."""

    def matching(
        ticket_id: int | None = None, ticket_number: str | None = None
    ) -> list[AuditEntry]:
        return store.entries(
            ticket_id=ticket_id,
            ticket_number=ticket_number,
            slack_user=args.user,
            since=args.since,
            limit=args.limit,
        )

    ref: TicketRef | None = args.ticket
    if ref is None:
        return matching()

    # A bare number may be an internal id or an all-digit ticket number of an old install.
    found: dict[int | None, AuditEntry] = {}
    if ref.ticket_id is not None:
        found.update((entry.id, entry) for entry in matching(ticket_id=ref.ticket_id))
    if ref.ticket_number is not None:
        found.update((entry.id, entry) for entry in matching(ticket_number=ref.ticket_number))
    newest = sorted(found.values(), key=lambda entry: (entry.at, entry.id or 0), reverse=True)
    return newest[: args.limit]


def audit(argv: Sequence[str]) -> int:
    """Print the audit record: who tried to change which ticket, when, and how it ended."""
    args = _audit_parser().parse_args(argv)
    path = database_path(read_environment())
    if not path.is_file():
        print(
            f"ticketbot audit: no database at {path.absolute()} (see TICKETBOT_DB)", file=sys.stderr
        )
        return 1

    try:
        with Store(path) as store:
            entries = _audit_entries(store, args)
    except (StoreError, sqlite3.Error) as error:
        print(f"ticketbot audit: cannot read {path}: {error}", file=sys.stderr)
        return 1

    if not entries and not args.json:
        print("ticketbot audit: no entries match", file=sys.stderr)
    show = entry_json if args.json else format_entry
    try:
        for entry in reversed(entries):
            print(show(entry))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`); send what is left nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0

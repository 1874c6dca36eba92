"""`ticketbot demo`: start the demo and read console lines until the end of input."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from slack_bolt.error import BoltError

from bot.demo import words
from bot.demo.console import Console, people_line
from bot.demo.session import DemoSession
from bot.demo.team import ALICE, PEOPLE, SUPPORT, Person, find_person
from bot.settings import SettingsError
from bot.slack.app import SlackUnreachable


def banner(person: Person) -> str:
    """Return the start banner: what this is, examples, the demo users, who you are."""
    other = next(p for p in PEOPLE if p != person)
    return words.BANNER.format(
        people=people_line(),
        you=person.real_name,
        channel=SUPPORT.name,
        other=other.slack_user,
        other_name=other.real_name,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticketbot demo",
        description="Try ticketbot in this terminal: a sandbox WHMCS and a stand-in for Slack "
        "run inside this process, and you type as a Slack user.",
    )
    parser.add_argument(
        "--as",
        dest="person",
        default=ALICE.slack_user,
        metavar="USER",
        help=f"the demo Slack user to start as (default {ALICE.slack_user}): "
        + ", ".join(f"{p.slack_user} ({p.real_name})" for p in PEOPLE),
    )
    parser.add_argument(
        "--echo", action="store_true", help="print each line read, after a prompt, as a transcript"
    )
    return parser


def _read(source: TextIO, console: Console, interactive: bool) -> str | None:
    """Read one line: with a prompt (and readline's editing) on a terminal; None at the end."""
    if interactive:
        try:
            return input(console.prompt)
        except EOFError:
            console.say()
            return None
    line = source.readline()
    return line.rstrip("\n") if line else None


def main(
    argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """Run `ticketbot demo`; return its exit status."""
    args = _parser().parse_args(list(sys.argv[2:] if argv is None else argv))
    person = find_person(args.person)
    if person is None:
        print(
            f"ticketbot demo: {words.NO_SUCH_PERSON.format(people=people_line())}", file=sys.stderr
        )
        return 2
    source, out = stdin or sys.stdin, stdout or sys.stdout
    if out is sys.stdout and hasattr(out, "reconfigure"):
        # Ticket text is in any script: a terminal that cannot show a character gets a "?".
        out.reconfigure(errors="replace")
    interactive = source is sys.stdin and out is sys.stdout and source.isatty()
    if interactive:
        try:
            import readline  # noqa: F401 - line editing and history for input(), where available
        except ImportError:
            pass
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )

    session = DemoSession(person)
    try:
        session.start()
    except (SettingsError, SlackUnreachable, BoltError, OSError) as error:
        print(f"ticketbot demo: could not start: {error}", file=sys.stderr)
        session.close()
        return 1
    console = Console(session, out)
    try:
        console.say(banner(person))
        console.transcript.show_news()
        while (line := _read(source, console, interactive)) is not None:
            if line.strip().lower() in ("quit", "exit"):
                break
            if args.echo and not interactive:
                console.say(console.prompt + line)
            console.handle(line)
    except KeyboardInterrupt:
        console.say()
        return 130
    finally:
        session.close()
    return 0

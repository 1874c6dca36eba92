"""`python -m soak --minutes 10 [--seed N] [--rate 0.1] [--workdir DIR]`: exit 0 when all pass."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from soak.run import SoakSettings, soak


def parse_args(argv: list[str] | None) -> SoakSettings:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m soak",
        description="Drive the bot against the sandbox WHMCS with random faults, then check"
        " that WHMCS matches the audit record and that nothing was done twice.",
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to drive the bot")
    parser.add_argument("--seed", type=int, default=7, help="seed of the faults and the workers")
    parser.add_argument(
        "--rate", type=float, default=0.1, help="share of the bot's WHMCS calls that break"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where the bot's SQLite file and the log go (default: a new temporary folder)",
    )
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be more than 0")
    if not 0 <= args.rate <= 1:
        parser.error("--rate must be from 0 to 1")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ticketbot-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    return SoakSettings(args.minutes, args.seed, args.rate, workdir)


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print its report and return the exit status."""
    settings = parse_args(argv)
    logging.basicConfig(
        filename=settings.workdir / "soak.log",
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s",
    )
    print(
        f"soak: running {settings.minutes:g} min; log in {settings.workdir / 'soak.log'}",
        flush=True,
    )
    report, passed = soak(settings)
    print(report, flush=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

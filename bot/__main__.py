"""Run `python -m bot` as the `ticketbot` command."""

import sys

from bot.cli import main

sys.exit(main())

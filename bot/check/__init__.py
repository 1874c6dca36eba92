"""`ticketbot check`: check the settings, ticketbot.toml, Slack and WHMCS before going live."""

from bot.check.command import main, run_check
from bot.check.slack import NEEDED_SCOPES
from bot.check.startup import check_at_start

__all__ = ["NEEDED_SCOPES", "check_at_start", "main", "run_check"]

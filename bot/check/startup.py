"""The quick part of `ticketbot check`, run once as `ticketbot run` starts; it only logs."""

from __future__ import annotations

import logging

from bot.check.report import Report, logging_problems
from bot.check.slack import check_bot_token, check_triage_channels, slack_client
from bot.check.whmcs import check_credential
from bot.config import Config
from bot.settings import Settings
from bot.whmcs import WhmcsClient

log = logging.getLogger(__name__)


def check_at_start(settings: Settings, config: Config, whmcs: WhmcsClient | None) -> bool:
    """Check the Slack token and scopes, the WHMCS credential and the triage channels once.

    Each problem is logged as a warning and the start goes on; WHMCS gets a single read-only
    call, made through the bot's own client so that a refused credential holds its later calls.
    Returns whether nothing failed.
    """
    report = Report(
        logging_problems(log),
        (
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.whmcs_identifier,
            settings.whmcs_secret,
            settings.whmcs_access_key,
        ),
    )
    try:
        slack = slack_client(settings)
        bot = check_bot_token(slack, report)
        if whmcs is not None:
            check_credential(whmcs, report)
        if bot is not None:
            check_triage_channels(slack, [route.channel for route in config.triage], bot, report)
    except Exception:
        # A check must never stop the bot from starting.
        log.exception("start-up check stopped unexpectedly; the bot starts anyway")
        return False

    problems = len(report.problems())
    if problems:
        log.warning(
            "start-up check: %d problem%s found; `ticketbot check` checks everything",
            problems,
            "" if problems == 1 else "s",
        )
    return not report.failed

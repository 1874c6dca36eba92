"""`ticketbot check`: check a real setup before going live, one line per item."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from slack_sdk import WebClient

from bot.check import texts
from bot.check.report import Report, printing
from bot.check.routes import check_routes
from bot.check.settings import SLACK_SETTINGS, WHMCS_SETTINGS, check_config, check_settings
from bot.check.slack import check_app_token, check_bot_token, check_triage_channels, slack_client
from bot.check.users import check_users
from bot.check.whmcs import WhmcsReadings, probe_every_action
from bot.check.whmcs_clock import check_clock
from bot.config import Config
from bot.runtime import whmcs_transport
from bot.settings import Settings, export_network_variables, read_environment
from bot.whmcs import WhmcsClient

# The variables whose values no line may show, even in part.
SECRET_SETTINGS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "WHMCS_IDENTIFIER",
    "WHMCS_SECRET",
    "WHMCS_ACCESS_KEY",
)
BUILTIN_IDENTIFIER = "ticketbot-check"


def main(argv: Sequence[str] | None = None) -> int:
    """Run `ticketbot check` on this environment, `.env` and config; 1 when anything failed."""
    parser = argparse.ArgumentParser(
        prog="ticketbot check",
        description=(
            "Check the settings, ticketbot.toml, Slack and WHMCS as `ticketbot run` would use "
            "them, one line per item; exit status 1 when any item failed."
        ),
    )
    parser.parse_args(argv)
    # The report says everything; the clients' own log lines would only repeat it.
    logging.basicConfig(level=logging.CRITICAL)
    env = read_environment()
    export_network_variables(env)
    return run_check(env, sys.stdout)


def run_check(env: Mapping[str, str], out: TextIO) -> int:
    """Check everything the merged environment `env` sets up; return the exit status."""
    report = Report(printing(out), (env.get(name, "").strip() for name in SECRET_SETTINGS))
    checked = check_settings(env, report)
    config_path = (
        checked.settings.config_path
        if checked.settings is not None
        else Path(env.get("TICKETBOT_CONFIG", "").strip() or "ticketbot.toml")
    )
    config = check_config(config_path, report)

    slack: WebClient | None = None
    bot: str | None = None
    slack_settings = checked.usable_for(SLACK_SETTINGS)
    if slack_settings is None:
        _not_checked(report, "Slack", checked.wrong & SLACK_SETTINGS)
    else:
        slack = slack_client(slack_settings)
        bot = check_bot_token(slack, report)
        check_app_token(slack_settings, report)
        if bot is not None and config is not None:
            check_triage_channels(slack, [route.channel for route in config.triage], bot, report)

    readings = None
    credential = any(env.get(name, "").strip() for name in ("WHMCS_IDENTIFIER", "WHMCS_SECRET"))
    if credential and not env.get("WHMCS_URL", "").strip():
        # A credential without an address is a line of .env.example left commented out.
        report.fail(texts.CREDENTIAL_WITHOUT_URL)
    whmcs_settings = checked.usable_for(WHMCS_SETTINGS)
    if whmcs_settings is None:
        _not_checked(report, "WHMCS", checked.wrong & WHMCS_SETTINGS)
    else:
        readings = _check_whmcs(whmcs_settings, report)

    if config is None:
        report.warn(texts.CONFIG_NOT_CHECKED.format(path=config_path))
    else:
        _check_linked_users(config, slack if bot is not None else None, readings, report)
        if readings is not None:
            check_routes(config, readings, report)
    return 1 if report.failed else 0


def _check_whmcs(settings: Settings, report: Report) -> WhmcsReadings:
    """Probe WHMCS, or the built-in sandbox when WHMCS_URL is unset, and compare its clock."""
    with _whmcs_client(settings, report) as client:
        readings = probe_every_action(client, report)
    check_clock(readings.tickets, settings.whmcs_timezone, report)
    return readings


@contextmanager
def _whmcs_client(settings: Settings, report: Report) -> Iterator[WhmcsClient]:
    """Yield a client for WHMCS_URL, or for a built-in sandbox started for the check."""
    sandbox = None
    if settings.uses_sandbox:
        from bot.sandbox import Sandbox

        report.warn(texts.BUILTIN_SANDBOX)
        secret = secrets.token_urlsafe(24)
        report.keep_out(secret)
        sandbox = Sandbox(identifier=BUILTIN_IDENTIFIER, secret=secret).start()
        login = [sandbox.url, BUILTIN_IDENTIFIER, secret]
    transport = whmcs_transport(settings, 1, login if sandbox is not None else None)
    try:
        yield WhmcsClient(transport)
    finally:
        transport.close()
        if sandbox is not None:
            sandbox.stop()


def _check_linked_users(
    config: Config, slack: WebClient | None, readings: WhmcsReadings | None, report: Report
) -> None:
    """Check `[users]` against Slack's users and WHMCS's admins, as far as each was reached."""
    if not config.users:
        return
    admins = readings.admins if readings is not None else None
    if readings is not None and admins is None:
        report.warn(texts.ADMINS_NOT_READ)
    check_users(config, slack, admins, report)


def _not_checked(report: Report, area: str, wrong: frozenset[str]) -> None:
    report.warn(texts.SETTINGS_NOT_CHECKED.format(area=area, names=", ".join(sorted(wrong))))

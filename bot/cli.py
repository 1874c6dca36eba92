"""The `ticketbot` command: run the bot, or the sandbox WHMCS."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sqlite3
import sys
import urllib.error
from collections.abc import Sequence
from datetime import timedelta

from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.config import load_config
from bot.settings import (
    SettingsError,
    export_network_variables,
    load_settings,
    read_environment,
)
from bot.slack.app import SlackUnreachable
from bot.store import StoreError

log = logging.getLogger("bot")

# At DEBUG these log whole request and message bodies (customer emails, response_urls), so they
# never go below INFO, whatever LOG_LEVEL says.
QUIET_LOGGERS = ("slack_sdk", "slack_bolt", "bot.slack.bolt")
UNREACHABLE_HINT = "check SLACK_API_URL and this host's network"
SINCE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
SINCE_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_DURATION = re.compile(r"([0-9]+)([mhd])")
_SLACK_USER = re.compile(r"[UW][A-Z0-9]{2,}")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535)")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ticketbot", description="Update WHMCS tickets from Slack."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser("run", help="run the Slack bot")
    run.add_argument(
        "--http", action="store_true", help="serve HTTP even when SLACK_APP_TOKEN is set"
    )
    run.add_argument(
        "--host", default="0.0.0.0", help="HTTP mode: address to listen on (default 0.0.0.0)"
    )
    run.add_argument(
        "--port", type=_port, default=None, help="HTTP mode: port (default $PORT or 3000)"
    )
    commands.add_parser("sandbox", help="serve the sandbox WHMCS API", add_help=False)
    commands.add_parser("audit", help="print who changed which ticket from Slack", add_help=False)
    commands.add_parser(
        "demo", help="try the bot in this terminal: no Slack, no WHMCS needed", add_help=False
    )
    commands.add_parser("check", help="check the setup before going live", add_help=False)
    return parser


def configure_logging(level: int) -> None:
    """Log to stderr at `level`, with the Slack libraries held at INFO or above."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Start the bot in Socket Mode or HTTP mode and serve until stopped."""
    from bot.runtime import build_bot

    env = read_environment()
    export_network_variables(env)
    try:
        settings = load_settings(env)
        configure_logging(settings.log_level)
        if settings.uses_sandbox:
            log.warning(
                "WHMCS_URL is not set: using the built-in sandbox WHMCS with demo data; "
                "no real ticket will be touched"
            )
        config = load_config(settings.config_path)
        port = args.port if args.port is not None else _port(env.get("PORT", "3000") or "3000")
    except (SettingsError, argparse.ArgumentTypeError) as error:
        print(f"ticketbot: {error}", file=sys.stderr)
        return 2
    try:
        bot = build_bot(settings, config)
    except BoltError as error:
        print(f"ticketbot: Slack did not accept SLACK_BOT_TOKEN: {error}", file=sys.stderr)
        return 2
    except SlackUnreachable as error:
        print(f"ticketbot: {error}: {UNREACHABLE_HINT}", file=sys.stderr)
        return 2
    except (StoreError, sqlite3.Error) as error:
        print(f"ticketbot: cannot use TICKETBOT_DB {settings.db_path}: {error}", file=sys.stderr)
        return 2
    from bot.check import check_at_start

    check_at_start(settings, config, bot.whmcs)
    signal.signal(signal.SIGTERM, _stop)
    try:
        if settings.slack_app_token and not args.http:
            from slack_bolt.adapter.socket_mode.websocket_client import SocketModeHandler

            log.info("connecting to Slack in Socket Mode")
            SocketModeHandler(bot.app, settings.slack_app_token).start()
        else:
            from bot.slack.http import HttpServer

            try:
                server = HttpServer(bot.app, settings.slack_signing_secret, args.host, port)
            except OSError as error:
                print(
                    f"ticketbot: cannot listen on {args.host}:{port}: {error.strerror}",
                    file=sys.stderr,
                )
                return 2
            log.info("serving Slack requests on http://%s:%s/slack/events", args.host, server.port)
            server.serve_forever()
    except KeyboardInterrupt:
        log.info("stopping")
    except SlackApiError as error:
        print(
            f"ticketbot: Slack did not accept SLACK_APP_TOKEN: {error.response.get('error')}",
            file=sys.stderr,
        )
        return 2
    except urllib.error.URLError as error:
        unreachable = SlackUnreachable(settings.slack_api_url, error)
        print(f"ticketbot: {unreachable}: {UNREACHABLE_HINT}", file=sys.stderr)
        return 2
    finally:
        bot.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `ticketbot` command line."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sandbox"]:
        from bot.sandbox import main as sandbox_main

        return sandbox_main(argv[1:])
    if argv[:1] == ["audit"]:
        from bot.audit_command import audit

        return audit(argv[1:])
    if argv[:1] == ["demo"]:
        from bot.demo import main as demo_main

        return demo_main(argv[1:])
    if argv[:1] == ["check"]:
        from bot.check import main as check_main

        return check_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "run":
        return run(args)
    return 2

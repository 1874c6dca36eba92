"""Build the Bolt app with every listener attached."""

from __future__ import annotations

import logging
import urllib.error

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import card_clicks, commands, form_open, form_options, form_submit, unfurl
from bot.slack.commands import CommandDeps
from bot.slack.form_open import FormOpener
from bot.slack.form_options import FormOptions
from bot.slack.form_submit import FormSubmit

log = logging.getLogger(__name__)

BOLT_LOGGER = "bot.slack.bolt"
SIGNATURE_REFUSED = "Invalid request signature detected"
# The start-up reachability check reports its own failure in one line; slack_sdk would log
# each failed attempt at ERROR as well.
_probe_log = logging.getLogger("bot.slack.probe")
_probe_log.setLevel(logging.CRITICAL)


class SlackUnreachable(Exception):
    """Slack's Web API could not be reached."""

    def __init__(self, api_url: str, error: BaseException) -> None:
        if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
            error = error.reason
        self.api_url = api_url
        self.reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        super().__init__(f"Slack could not be reached at {api_url} ({self.reason})")


class SignatureLogFilter(logging.Filter):
    """Keep the body, signature and timestamp of a refused request out of Bolt's log line.

    Bolt logs every request whose signature fails with its whole body: customers' email
    addresses, response_urls and raw newlines that would forge log lines.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite Bolt's "Invalid request signature detected" line to carry no request data."""
        if isinstance(record.msg, str) and record.msg.startswith(SIGNATURE_REFUSED):
            record.msg = SIGNATURE_REFUSED + " (request details not logged)"
            record.args = ()
        return True


def _filter_bolt_logger() -> logging.Logger:
    """Return the logger Bolt is given, with the signature filter on it once."""
    logger = logging.getLogger(BOLT_LOGGER)
    if not any(isinstance(f, SignatureLogFilter) for f in logger.filters):
        logger.addFilter(SignatureLogFilter())
    return logger


def check_reachable(bot_token: str, api_url: str) -> None:
    """Raise SlackUnreachable unless Slack's Web API at `api_url` answers auth.test."""
    probe = WebClient(base_url=api_url, timeout=10, logger=_probe_log)
    try:
        probe.auth_test(token=bot_token)
    except SlackApiError:
        return  # Slack answered; Bolt's own check reports a refused token.
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise SlackUnreachable(api_url, error) from None


def build_app(bot_token: str, signing_secret: str, api_url: str, deps: CommandDeps) -> App:
    """Return a Bolt app whose Web API calls go to `api_url`.

    Listeners run in the request's own thread (process_before_response): each one only
    parses and acks, and hands WHMCS work to the follow-up pool, so no Bolt thread waits on
    WHMCS. Raises SlackUnreachable when Slack cannot be reached to check the bot token; call
    check_reachable first to fail before anything else is built.
    """
    client = WebClient(token=bot_token, base_url=api_url, timeout=10)
    # NOTE: Bolt copies this logger's filters to the loggers of its middleware (the signature
    # check among them) when the app is built, so the filter must be on it before App().
    logger = _filter_bolt_logger()
    try:
        app = App(
            signing_secret=signing_secret,
            client=client,
            process_before_response=True,
            logger=logger,
        )
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise SlackUnreachable(api_url, error) from None
    commands.register(app, deps, api_url)
    if deps.form is not None:
        register_form(app, deps.form)
    if deps.cards is not None:
        card_clicks.register(app, deps.cards.deps)
        unfurl.register(app, deps.cards.deps)
    return app


def register_form(app: App, opener: FormOpener) -> None:
    """Attach the ticket form's listeners: opening, options, submission."""
    form_open.register(app, opener)
    form_options.register(app, FormOptions(opener.deps))
    form_submit.register(app, FormSubmit(opener.deps, opener))

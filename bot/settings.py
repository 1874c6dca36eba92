"""Read the bot's settings from the environment and a `.env` file."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# `.env.example` holds `xoxb-...`, `xapp-...` and `...` where the real values go.
PLACEHOLDERS = ("...", "…")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what to do."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    slack_app_token: str | None = field(repr=False)
    slack_api_url: str
    whmcs_url: str | None
    whmcs_identifier: str | None = field(repr=False)
    whmcs_secret: str | None = field(repr=False)
    whmcs_access_key: str | None = field(repr=False)
    whmcs_timeout: float
    whmcs_timezone: ZoneInfo
    config_path: Path
    db_path: Path
    whmcs_admin_url: str | None = None
    log_level: int = logging.INFO

    @property
    def uses_sandbox(self) -> bool:
        """Say whether the built-in sandbox stands in for WHMCS (WHMCS_URL unset)."""
        return self.whmcs_url is None


def database_path(env: Mapping[str, str]) -> Path:
    """Return the bot's SQLite file: TICKETBOT_DB, or the default for a real or sandbox WHMCS.

    The built-in sandbox's demo tickets get a record of their own, so that switching to a
    real WHMCS does not mix demo changes into real tickets' history.
    """
    chosen = _optional(env, "TICKETBOT_DB")
    if chosen:
        return Path(chosen)
    return Path("ticketbot.sqlite3" if _optional(env, "WHMCS_URL") else "ticketbot-sandbox.sqlite3")


# Read from the process environment by the HTTP clients (WHMCS's and slack_sdk's), not from
# Settings: when they are set only in `.env`, they are put into the environment.
NETWORK_VARIABLES = (
    "https_proxy",
    "HTTPS_PROXY",
    "http_proxy",
    "HTTP_PROXY",
    "no_proxy",
    "NO_PROXY",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
)


def export_network_variables(env: Mapping[str, str]) -> None:
    """Put the proxy and CA bundle variables `.env` sets into this process's environment."""
    for name in NETWORK_VARIABLES:
        if env.get(name) and name not in os.environ:
            os.environ[name] = env[name]


def read_environment(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = None
) -> dict[str, str]:
    """Merge `.env` under the real environment; the real environment wins."""
    real = dict(os.environ if environ is None else environ)
    path = dotenv if dotenv is not None else Path.cwd() / ".env"
    merged: dict[str, str] = {}
    if path.is_file():
        merged.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    merged.update(real)
    return merged


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _secret(env: Mapping[str, str], name: str, hint: str) -> str | None:
    value = _optional(env, name)
    if value is not None and any(mark in value for mark in PLACEHOLDERS):
        raise SettingsError(f"{name} still holds the example placeholder from .env.example: {hint}")
    return value


def _required(env: Mapping[str, str], name: str, hint: str) -> str:
    value = _secret(env, name, hint)
    if value is None:
        raise SettingsError(f"{name} is not set: {hint}")
    return value


def _token(env: Mapping[str, str], name: str, prefix: str, hint: str) -> str:
    value = _required(env, name, hint)
    if not value.startswith(prefix):
        raise SettingsError(f"{name} does not look right: it should start with {prefix}")
    return value


def _http_url(env: Mapping[str, str], name: str) -> str | None:
    value = _optional(env, name)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http:// or https:// URL")
    return value


def _timeout(env: Mapping[str, str]) -> float:
    raw = _optional(env, "WHMCS_TIMEOUT")
    if raw is None:
        return 10.0
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError("WHMCS_TIMEOUT must be a number of seconds, for example 10") from None
    if not 0.5 <= value <= 300:
        raise SettingsError("WHMCS_TIMEOUT must be between 0.5 and 300 seconds")
    return value


def _timezone(env: Mapping[str, str]) -> ZoneInfo:
    name = _optional(env, "WHMCS_TIMEZONE")
    if name is None:
        return local_timezone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"WHMCS_TIMEZONE is not an IANA time zone name: {name!r} (for example Europe/London)"
        ) from None


def _log_level(env: Mapping[str, str]) -> int:
    name = (_optional(env, "LOG_LEVEL") or "INFO").upper()
    if name not in LOG_LEVELS:
        raise SettingsError(
            f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {env['LOG_LEVEL'].strip()!r}"
        )
    level: int = getattr(logging, name)
    return level


def local_timezone() -> ZoneInfo:
    """Return this host's IANA time zone, UTC when it cannot be told."""
    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            target = os.path.realpath("/etc/localtime")
            match = re.search(r"zoneinfo/(.+)$", target)
            name = match.group(1) if match else ""
        except OSError:
            name = ""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def load_settings(env: Mapping[str, str]) -> Settings:
    """Build Settings from merged environment variables, or raise SettingsError."""
    whmcs_url = _http_url(env, "WHMCS_URL")
    identifier = secret = None
    if whmcs_url is not None:
        hint = "create an API credential in WHMCS (Configuration > System Settings > Manage API Credentials)"
        identifier = _required(env, "WHMCS_IDENTIFIER", hint)
        secret = _required(env, "WHMCS_SECRET", hint)
    api_url = _http_url(env, "SLACK_API_URL") or DEFAULT_SLACK_API_URL
    app_token = _secret(
        env,
        "SLACK_APP_TOKEN",
        "put your app-level token (xapp-) there, or remove the line to receive Slack's "
        "requests over HTTP",
    )
    if app_token is not None and not app_token.startswith("xapp-"):
        raise SettingsError("SLACK_APP_TOKEN does not look right: it should start with xapp-")
    return Settings(
        slack_bot_token=_token(
            env, "SLACK_BOT_TOKEN", "xoxb-", "copy the Bot User OAuth Token from your Slack app"
        ),
        slack_signing_secret=_required(
            env,
            "SLACK_SIGNING_SECRET",
            "copy the Signing Secret from your Slack app's Basic Information",
        ),
        slack_app_token=app_token,
        slack_api_url=api_url if api_url.endswith("/") else api_url + "/",
        whmcs_url=whmcs_url,
        whmcs_identifier=identifier,
        whmcs_secret=secret,
        whmcs_access_key=_optional(env, "WHMCS_ACCESS_KEY"),
        whmcs_timeout=_timeout(env),
        whmcs_timezone=_timezone(env),
        config_path=Path(_optional(env, "TICKETBOT_CONFIG") or "ticketbot.toml"),
        db_path=database_path(env),
        whmcs_admin_url=_http_url(env, "WHMCS_ADMIN_URL"),
        log_level=_log_level(env),
    )

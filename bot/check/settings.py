"""Check the settings and `ticketbot.toml`, naming every problem rather than the first."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.check import texts
from bot.check.report import Report
from bot.config import KNOWN_KEYS, Config, load_config, parse_config
from bot.settings import Settings, SettingsError, load_settings

# A value each setting can take while the others are checked; a setting found wrong is
# replaced by its stand-in so that the next problem comes to light.
STAND_INS = {
    "SLACK_BOT_TOKEN": "xoxb-stand-in",
    "SLACK_SIGNING_SECRET": "stand-in",
    "SLACK_APP_TOKEN": "",
    "SLACK_API_URL": "",
    "WHMCS_URL": "",
    "WHMCS_IDENTIFIER": "stand-in",
    "WHMCS_SECRET": "stand-in",
    "WHMCS_TIMEOUT": "",
    "WHMCS_TIMEZONE": "",
    "WHMCS_ADMIN_URL": "",
    "LOG_LEVEL": "",
}
# The settings each part of the check depends on.
SLACK_SETTINGS = frozenset({"SLACK_BOT_TOKEN", "SLACK_API_URL", "SLACK_APP_TOKEN"})
WHMCS_SETTINGS = frozenset(
    {"WHMCS_URL", "WHMCS_IDENTIFIER", "WHMCS_SECRET", "WHMCS_TIMEOUT", "WHMCS_TIMEZONE"}
)
_SETTING_NAME = re.compile(r"[A-Z][A-Z_]+")


@dataclass(frozen=True)
class CheckedSettings:
    """The settings as far as they could be read, and the names of those found wrong."""

    settings: Settings | None
    wrong: frozenset[str]

    def usable_for(self, needed: frozenset[str]) -> Settings | None:
        """Return the settings when none of `needed` is wrong, else None."""
        return None if self.wrong & needed else self.settings


def check_settings(env: Mapping[str, str], report: Report) -> CheckedSettings:
    """Report each missing or malformed setting as its own line."""
    trial = dict(env)
    wrong: list[str] = []
    for _ in range(len(STAND_INS) + 1):
        try:
            settings = load_settings(trial)
        except SettingsError as error:
            report.fail(str(error))
            name = _named_setting(str(error))
            if name is None or name in wrong:
                break
            wrong.append(name)
            trial[name] = STAND_INS[name]
            continue

        if not wrong:
            report.ok(texts.SETTINGS_OK)
        return CheckedSettings(settings, frozenset(wrong))
    return CheckedSettings(None, frozenset(wrong))


def _named_setting(message: str) -> str | None:
    """Return the setting a SettingsError names first, when it has a stand-in."""
    match = _SETTING_NAME.match(message)
    name = match.group(0) if match else None
    return name if name in STAND_INS else None


def check_config(path: Path, report: Report) -> Config | None:
    """Report whether the config file parses, with every unknown key; return it when it does."""
    if not path.exists():
        report.warn(texts.CONFIG_MISSING.format(path=path))
        return Config()

    try:
        config = load_config(path)
    except SettingsError as error:
        _report_each_problem(path, error, report)
        return None

    channels = len({route.channel for route in config.triage})
    report.ok(
        texts.CONFIG_OK.format(
            path=path,
            users=len(config.users),
            users_s=_plural(len(config.users)),
            routes=len(config.triage),
            routes_s=_plural(len(config.triage)),
            channels=channels,
            channels_s=_plural(channels),
        )
    )
    return config


def _report_each_problem(path: Path, error: SettingsError, report: Report) -> None:
    """Report every unknown key (each with its suggestion), then the first other problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        report.fail(str(error))
        return

    for key in sorted(set(raw) - KNOWN_KEYS):
        try:
            parse_config({key: raw[key]}, str(path))
        except SettingsError as unknown:
            report.fail(str(unknown))
    try:
        parse_config({k: v for k, v in raw.items() if k in KNOWN_KEYS}, str(path))
    except SettingsError as other:
        report.fail(str(other))


def _plural(count: int) -> str:
    return "" if count == 1 else "s"

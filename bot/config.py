"""Read `ticketbot.toml`: who is linked to which WHMCS admin, and how the bot answers."""

from __future__ import annotations

import difflib
import logging
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import SettingsError
from bot.triage.routes import Route, RouteError, parse_routes

log = logging.getLogger(__name__)

SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
CONFIRMATIONS = ("channel", "private")
DOCUMENTED_KEYS = (
    "users",
    "confirmations",
    "catalog_ttl",
    "whmcs_concurrency",
    "customfields",
    "default_role",
    "roles",
    "department_scope",
    "channel_scope",
    "staff_notes",
    "triage",
    "triage_interval",
)
KNOWN_KEYS = set(DOCUMENTED_KEYS)
DEFAULT_TRIAGE_INTERVAL = 30.0


@dataclass(frozen=True)
class LinkedUser:
    """A Slack user linked to a WHMCS admin in `[users]`."""

    slack_user: str
    admin_id: int
    role: str | None = None


@dataclass(frozen=True)
class Config:
    """The parsed `ticketbot.toml`."""

    users: dict[str, LinkedUser] = field(default_factory=dict)
    confirmations: str = "channel"
    catalog_ttl: float = 300.0
    whmcs_concurrency: int = 16
    customfields: dict[int, str] = field(default_factory=dict)
    default_role: str = "agent"
    roles: dict[str, frozenset[str]] = field(default_factory=dict)
    department_scope: bool = True
    channel_scope: bool = False
    staff_notes: bool = True
    triage: tuple[Route, ...] = ()
    triage_interval: float = DEFAULT_TRIAGE_INTERVAL

    def channel_departments(self) -> dict[str, tuple[int | str, ...]]:
        """Return each triage channel with the departments (ids or names) its routes cover."""
        covered: dict[str, tuple[int | str, ...]] = {}
        for route in self.triage:
            covered[route.channel] = covered.get(route.channel, ()) + route.departments
        return covered

    def admin_id_for(self, slack_user: str) -> int | None:
        """Return the WHMCS admin id linked to a Slack user, or None."""
        linked = self.users.get(slack_user)
        return linked.admin_id if linked else None


def _admin_id(slack_user: str, raw: Any) -> LinkedUser:
    role = None
    if isinstance(raw, dict):
        extra = sorted(set(raw) - {"admin", "role"})
        if extra:
            raise SettingsError(
                f"users.{slack_user} has an unknown key {extra[0]!r}: use admin and role"
            )
        role = raw.get("role")
        if role is not None and not isinstance(role, str):
            raise SettingsError(f"users.{slack_user}.role must be a role name in quotes")
        raw = raw.get("admin")
    if isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
        raise SettingsError(
            f"users.{slack_user} must be a WHMCS admin id (a whole number above 0), "
            f"for example {slack_user} = 1"
        )
    return LinkedUser(slack_user, raw, role)


def _users(raw: Any) -> dict[str, LinkedUser]:
    if not isinstance(raw, dict):
        raise SettingsError("users must be a table: [users] then lines like U0000001 = 1")
    users = {}
    for slack_user, value in raw.items():
        if not SLACK_USER_ID.match(slack_user):
            raise SettingsError(
                f"users.{slack_user} is not a Slack user id (they look like U0123ABCD or W0123ABCD)"
            )
        users[slack_user] = _admin_id(slack_user, value)
    return users


def _customfields(raw: Any) -> dict[int, str]:
    if not isinstance(raw, dict):
        raise SettingsError(
            'customfields must be a table: [customfields] then lines like 7 = "Rack"'
        )
    labels = {}
    for key, label in raw.items():
        if not re.fullmatch(r"[1-9][0-9]{0,9}", key):
            raise SettingsError(f"customfields.{key} must be a custom field id (a whole number)")
        if not isinstance(label, str) or not label.strip():
            raise SettingsError(f"customfields.{key} must be the field's name in quotes")
        labels[int(key)] = label.strip()
    return labels


def _flag(raw: dict[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise SettingsError(f"{key} must be true or false")
    return value


def _roles(raw: Any) -> dict[str, frozenset[str]]:
    from bot.access.policy import ACTIONS

    if not isinstance(raw, dict):
        raise SettingsError('roles must be tables: [roles.agent] then allow = ["status", ...]')
    roles = {}
    for name, table in raw.items():
        extra = sorted(set(table) - {"allow"}) if isinstance(table, dict) else []
        if extra:
            raise SettingsError(
                f"roles.{name} has an unknown key {extra[0]!r}: a role has only allow"
            )
        allow = table.get("allow") if isinstance(table, dict) else None
        if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
            raise SettingsError(f'roles.{name}.allow must be a list of actions, like ["status"]')
        unknown = [a for a in allow if a != "*" and a not in ACTIONS]
        if unknown:
            raise SettingsError(
                f"roles.{name}.allow has an unknown action {unknown[0]!r}; the actions are "
                + ", ".join(ACTIONS)
                + ", or * for all"
            )
        roles[name] = frozenset(allow)
    return roles


def _triage(raw: Any) -> tuple[Route, ...]:
    try:
        return parse_routes(raw)
    except RouteError as error:
        raise SettingsError(str(error)) from None


def _check_role_names(config: Config) -> None:
    from bot.access.policy import DEFAULT_ROLES

    known = set(DEFAULT_ROLES) | set(config.roles)
    if config.default_role not in known:
        raise SettingsError(
            f"default_role {config.default_role!r} is not a role: {', '.join(sorted(known))}"
        )
    for user in config.users.values():
        if user.role is not None and user.role not in known:
            closest = difflib.get_close_matches(user.role, sorted(known), n=1, cutoff=0.6)
            advice = f" (did you mean {closest[0]!r}?)" if closest else ""
            raise SettingsError(
                f"users.{user.slack_user} has the role {user.role!r}, which is not defined"
                f"{advice}; roles: {', '.join(sorted(known))}"
            )


def _number(raw: dict[str, Any], key: str, default: float, low: float, high: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise SettingsError(f"{key} must be a number from {low:g} to {high:g}")
    return float(value)


def _refuse_unknown_keys(raw: dict[str, Any], source: str) -> None:
    """Stop at a key the bot does not know: a misspelt setting must not fall back silently."""
    unknown = sorted(set(raw) - KNOWN_KEYS)
    if not unknown:
        return
    key = unknown[0]
    closest = difflib.get_close_matches(key.lower(), sorted(KNOWN_KEYS), n=1, cutoff=0.6)
    advice = (
        f"did you mean {closest[0]!r}?"
        if closest
        else f"the known keys are {', '.join(DOCUMENTED_KEYS)}"
    )
    raise SettingsError(f"{source} has an unknown key {key!r}: {advice}")


def parse_config(raw: dict[str, Any], source: str = "ticketbot.toml") -> Config:
    """Check a TOML document's keys and values and build a Config.

    Args:
        source: how to name the document in an error (its path).
    """
    _refuse_unknown_keys(raw, source)
    confirmations = raw.get("confirmations", "channel")
    if confirmations not in CONFIRMATIONS:
        raise SettingsError('confirmations must be "channel" or "private"')
    default_role = raw.get("default_role", "agent")
    if not isinstance(default_role, str):
        raise SettingsError("default_role must be a role name in quotes")
    config = Config(
        users=_users(raw.get("users", {})),
        confirmations=confirmations,
        catalog_ttl=_number(raw, "catalog_ttl", 300.0, 0, 86400),
        whmcs_concurrency=int(_number(raw, "whmcs_concurrency", 16, 1, 256)),
        customfields=_customfields(raw.get("customfields", {})),
        default_role=default_role,
        roles=_roles(raw.get("roles", {})),
        department_scope=_flag(raw, "department_scope", True),
        channel_scope=_flag(raw, "channel_scope", False),
        staff_notes=_flag(raw, "staff_notes", True),
        triage=_triage(raw.get("triage", [])),
        triage_interval=_number(raw, "triage_interval", DEFAULT_TRIAGE_INTERVAL, 5, 3600),
    )
    _check_role_names(config)
    return config


def load_config(path: Path) -> Config:
    """Read a TOML config file; a missing file is an empty config."""
    if not path.exists():
        log.info("no config file at %s: no Slack user is linked to a WHMCS admin yet", path)
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"TICKETBOT_CONFIG {path} is not valid TOML: {error}") from None
    except OSError as error:
        raise SettingsError(f"TICKETBOT_CONFIG {path} cannot be read: {error.strerror}") from None
    return parse_config(raw, str(path))

"""Tie a Slack user to one enabled WHMCS admin: by `[users]` in ticketbot.toml, else by email."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from bot.store import CachedIdentity, Store, StoreError
from bot.whmcs import Admin

log = logging.getLogger(__name__)

HOW_CONFIG = "config"
HOW_EMAIL = "email"
# How many people the "identity" log line remembers having logged, to say each once.
LOGGED_PEOPLE = 10_000

_COUNT_WORDS = {2: "Two", 3: "Three", 4: "Four", 5: "Five", 6: "Six", 7: "Seven", 8: "Eight"}


@dataclass(frozen=True)
class Identity:
    """A Slack user linked to an enabled WHMCS admin, and the role that sets what they may do.

    `how` is "config" for a `[users]` entry and "email" for a match on the Slack profile email.
    """

    slack_user: str
    admin: Admin
    how: str
    role: str


@dataclass(frozen=True)
class Unlinked:
    """A Slack user who is tied to no enabled WHMCS admin: why, and what to ask for.

    `reason` may quote the person's own Slack profile email; both texts are plain, unescaped.
    """

    slack_user: str
    reason: str
    hint: str


@dataclass(frozen=True)
class _Miss:
    """Why a profile email matched no single enabled admin; `cause` is for the log."""

    cause: str
    reason: str
    admin_ids: tuple[int, ...] = ()


def _link_hint(slack_user: str) -> str:
    return (
        f"Ask an operator to add `{slack_user} = <admin id>` under [users] in ticketbot.toml, "
        "or to give your WHMCS admin the same email as your Slack profile."
    )


def _no_email_hint(slack_user: str) -> str:
    return (
        f"Ask an operator to add `{slack_user} = <admin id>` under [users] in ticketbot.toml, "
        "or to set an email on your Slack profile (ticketbot reads it with Slack's "
        "users:read.email permission)."
    )


def _email_key(email: str) -> str:
    """Fold an address for matching: ASCII case only, so `ſ`, `ß` or the Kelvin sign never
    stand in for `s`, `ss` or `k`; an address with other characters matches nothing."""
    text = email.strip()
    return text.lower() if text.isascii() else ""


def _match(email: str, enabled: Mapping[int, Admin]) -> Admin | _Miss:
    """Return the one enabled admin whose email is this one, ignoring case and outer spaces."""
    shown = email.strip()
    wanted = _email_key(shown)
    if not wanted:
        return _Miss("no-email", "Your Slack profile has no email ticketbot can read.")

    ids = tuple(sorted(admin.id for admin in enabled.values() if _email_key(admin.email) == wanted))
    if len(ids) == 1:
        return enabled[ids[0]]
    if not ids:
        return _Miss("no-admin", f"No enabled WHMCS admin has the email {shown}.")
    count = _COUNT_WORDS.get(len(ids), str(len(ids)))
    listed = ", ".join(str(admin_id) for admin_id in ids)
    return _Miss(
        "shared-email",
        f"{count} enabled WHMCS admins (ids {listed}) share the email {shown}, "
        "so ticketbot cannot tell which one is you.",
        ids,
    )


class Directory:
    """Find the WHMCS admin behind a Slack user, caching email matches in the store.

    Args:
        linked: Slack user id to (admin id, role or None), from `[users]`; these entries win.
        default_role: the role of users linked by email, and of `[users]` entries naming none.
        admins: returns the enabled WHMCS admins (the caller keeps them cached).
        slack_email: returns a Slack user's profile email, or None when Slack shows none.
        ttl: seconds an email lookup, matched or not, is reused before Slack is asked again.
    """

    def __init__(
        self,
        linked: Mapping[str, tuple[int, str | None]],
        default_role: str,
        admins: Callable[[], list[Admin]],
        slack_email: Callable[[str], str | None],
        store: Store,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._linked = dict(linked)
        self._default_role = default_role
        self._admins = admins
        self._slack_email = slack_email
        self._store = store
        self._ttl = ttl
        self._clock = clock
        # The identity last logged for each person: a line is logged when it is new or changed.
        self._logged: dict[str, tuple[int, str, str]] = {}

    def identify(self, slack_user: str) -> Identity | Unlinked:
        """Return the enabled WHMCS admin a Slack user acts as, or why there is none.

        What reading the admins raises (a WhmcsError when WHMCS cannot answer) is passed on:
        that is a setup problem to show as such, not a reason the person is unlinked.
        """
        enabled = {admin.id: admin for admin in self._admins() if not admin.disabled}
        linked = self._linked.get(slack_user)
        if linked is not None:
            return self._from_config(slack_user, linked, enabled)
        return self._from_email(slack_user, enabled)

    def admin_id_for(self, slack_user: str) -> int | None:
        """Return the enabled admin id of a mentioned Slack user, or None when they have none."""
        found = self.identify(slack_user)
        return found.admin.id if isinstance(found, Identity) else None

    def _from_config(
        self, slack_user: str, linked: tuple[int, str | None], enabled: Mapping[int, Admin]
    ) -> Identity | Unlinked:
        admin_id, role = linked
        admin = enabled.get(admin_id)
        if admin is None:
            log.info("identity user=%s unlinked cause=config-admin-missing admin=%s", *linked)
            return Unlinked(
                slack_user,
                f"You are linked to WHMCS admin {admin_id}, which is missing or disabled.",
                f"Ask a WHMCS administrator to enable admin {admin_id}, or an operator to set "
                f"`{slack_user} = <admin id>` under [users] in ticketbot.toml to your own "
                "enabled WHMCS admin.",
            )
        return self._linked_to(slack_user, admin, HOW_CONFIG, role or self._default_role)

    def _from_email(self, slack_user: str, enabled: Mapping[int, Admin]) -> Identity | Unlinked:
        now = self._clock()
        cached = self._cached(slack_user)
        if cached is not None and 0 <= now - cached.checked_at < self._ttl:
            # The admins list may be newer than the cached email lookup: match again against it.
            outcome = _match(cached.email, enabled)
            admin_id = outcome.id if isinstance(outcome, Admin) else None
            if cached.admin_id is None or admin_id == cached.admin_id:
                if admin_id != cached.admin_id:
                    self._cache(replace(cached, admin_id=admin_id))
                return self._outcome(slack_user, outcome)
            # A matched admin that is disabled, gone or no longer alone with the email loses
            # access now, not when the cache expires.
            log.debug("identity user=%s admin=%s dropped from cache", slack_user, cached.admin_id)
            self._forget(slack_user)

        try:
            email = (self._slack_email(slack_user) or "").strip()
        except Exception as error:  # any failure of Slack's users.info, of whatever kind
            log.warning(
                "identity user=%s Slack profile unreadable: %s",
                slack_user,
                type(error).__name__,
                exc_info=True,
            )
            log.info("identity user=%s unlinked cause=slack-unreachable", slack_user)
            return Unlinked(
                slack_user,
                "Slack could not be asked for your profile email just now, so ticketbot cannot "
                "tell which WHMCS admin you are.",
                "Try again in a minute. If it keeps failing, ask an operator to add "
                f"`{slack_user} = <admin id>` under [users] in ticketbot.toml.",
            )

        outcome = _match(email, enabled)
        admin_id = outcome.id if isinstance(outcome, Admin) else None
        self._cache(CachedIdentity(slack_user, admin_id, email, now))
        return self._outcome(slack_user, outcome)

    def _outcome(self, slack_user: str, outcome: Admin | _Miss) -> Identity | Unlinked:
        if isinstance(outcome, Admin):
            return self._linked_to(slack_user, outcome, HOW_EMAIL, self._default_role)
        log.info(
            "identity user=%s unlinked cause=%s admins=%s",
            slack_user,
            outcome.cause,
            ",".join(str(admin_id) for admin_id in outcome.admin_ids) or "-",
        )
        hint = _no_email_hint if outcome.cause == "no-email" else _link_hint
        return Unlinked(slack_user, outcome.reason, hint(slack_user))

    def _linked_to(self, slack_user: str, admin: Admin, how: str, role: str) -> Identity:
        if self._logged.get(slack_user) != (admin.id, how, role):
            if len(self._logged) >= LOGGED_PEOPLE:
                self._logged.clear()  # bounded: at worst a few lines are logged again
            self._logged[slack_user] = (admin.id, how, role)
            log.info("identity user=%s admin=%s how=%s role=%s", slack_user, admin.id, how, role)
        return Identity(slack_user, admin, how, role)

    # The cache only saves Slack calls: when the database is locked or broken, carry on
    # without it rather than leave the person without an answer.
    def _cached(self, slack_user: str) -> CachedIdentity | None:
        try:
            return self._store.cached_identity(slack_user)
        except (sqlite3.Error, StoreError):
            log.warning("identity cache unreadable; asking Slack for user=%s", slack_user)
            return None

    def _cache(self, identity: CachedIdentity) -> None:
        try:
            self._store.cache_identity(identity)
        except (sqlite3.Error, StoreError):
            log.warning("identity cache unwritable; user=%s not cached", identity.slack_user)

    def _forget(self, slack_user: str) -> None:
        try:
            self._store.forget_identity(slack_user)
        except (sqlite3.Error, StoreError):
            log.warning("identity cache unwritable; user=%s not forgotten", slack_user)

"""Slack users are tied to WHMCS admins by `[users]`, else by one matching profile email."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.access import Directory, Identity, Unlinked
from bot.store import Store
from bot.whmcs import Admin, WhmcsUnreachable


def admin(admin_id: int, email: str, disabled: bool = False) -> Admin:
    return Admin(admin_id, f"admin{admin_id}", "First", "Last", email, disabled, 1, (1,))


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class SlackProfiles:
    """Stands in for users.info: the profile email of each Slack user, counting the asks."""

    def __init__(self, emails: dict[str, str | None]) -> None:
        self.emails = emails
        self.asked: list[str] = []
        self.failure: Exception | None = None

    def __call__(self, slack_user: str) -> str | None:
        self.asked.append(slack_user)
        if self.failure is not None:
            raise self.failure
        return self.emails.get(slack_user)


class Setup:
    def __init__(self, store: Store) -> None:
        self.admins = [admin(1, "alice@example.com"), admin(2, "bob@example.com")]
        self.slack = SlackProfiles({"U1": "alice@example.com", "U2": "bob@example.com"})
        self.clock = Clock()
        self.store = store
        self.linked: dict[str, tuple[int, str | None]] = {}

    def directory(self, ttl: float = 300.0) -> Directory:
        return Directory(
            self.linked,
            "agent",
            lambda: list(self.admins),
            self.slack,
            self.store,
            ttl=ttl,
            clock=self.clock,
        )


@pytest.fixture
def setup() -> Iterator[Setup]:
    with Store(":memory:") as store:
        yield Setup(store)


def test_profile_email_matches_regardless_of_case_and_spaces(setup: Setup) -> None:
    setup.admins = [admin(1, " Alice@Example.com ")]
    setup.slack.emails["U1"] = "  ALICE@example.COM\t"
    found = setup.directory().identify("U1")
    assert isinstance(found, Identity)
    assert (found.admin.id, found.how, found.role) == (1, "email", "agent")


def test_a_disabled_admin_with_the_email_is_no_match(setup: Setup) -> None:
    setup.admins = [admin(1, "alice@example.com", disabled=True), admin(2, "bob@example.com")]
    found = setup.directory().identify("U1")
    assert isinstance(found, Unlinked)
    assert found.reason == "No enabled WHMCS admin has the email alice@example.com."
    assert "`U1 = <admin id>` under [users] in ticketbot.toml" in found.hint
    assert "same email as your Slack profile" in found.hint


def test_two_enabled_admins_sharing_the_email_match_neither(setup: Setup) -> None:
    setup.admins = [admin(7, "alice@example.com"), admin(3, "ALICE@example.com")]
    found = setup.directory().identify("U1")
    assert isinstance(found, Unlinked)
    assert "Two enabled WHMCS admins (ids 3, 7) share the email alice@example.com" in found.reason
    assert setup.directory().admin_id_for("U1") is None


def test_a_profile_without_email_is_unlinked(setup: Setup) -> None:
    setup.slack.emails["U3"] = None
    found = setup.directory().identify("U3")
    assert isinstance(found, Unlinked)
    assert found.reason == "Your Slack profile has no email ticketbot can read."
    assert "`U3 = <admin id>`" in found.hint


def test_users_entry_wins_over_email_and_slack_is_not_asked(setup: Setup) -> None:
    setup.linked = {"U1": (2, "lead"), "U2": (1, None)}
    directory = setup.directory()
    lead, agent = directory.identify("U1"), directory.identify("U2")
    assert isinstance(lead, Identity) and isinstance(agent, Identity)
    assert (lead.admin.id, lead.how, lead.role) == (2, "config", "lead")
    assert (agent.admin.id, agent.role) == (1, "agent")
    assert setup.slack.asked == []


def test_users_entry_for_a_disabled_admin_is_refused_without_falling_back(setup: Setup) -> None:
    setup.linked = {"U1": (9, None)}
    setup.admins.append(admin(9, "nine@example.com", disabled=True))
    found = setup.directory().identify("U1")
    assert isinstance(found, Unlinked)
    assert found.reason == "You are linked to WHMCS admin 9, which is missing or disabled."
    assert "enable admin 9" in found.hint
    assert setup.slack.asked == []


def test_a_lookup_is_reused_within_the_ttl_and_repeated_after(setup: Setup) -> None:
    directory = setup.directory(ttl=300)
    assert directory.admin_id_for("U1") == 1
    setup.clock.now += 299
    assert directory.admin_id_for("U1") == 1
    assert setup.slack.asked == ["U1"]

    setup.slack.emails["U1"] = "bob@example.com"
    setup.clock.now += 1
    assert directory.admin_id_for("U1") == 2
    assert setup.slack.asked == ["U1", "U1"]


def test_a_no_match_is_reused_too(setup: Setup) -> None:
    setup.slack.emails["U3"] = "carol@example.com"
    directory = setup.directory()
    assert isinstance(directory.identify("U3"), Unlinked)
    assert isinstance(directory.identify("U3"), Unlinked)
    assert setup.slack.asked == ["U3"]


def test_the_cache_outlives_a_restart(setup: Setup) -> None:
    setup.directory().identify("U1")
    found = setup.directory().identify("U1")
    assert isinstance(found, Identity) and found.admin.id == 1
    assert setup.slack.asked == ["U1"]


def test_an_admin_disabled_later_loses_access_at_once(setup: Setup) -> None:
    directory = setup.directory()
    assert directory.admin_id_for("U1") == 1
    setup.admins = [admin(1, "alice@example.com", disabled=True), admin(2, "bob@example.com")]
    found = directory.identify("U1")
    assert isinstance(found, Unlinked)
    assert "No enabled WHMCS admin has the email alice@example.com" in found.reason

    setup.admins = [admin(2, "bob@example.com")]
    assert directory.admin_id_for("U1") is None


def test_an_admin_given_the_email_links_a_cached_no_match_without_asking_slack(
    setup: Setup,
) -> None:
    setup.slack.emails["U3"] = "carol@example.com"
    directory = setup.directory()
    assert directory.admin_id_for("U3") is None
    setup.admins.append(admin(3, "Carol@example.com"))
    assert directory.admin_id_for("U3") == 3
    assert setup.slack.asked == ["U3"]


def test_slack_failing_is_said_and_not_cached(setup: Setup) -> None:
    setup.slack.failure = ConnectionError("Slack is down")
    directory = setup.directory()
    found = directory.identify("U1")
    assert isinstance(found, Unlinked)
    assert found.reason.startswith("Slack could not be asked for your profile email")
    assert "Try again" in found.hint

    setup.slack.failure = None
    assert directory.admin_id_for("U1") == 1
    assert setup.slack.asked == ["U1", "U1"]


def test_whmcs_failing_is_passed_on_not_taken_for_unlinked(setup: Setup) -> None:
    def admins() -> list[Admin]:
        raise WhmcsUnreachable("connection refused", "GetAdminUsers")

    directory = Directory({}, "agent", admins, setup.slack, setup.store, clock=setup.clock)
    with pytest.raises(WhmcsUnreachable):
        directory.identify("U1")
    assert setup.store.cached_identity("U1") is None


def test_mentions_resolve_to_admin_ids(setup: Setup) -> None:
    setup.linked = {"U5": (2, None)}
    directory = setup.directory()
    assert directory.admin_id_for("U5") == 2
    assert directory.admin_id_for("U1") == 1
    assert directory.admin_id_for("U404") is None


def test_each_decision_logs_one_line_with_ids_and_no_email(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    setup.linked = {"U5": (2, None)}
    setup.slack.emails["U3"] = "carol@example.com"
    directory = setup.directory()
    with caplog.at_level(logging.INFO, logger="bot.access"):
        directory.identify("U1")
        directory.identify("U3")
        directory.identify("U5")
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert lines == [
        "identity user=U1 admin=1 how=email role=agent",
        "identity user=U3 unlinked cause=no-admin admins=-",
        "identity user=U5 admin=2 how=config role=agent",
    ]
    assert "example.com" not in caplog.text


def test_the_identity_line_is_logged_once_for_each_person(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    setup.linked = {"U5": (2, None)}
    directory = setup.directory()
    with caplog.at_level(logging.INFO, logger="bot.access"):
        for _ in range(3):
            directory.identify("U5")
            directory.identify("U1")
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("identity")]
    assert lines == [
        "identity user=U5 admin=2 how=config role=agent",
        "identity user=U1 admin=1 how=email role=agent",
    ]

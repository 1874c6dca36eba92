"""The flag and department lists go only to people who may see the ticket and change the field."""

from __future__ import annotations

import pytest

from tests.scenario import formkit as fk
from tests.scenario.harness import Harness
from tests.scenario.test_form import open_form
from tests.scenario.test_permissions import BILLING_TICKET, EMAIL_ONLY


def restart(bot: Harness, config: str) -> Harness:
    """Run the bot again with another ticketbot.toml."""
    bot.stop()
    bot.config = config
    bot.start()
    return bot


@pytest.fixture
def team(bot: Harness) -> Harness:
    """The bot with Bob linked by email only (an agent in General and Technical Support)."""
    return restart(bot, EMAIL_ONLY)


def test_no_options_for_someone_not_linked_or_not_let_view_the_ticket(team: Harness) -> None:
    team.command("42", user="U0000009")  # linked to no WHMCS admin
    unlinked = fk.wait_view(team, fk.opened_view_id(team), "Try again")
    team.command(str(BILLING_TICKET), user="U0000002")  # Bob has no Billing
    denied = fk.wait_view(team, fk.opened_view_id(team, 2), "Billing")

    for view, user in ((unlinked, "U0000009"), (denied, "U0000002")):
        assert fk.suggest(team, view, "dept", "", user_id=user) == []
        assert fk.suggest(team, view, "flag", "", user_id=user) == []


def test_no_options_before_the_form_shows_the_ticket(bot: Harness) -> None:
    bot.faults(latency=1.0, actions=["getticket"])
    bot.command("42")
    loading = fk.wait_view(bot, fk.opened_view_id(bot), "Loading ticket 42")
    assert fk.suggest(bot, loading, "dept", "") == []
    assert fk.suggest(bot, loading, "flag", "") == []
    fk.global_shortcut(bot)
    asking = fk.current(bot, fk.opened_view_id(bot, 2))
    assert fk.suggest(bot, asking, "dept", "") == []


def test_no_options_for_a_field_ones_role_may_not_change(bot: Harness) -> None:
    restart(bot, '[roles.agent]\nallow = ["view", "status"]\n' + EMAIL_ONLY)
    _, view = open_form(bot, user="U0000002")
    assert fk.suggest(bot, view, "dept", "", user_id="U0000002") == []
    assert fk.suggest(bot, view, "flag", "", user_id="U0000002") == []


def test_options_for_a_form_from_another_view_are_refused(bot: Harness) -> None:
    _, view = open_form(bot)
    _, other = open_form(bot)
    assert [o["value"] for o in fk.suggest(bot, view, "dept", "bill")] == ["3"]
    assert fk.suggest(bot, {**view, "id": other["id"]}, "dept", "bill") == []

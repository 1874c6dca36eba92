"""Roles decide which fields a person may change, within their and the channel's departments."""

from __future__ import annotations

import logging

import pytest

from bot.access import ACTIONS, DEFAULT_ROLES, Identity, Policy
from bot.whmcs import Admin

AGENT_ACTIONS = {"view", "status", "priority", "dept", "subject", "flag_self", "unflag_self"}


def person(role: str, departments: tuple[int, ...] = (1,), slack_user: str = "U1") -> Identity:
    admin = Admin(4, "alice", "Alice", "Admin", "alice@example.com", False, 1, departments)
    return Identity(slack_user, admin, "config", role)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", sorted(DEFAULT_ROLES))
def test_default_roles_allow_exactly_their_actions(role: str, action: str) -> None:
    expected = role == "lead" or action in AGENT_ACTIONS
    decision = Policy().decide(person(role), [action], 1, "Support", None)
    assert decision.allowed is expected
    assert decision.missing == (() if expected else (action,))


def test_allowed_lists_the_role_actions_with_star_expanded() -> None:
    policy = Policy()
    assert policy.allowed(person("agent")) == AGENT_ACTIONS
    assert policy.allowed(person("lead")) == set(ACTIONS)
    assert policy.allowed_for_role("lead") == set(ACTIONS)
    assert policy.allowed_for_role("intern") == set()


def test_config_roles_are_added_and_replace_defaults_of_the_same_name() -> None:
    policy = Policy(roles={"billing": ["view", "client", "contact"], "agent": ["view"]})
    assert policy.allowed(person("billing")) == {"view", "client", "contact"}
    assert policy.allowed(person("agent")) == {"view"}
    assert policy.allowed(person("lead")) == set(ACTIONS)
    assert policy.decide(person("billing"), ["client", "contact"], 1, "Support", None).allowed
    refused = policy.decide(person("agent"), ["status"], 1, "Support", None)
    assert refused.missing == ("status",)


def test_a_star_in_a_config_role_allows_everything() -> None:
    policy = Policy(roles={"boss": ["*"]})
    assert policy.allowed(person("boss")) == set(ACTIONS)


def test_an_unknown_action_in_the_config_is_refused_by_name() -> None:
    with pytest.raises(
        ValueError, match=r"roles\.billing\.allow .* 'stauts': did you mean 'status'"
    ):
        Policy(roles={"billing": ["view", "stauts"]})
    with pytest.raises(ValueError, match="'refund'"):
        Policy(roles={"billing": ["refund"]})


def test_an_undefined_role_allows_nothing() -> None:
    decision = Policy().decide(person("intern"), ["view"], 1, "Support", None)
    assert not decision.allowed
    assert "Your role intern is not defined" in decision.message


def test_an_unknown_action_asked_for_is_denied() -> None:
    decision = Policy().decide(person("lead"), ["refund"], 1, "Support", None)
    assert not decision.allowed
    assert decision.missing == ("refund",)


def test_a_refusal_names_each_missing_permission_and_the_granters() -> None:
    policy = Policy(granters=["UL1", "UL2"])
    decision = policy.decide(person("agent"), ["status", "client", "message"], 1, "Support", None)
    assert not decision.allowed
    assert decision.missing == ("client", "message")
    assert decision.message == (
        "Your role agent does not allow changing the client (permission: client) or "
        "replacing the opening message (permission: message)."
    )
    assert "<@UL1> or <@UL2>" in decision.hint
    assert "`client` and `message` under `[roles.agent] allow` in ticketbot.toml" in decision.hint


def test_without_granters_the_hint_names_only_the_operator() -> None:
    decision = Policy().decide(person("agent"), ["flag_others"], 1, "Support", None)
    assert decision.message == (
        "Your role agent does not allow flagging a ticket to someone else "
        "(permission: flag_others)."
    )
    assert "<@" not in decision.hint
    assert "operator" in decision.hint and "[roles.agent] allow" in decision.hint


def test_department_scope_covers_every_action_even_viewing() -> None:
    policy = Policy()
    for role, action in [("agent", "view"), ("lead", "client")]:
        decision = policy.decide(person(role, (1, 3)), [action], 2, "Billing", None)
        assert not decision.allowed
        assert "Billing (id 2)" in decision.message
        assert "(ids 1, 3)" in decision.message
        assert "WHMCS administrator" in decision.hint
    assert policy.decide(person("agent", (1, 3)), ["view"], 3, "Sales", None).allowed


def test_an_admin_without_departments_is_told_so() -> None:
    decision = Policy().decide(person("lead", ()), ["status"], 2, "Billing", None)
    assert "your WHMCS admin has no support departments" in decision.message


def test_a_request_naming_no_action_is_still_held_to_the_departments() -> None:
    policy = Policy(channel_departments={"C1": {1}})
    assert policy.decide(person("agent", (1,)), [], 1, "Support", "C1").allowed
    assert not policy.decide(person("agent", (1,)), [], 2, "Billing", None).allowed
    assert not policy.decide(person("agent", (1, 2)), [], 2, "Billing", "C1").allowed


def test_department_scope_can_be_turned_off() -> None:
    policy = Policy(department_scope=False)
    assert policy.decide(person("agent", ()), ["status"], 2, "Billing", None).allowed


def test_a_triage_channel_acts_only_on_its_departments() -> None:
    policy = Policy(department_scope=False, channel_departments={"C1": {1, 3}})
    lead = person("lead")
    refused = policy.decide(lead, ["status"], 2, "Billing", "C1")
    assert not refused.allowed
    assert "departments with ids 1, 3" in refused.message
    assert "Billing (id 2)" in refused.message
    assert policy.decide(lead, ["status"], 3, "Sales", "C1").allowed
    assert policy.decide(lead, ["status"], 2, "Billing", "C2").allowed
    assert policy.decide(lead, ["status"], 2, "Billing", None).allowed


def test_channel_routes_are_read_when_deciding_not_when_built() -> None:
    routes: dict[str, set[int]] = {}
    policy = Policy(department_scope=False, channel_departments=routes)
    assert policy.decide(person("lead"), ["status"], 2, "Billing", "C1").allowed
    routes["C1"] = {1}
    assert not policy.decide(person("lead"), ["status"], 2, "Billing", "C1").allowed


def test_each_decision_logs_one_line(caplog: pytest.LogCaptureFixture) -> None:
    policy = Policy(channel_departments={"C1": {2}})
    with caplog.at_level(logging.INFO, logger="bot.access"):
        policy.decide(person("agent"), ["status", "client"], 1, "Support", None)
        policy.decide(person("agent"), ["status"], 1, "Support", "C1")
        policy.decide(person("agent"), ["status"], 1, "Support", None)
    prefix = "policy user=U1 admin=4 role=agent dept=1 "
    assert [r.getMessage().removeprefix(prefix) for r in caplog.records] == [
        "channel=- actions=status,client denied missing=client",
        "channel=C1 actions=status denied outside=channel",
        "channel=- actions=status allowed",
    ]

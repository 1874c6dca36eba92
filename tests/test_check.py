"""`ticketbot check` against the sandbox WHMCS and the fake Slack: each fault it reports."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from bot.check import NEEDED_SCOPES, run_check
from bot.sandbox import Sandbox
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.fakeslack import FakeSlack

REPOSITORY = Path(__file__).resolve().parents[1]
BOT_TOKEN = "xoxb-check-bot-token-5d1e"
APP_TOKEN = "xapp-check-app-token-0b3c"
SIGNING_SECRET = "check-signing-secret-77aa"
ACCESS_KEY = "check-access-key-41f0"
WRONG_SECRET = "wrong-whmcs-secret-c81d"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, ACCESS_KEY, WRONG_SECRET, SANDBOX_SECRET)
# Secrets are also hidden in part: no line may show a long piece of one either.
SECRET_PIECES = tuple(secret[-10:] for secret in SECRETS) + (SANDBOX_IDENTIFIER,)
USERS = {
    "U0000001": {"email": "alice@example.com", "real_name": "Alice Admin"},
    "U0000002": {"email": "bob@example.com", "real_name": "Bob Builder"},
}
CHANNELS = {"C0TECH": {"name": "tech"}, "C0BILLING": {"name": "billing", "is_member": False}}
CONFIG = """\
[users]
U0000001 = { admin = 1, role = "lead" }

[[triage]]
channel = "C0TECH"
departments = ["Technical Support"]
"""
ACTIONS = (
    "GetTicket",
    "GetTickets",
    "UpdateTicket",
    "AddTicketNote",
    "GetSupportStatuses",
    "GetSupportDepartments",
    "GetAdminUsers",
    "GetClientsDetails",
)


@dataclass
class Outcome:
    """What `ticketbot check` printed and its exit status."""

    status: int
    lines: list[str]

    def with_status(self, status: str) -> list[str]:
        return [line for line in self.lines if line.split()[0] == status]

    def line_with(self, text: str) -> str:
        found = [line for line in self.lines if text in line]
        assert found, f"no line holds {text!r}:\n" + "\n".join(self.lines)
        return found[0]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack(
        bot_token=BOT_TOKEN, users=USERS, channels=CHANNELS, app_token=APP_TOKEN
    ) as fake:
        yield fake


@pytest.fixture
def env(sandbox: Sandbox, fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    """A complete setup: the sandbox as WHMCS, the fake Slack, one linked user, one route."""
    config = tmp_path / "ticketbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_URL": fake_slack.api_url,
        "WHMCS_URL": sandbox.url,
        "WHMCS_IDENTIFIER": SANDBOX_IDENTIFIER,
        "WHMCS_SECRET": SANDBOX_SECRET,
        "WHMCS_TIMEZONE": "UTC",
        "TICKETBOT_CONFIG": str(config),
    }


def check(env: dict[str, str]) -> Outcome:
    """Run the check on `env`; no secret may appear in what it prints."""
    out = io.StringIO()
    status = run_check(env, out)
    text = out.getvalue()
    for secret in SECRET_PIECES:
        assert secret not in text
    lines = text.splitlines()
    assert all(line.split()[0] in ("ok", "FAIL", "warn") for line in lines), text
    return Outcome(status, lines)


def sandbox_access(sandbox: Sandbox, **rules: object) -> None:
    requests.post(sandbox.url + "/_sandbox/access", json=rules, timeout=5).raise_for_status()


def sandbox_calls(sandbox: Sandbox) -> list[dict[str, object]]:
    answer = requests.get(sandbox.url + "/_sandbox/calls", timeout=5)
    answer.raise_for_status()
    calls: list[dict[str, object]] = answer.json()
    return calls


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_complete_setup_passes_every_item(env: dict[str, str], sandbox: Sandbox) -> None:
    done = check(env)

    assert done.status == 0
    assert done.with_status("ok") == done.lines
    assert "workspace Example Hosting (T0000001), bot user @ticketbot" in done.line_with(
        "Slack accepted SLACK_BOT_TOKEN"
    )
    assert "all 10 the bot needs are granted" in done.line_with("Slack bot scopes")
    done.line_with("Slack accepted SLACK_APP_TOKEN")
    done.line_with("triage channel C0TECH (#tech): exists and the bot is a member")
    done.line_with("WHMCS accepted the API credential")
    for action in ACTIONS:
        done.line_with(f"WHMCS API role allows {action}")
    done.line_with("WHMCS has 7 ticket statuses")
    done.line_with("WHMCS has 4 support departments")
    assert "now " in done.line_with("WHMCS_TIMEZONE UTC")
    done.line_with("users.U0000001: Slack user @alice acts as WHMCS admin 1 (Alice Admin)")


def test_the_probes_change_nothing_in_whmcs(env: dict[str, str], sandbox: Sandbox) -> None:
    check(env)

    calls = sandbox_calls(sandbox)
    assert sorted({str(call["action"]) for call in calls}) == sorted(a.lower() for a in ACTIONS)
    for call in calls:
        params = call["params"]
        assert isinstance(params, dict)
        if call["action"] in ("updateticket", "addticketnote"):
            # Nothing but the ticket id 0, which no ticket has.
            assert {k: v for k, v in params.items() if k in ("ticketid", "message", "status")} == {
                "ticketid": "0"
            }


def test_a_wrong_whmcs_secret_fails_once_and_is_never_shown(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    env["WHMCS_SECRET"] = WRONG_SECRET

    done = check(env)

    assert done.status == 1
    failed = done.with_status("FAIL")
    assert len(failed) == 1
    assert "did not accept the API credential (Authentication Failed)" in failed[0]
    assert "No further call was sent" in failed[0]
    # One failed login, not one per action: three get this host banned.
    assert len(sandbox_calls(sandbox)) == 1


def test_a_banned_address_is_explained(env: dict[str, str], sandbox: Sandbox) -> None:
    env["WHMCS_SECRET"] = WRONG_SECRET
    for _ in range(3):
        check(env)
    env["WHMCS_SECRET"] = SANDBOX_SECRET

    done = check(env)

    assert done.status == 1
    assert "remove the ban" in done.line_with("WHMCS has banned this host's address")


def test_an_api_role_without_addticketnote_is_named(env: dict[str, str], sandbox: Sandbox) -> None:
    sandbox_access(sandbox, allowed_actions=[a for a in ACTIONS if a != "AddTicketNote"])

    done = check(env)

    assert done.status == 1
    assert done.with_status("FAIL") == [
        (
            "FAIL  WHMCS API role does not allow AddTicketNote: add it to the credential's role "
            "under Configuration > System Settings > Manage API Credentials, API Roles tab"
        )
    ]
    # The other actions are still probed.
    done.line_with("WHMCS API role allows GetClientsDetails")


def test_an_address_not_allowed_names_the_address_and_both_fixes(
    env: dict[str, str], sandbox: Sandbox
) -> None:
    sandbox_access(sandbox, allowed_ips=["192.0.2.10"], access_key=ACCESS_KEY)

    done = check(env)

    assert done.status == 1
    line = done.line_with("WHMCS refused this host's address 127.0.0.1 (Invalid IP 127.0.0.1)")
    assert "allow 127.0.0.1 under" in line and "API IP Access Restriction" in line
    assert "WHMCS_ACCESS_KEY" in line
    assert len(sandbox_calls(sandbox)) == 1

    env["WHMCS_ACCESS_KEY"] = ACCESS_KEY
    assert check(env).status == 0


def test_an_unreachable_whmcs_is_named_with_the_fix(env: dict[str, str]) -> None:
    env["WHMCS_URL"] = f"http://127.0.0.1:{closed_port()}"

    done = check(env)

    assert done.status == 1
    line = done.line_with("WHMCS could not be reached at http://127.0.0.1:")
    assert "(connection refused): check WHMCS_URL" in line
    assert not [line for line in done.lines if "API role" in line]


def test_unknown_config_keys_are_each_named_with_a_suggestion(
    env: dict[str, str], tmp_path: Path
) -> None:
    config = Path(env["TICKETBOT_CONFIG"])
    config.write_text('confirmation = "private"\ntriage_intervall = 60\n' + CONFIG, "utf-8")

    done = check(env)

    assert done.status == 1
    assert "did you mean 'confirmations'?" in done.line_with("unknown key 'confirmation'")
    assert "did you mean 'triage_interval'?" in done.line_with("unknown key 'triage_intervall'")
    done.line_with("[users] and [[triage]] not checked")


def test_a_missing_config_file_is_a_warning(env: dict[str, str], tmp_path: Path) -> None:
    env["TICKETBOT_CONFIG"] = str(tmp_path / "elsewhere.toml")

    done = check(env)

    assert done.status == 0
    assert done.with_status("warn") == [done.line_with("elsewhere.toml does not exist")]


def test_a_bad_triage_route_fails(env: dict[str, str]) -> None:
    config = Path(env["TICKETBOT_CONFIG"])
    config.write_text('[[triage]]\nchannel = "tech"\ndepartments = [1]\n', "utf-8")

    done = check(env)

    assert done.status == 1
    assert "triage" in done.with_status("FAIL")[0]


def test_a_triage_channel_without_the_bot_says_to_invite_it(env: dict[str, str]) -> None:
    config = Path(env["TICKETBOT_CONFIG"])
    routes = '[[triage]]\nchannel = "C0BILLING"\ndepartments = [3]\n'
    routes += '[[triage]]\nchannel = "C0NOWHERE"\ndepartments = [1]\n'
    config.write_text(CONFIG + routes, "utf-8")

    done = check(env)

    assert done.status == 1
    assert done.line_with("triage channel C0BILLING").endswith(
        "the bot is not a member: type /invite @ticketbot in #billing"
    )
    assert "check the id" in done.line_with("triage channel C0NOWHERE")
    done.line_with("triage channel C0TECH (#tech): exists")


def test_a_missing_scope_is_named(env: dict[str, str], fake_slack: FakeSlack) -> None:
    fake_slack.scopes = tuple(s for s in fake_slack.scopes if s != "groups:read")

    done = check(env)

    assert done.status == 1
    assert done.with_status("FAIL") == [
        (
            "FAIL  Slack bot scope groups:read is missing (needed for checking private triage "
            "channels): add it under OAuth & Permissions > Bot Token Scopes, and reinstall the "
            "app after adding it"
        )
    ]


def test_the_needed_scopes_are_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load((REPOSITORY / "manifest.yml").read_text(encoding="utf-8"))

    assert list(NEEDED_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_refused_slack_tokens_fail(env: dict[str, str]) -> None:
    env["SLACK_BOT_TOKEN"] = "xoxb-revoked-token-9e9e"
    env["SLACK_APP_TOKEN"] = "xapp-other-app-token-0a0a"

    done = check(env)

    assert done.status == 1
    done.line_with("Slack did not accept SLACK_BOT_TOKEN (invalid_auth)")
    done.line_with("Slack did not accept SLACK_APP_TOKEN (invalid_auth)")
    assert "xoxb-revoked" not in "\n".join(done.lines)
    assert "other-app-token" not in "\n".join(done.lines)


def test_a_user_linked_to_a_disabled_admin_fails(env: dict[str, str]) -> None:
    config = Path(env["TICKETBOT_CONFIG"])
    config.write_text(CONFIG.replace("[users]\n", "[users]\nU0000002 = 4\nU0000077 = 1\n"), "utf-8")

    done = check(env)

    assert done.status == 1
    assert done.with_status("FAIL") == [
        (
            "FAIL  users.U0000002 is linked to WHMCS admin 4 (Dave Dormant), which is disabled "
            "in WHMCS: enable the admin, or link the user to an enabled one"
        ),
        (
            "FAIL  users.U0000077: Slack has no such user (user_not_found): copy the member id "
            "again (Slack profile > ⋮ > Copy member ID)"
        ),
    ]
    done.line_with("users.U0000001: Slack user @alice")


def test_each_bad_setting_is_its_own_line(env: dict[str, str]) -> None:
    del env["SLACK_BOT_TOKEN"]
    del env["WHMCS_SECRET"]
    env["WHMCS_TIMEOUT"] = "soon"

    done = check(env)

    assert done.status == 1
    failed = done.with_status("FAIL")
    assert [line.split()[1] for line in failed] == [
        "WHMCS_SECRET",
        "SLACK_BOT_TOKEN",
        "WHMCS_TIMEOUT",
    ]
    done.line_with("Slack not checked: fix the settings above first (SLACK_BOT_TOKEN)")
    done.line_with("WHMCS not checked: fix the settings above first (WHMCS_SECRET, WHMCS_TIMEOUT)")


def test_without_whmcs_url_the_builtin_sandbox_is_checked(env: dict[str, str]) -> None:
    for name in ("WHMCS_URL", "WHMCS_IDENTIFIER", "WHMCS_SECRET"):
        del env[name]

    done = check(env)

    assert done.status == 0
    assert done.with_status("warn") == [
        done.line_with("WHMCS_URL is not set: checking the built-in sandbox WHMCS")
    ]
    done.line_with("WHMCS API role allows UpdateTicket")


def test_a_ticket_from_the_future_warns_of_the_time_zone(env: dict[str, str]) -> None:
    # The sandbox's clock is UTC; read as New York time, its newest ticket lies hours ahead.
    env["WHMCS_TIMEZONE"] = "America/New_York"

    done = check(env)

    assert done.status == 0
    line = done.line_with("WHMCS_TIMEZONE America/New_York looks wrong")
    assert line.startswith("warn") and "set WHMCS_TIMEZONE to the WHMCS server's time zone" in line


def test_a_credential_without_whmcs_url_fails(env: dict[str, str]) -> None:
    del env["WHMCS_URL"]

    done = check(env)

    assert done.status == 1
    assert "WHMCS_URL is not" in done.line_with("WHMCS_IDENTIFIER or WHMCS_SECRET is set")
    assert env["WHMCS_SECRET"] not in "\n".join(done.lines)


def test_route_departments_and_statuses_whmcs_lacks_are_named(env: dict[str, str]) -> None:
    config = Path(env["TICKETBOT_CONFIG"])
    routes = '[[triage]]\nchannel = "C0TECH"\ndepartments = ["Technical", 99]\n'
    routes += 'statuses = ["Opn"]\n'
    routes += '[[triage]]\nchannel = "C0TECH"\ndepartments = ["billing"]\n'
    config.write_text(CONFIG + routes, "utf-8")

    done = check(env)

    assert done.status == 1
    failed = "\n".join(done.with_status("FAIL"))
    first = CONFIG.count("[[triage]]") + 1  # the routes added here come after CONFIG's own
    assert f"triage route {first} names department 'Technical', which WHMCS does not" in failed
    assert f"triage route {first} names department id 99" in failed
    assert "Technical Support" in failed, "the real names are not listed"
    assert f"triage route {first} names the status 'Opn'" in failed
    assert done.line_with(f"triage route {first + 1} to C0TECH: 1 department(s) found in WHMCS")


def test_an_unreachable_slack_is_named_once(env: dict[str, str]) -> None:
    with socket.socket() as closed:  # bound but not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        env["SLACK_API_URL"] = f"http://127.0.0.1:{closed.getsockname()[1]}/api/"
        env["SLACK_APP_TOKEN"] = "xapp-1-A0-0-unreachable"

        done = check(env)

    assert done.status == 1
    unreachable = [line for line in done.with_status("FAIL") if "could not be reached" in line]
    assert len(unreachable) == 1, done.lines

"""`ticketbot check` as a command, and the quick check that `ticketbot run` makes as it starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.sandbox import Sandbox
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.fakeslack import FakeSlack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET
from tests.scenario.test_run_command import serving

WRONG_SECRET = "wrong-whmcs-secret-7a2b"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, SANDBOX_IDENTIFIER, SANDBOX_SECRET, WRONG_SECRET)


@pytest.fixture
def narrow_slack() -> Iterator[FakeSlack]:
    """A fake Slack whose bot token lacks links:write."""
    scopes = tuple(s for s in FakeSlack().scopes if s != "links:write")
    with FakeSlack(bot_token=BOT_TOKEN, scopes=scopes) as fake:
        yield fake


def clean_environment() -> dict[str, str]:
    prefixes = ("SLACK_", "WHMCS_", "TICKETBOT_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def run_check_command(
    *args: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "bot", "check", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_check_reads_dotenv_and_the_config_like_run(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nSLACK_SIGNING_SECRET={SIGNING_SECRET}\n"
        f"WHMCS_URL={sandbox.url}\nWHMCS_IDENTIFIER={SANDBOX_IDENTIFIER}\n"
        f"WHMCS_SECRET={SANDBOX_SECRET}\nWHMCS_TIMEZONE=UTC\n",
        encoding="utf-8",
    )
    (tmp_path / "ticketbot.toml").write_text("[users]\nU0000001 = 1\n", encoding="utf-8")
    env = clean_environment()
    env["SLACK_API_URL"] = slack.api_url

    done = run_check_command(cwd=tmp_path, env=env)

    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith("ok ") for line in lines), done.stdout
    assert any("config file ticketbot.toml: 1 linked Slack user" in line for line in lines)
    assert any("users.U0000001: Slack user @alice" in line for line in lines)
    assert done.stderr == ""
    for secret in SECRETS:
        assert secret not in done.stdout


def test_check_exits_1_on_a_failure(sandbox: Sandbox, slack: FakeSlack, tmp_path: Path) -> None:
    env = clean_environment()
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        WHMCS_URL=sandbox.url,
        WHMCS_IDENTIFIER=SANDBOX_IDENTIFIER,
        WHMCS_SECRET=WRONG_SECRET,
    )

    done = run_check_command(cwd=tmp_path, env=env)

    assert done.returncode == 1
    assert "FAIL  WHMCS did not accept the API credential" in done.stdout
    for secret in SECRETS:
        assert secret not in done.stdout + done.stderr


def test_check_refuses_unknown_arguments(tmp_path: Path) -> None:
    done = run_check_command("--fix", cwd=tmp_path, env=clean_environment())

    assert done.returncode == 2
    assert "unrecognized arguments: --fix" in done.stderr
    assert done.stdout == ""


def test_run_warns_of_a_missing_scope_and_starts_anyway(
    narrow_slack: FakeSlack, tmp_path: Path
) -> None:
    with serving(narrow_slack, tmp_path) as (base, process):
        assert requests.get(base + "/healthz", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None
        log = process.stderr.read()

    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert any(
        "Slack bot scope links:write is missing" in line
        and "reinstall the app after adding it" in line
        for line in warnings
    ), log
    assert any("1 problem found; `ticketbot check` checks everything" in line for line in warnings)
    # The quick check probes no API action one by one.
    assert "API role allows" not in log and "AddTicketNote" not in log
    for secret in SECRETS:
        assert secret not in log


def test_run_warns_of_a_refused_whmcs_credential_and_sends_it_once(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    settings = {
        "WHMCS_URL": sandbox.url,
        "WHMCS_IDENTIFIER": SANDBOX_IDENTIFIER,
        "WHMCS_SECRET": WRONG_SECRET,
    }
    with serving(slack, tmp_path, **settings) as (_, process):
        calls = requests.get(sandbox.url + "/_sandbox/calls", timeout=5).json()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None
        log = process.stderr.read()

    assert len(calls) == 1
    assert any(
        " WARNING " in line and "WHMCS did not accept the API credential" in line
        for line in log.splitlines()
    ), log
    for secret in SECRETS:
        assert secret not in log

"""`ticketbot run` as a real process: the built-in sandbox, the HTTP endpoint, settings errors."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from bot.sandbox import Sandbox
from tests.conftest import SANDBOX_IDENTIFIER, SANDBOX_SECRET
from tests.fakeslack import FakeSlack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, Reply, new_trigger_id, text_of
from tests.slackreq import post_signed, slash_command_body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def bot_env(slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    (tmp_path / "ticketbot.toml").write_text(
        '[users]\nU0000001 = { admin = 1, role = "lead" }\n', encoding="utf-8"
    )
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHMCS_", "TICKETBOT_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        TICKETBOT_CONFIG=str(tmp_path / "ticketbot.toml"),
        TICKETBOT_DB=str(tmp_path / "ticketbot.sqlite3"),
    )
    return env


@contextmanager
def serving(
    slack: FakeSlack, tmp_path: Path, **settings: str
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run `python -m bot run` in HTTP mode on the built-in sandbox until the block ends."""
    port = free_port()
    env = bot_env(slack, tmp_path)
    env.update(settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(
            "ticketbot run did not answer /healthz: "
            + (process.stderr.read() if process.stderr else "")
        )
    try:
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)


@pytest.fixture
def running(slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`python -m bot run` in HTTP mode on the built-in sandbox."""
    with serving(slack, tmp_path) as started:
        yield started


def command(base: str, slack: FakeSlack, text: str) -> Reply:
    """Send `/ticket TEXT` to the running bot, signed and with a fresh trigger_id."""
    url = slack.new_response_url()
    body = slash_command_body(text, response_url=url, trigger_id=new_trigger_id())
    ack = post_signed(base + "/slack/events", body, SIGNING_SECRET)
    assert ack.status_code == 200
    return Reply(ack, url, slack)


def run_until_stopped(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot run --port 0`, which is expected to stop at start."""
    return subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "bot", "run", "--port", "0"],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_ticket_command_against_the_running_bot_on_the_builtin_sandbox(
    running: tuple[str, subprocess.Popen[str]], slack: FakeSlack
) -> None:
    base, process = running
    posts = command(base, slack, "42 status Closed").responses(1)
    public = next(p for p in posts if p.get("response_type") == "in_channel")
    assert "*Status*: Open → Closed" in text_of(public)
    assert "Built-in sandbox WHMCS" in text_of(public)

    # `/ticket 42` opens the ticket form, filled from the built-in sandbox.
    command(base, slack, "42")
    filled = slack.wait_for(
        lambda: [c for c in slack.calls("views.update") if "*Status*: Closed" in str(c["args"])],
        timeout=10,
    )
    assert "/admin/supporttickets.php?action=view&id=42" in str(filled[0]["args"])

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0
    assert process.stderr is not None
    log = process.stderr.read()
    first = log.splitlines()[0]
    assert "built-in sandbox" in first
    assert "using the WHMCS API at http://127.0.0.1:" in log
    assert "/includes/api.php; 1 Slack user linked to a WHMCS admin" in log
    assert SIGNING_SECRET not in log and BOT_TOKEN not in log


def test_debug_logging_keeps_message_bodies_out(slack: FakeSlack, tmp_path: Path) -> None:
    with serving(slack, tmp_path, LOG_LEVEL="DEBUG") as (base, process):
        reply = command(base, slack, "42 email secret.person@example.net")
        reply.responses(2)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert process.stderr is not None
        log = process.stderr.read()
    assert " DEBUG " in log
    assert "secret.person" not in log
    assert urlsplit(reply.response_url).path not in log
    assert SIGNING_SECRET not in log and BOT_TOKEN not in log


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN is not set"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN does not look right"),
        ({"WHMCS_URL": "billing.example.com"}, "WHMCS_URL must be an http:// or https:// URL"),
        ({"WHMCS_URL": "http://127.0.0.1:9"}, "WHMCS_IDENTIFIER is not set"),
        ({"WHMCS_TIMEOUT": "soon"}, "WHMCS_TIMEOUT must be a number"),
        ({"WHMCS_TIMEZONE": "Mars/Olympus"}, "WHMCS_TIMEZONE is not an IANA time zone"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-..."},
            "SLACK_BOT_TOKEN still holds the example placeholder from .env.example",
        ),
        (
            {"SLACK_SIGNING_SECRET": "..."},
            "SLACK_SIGNING_SECRET still holds the example placeholder from .env.example",
        ),
        (
            {"SLACK_APP_TOKEN": "xapp-..."},
            "SLACK_APP_TOKEN still holds the example placeholder from .env.example",
        ),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_bad_settings_stop_the_start_with_one_line(
    slack: FakeSlack, tmp_path: Path, change: dict[str, str], named: str
) -> None:
    env = bot_env(slack, tmp_path)
    env.update(change)
    done = run_until_stopped(env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert named in lines[0]


def test_slack_unreachable_at_start_is_one_line(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path
) -> None:
    env = bot_env(slack, tmp_path)
    closed = f"http://127.0.0.1:{free_port()}/api/"
    env.update(
        SLACK_API_URL=closed,
        WHMCS_URL=sandbox.url,
        WHMCS_IDENTIFIER=SANDBOX_IDENTIFIER,
        WHMCS_SECRET=SANDBOX_SECRET,
    )
    done = run_until_stopped(env, tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        (
            f"ticketbot: Slack could not be reached at {closed} (Connection refused): "
            "check SLACK_API_URL and this host's network"
        )
    ]


def test_misspelt_config_key_stops_the_start_and_names_the_right_one(
    slack: FakeSlack, tmp_path: Path
) -> None:
    env = bot_env(slack, tmp_path)
    (tmp_path / "ticketbot.toml").write_text(
        'confirmation = "private"\n[users]\nU0000001 = 1\n', encoding="utf-8"
    )
    done = run_until_stopped(env, tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert "unknown key 'confirmation': did you mean 'confirmations'?" in lines[-1]
    assert "Traceback" not in done.stderr


def test_bad_config_file_is_named(slack: FakeSlack, tmp_path: Path) -> None:
    env = bot_env(slack, tmp_path)
    (tmp_path / "ticketbot.toml").write_text("[users]\nalice = 1\n", encoding="utf-8")
    done = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "users.alice is not a Slack user id" in done.stderr


def test_dotenv_is_read_and_the_real_environment_wins(slack: FakeSlack, tmp_path: Path) -> None:
    env = bot_env(slack, tmp_path)
    del env["SLACK_BOT_TOKEN"]
    env["WHMCS_TIMEOUT"] = "soon"
    (tmp_path / ".env").write_text(
        f"SLACK_BOT_TOKEN={BOT_TOKEN}\nWHMCS_TIMEOUT=5\n", encoding="utf-8"
    )
    done = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "WHMCS_TIMEOUT must be a number" in done.stderr


def test_a_database_from_a_newer_version_stops_the_start_with_one_line(
    slack: FakeSlack, tmp_path: Path
) -> None:
    env = bot_env(slack, tmp_path)
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as db:
        db.execute("PRAGMA user_version = 999")
    env["TICKETBOT_DB"] = str(newer)
    done = run_until_stopped(env, tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith(f"ticketbot: cannot use TICKETBOT_DB {newer}")
    )
    assert "newer ticketbot (schema version 999" in done.stderr

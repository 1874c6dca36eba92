"""`ticketbot run` in Socket Mode as a real process, against the fake Slack's loopback WebSocket."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.fakeslack import FakeSlack
from tests.scenario.harness import BOT_TOKEN, SIGNING_SECRET, new_trigger_id, text_of
from tests.slackreq import slash_command_body

APP_TOKEN = "xapp-1-A0000001-1-5e0c7a1d9b"
# Slack shows the user an error when an envelope is not acknowledged within 3 seconds; on
# loopback a healthy bot acks in well under one.
QUICK_ACK = 1.0


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    """A fake Slack of its own that serves Socket Mode for APP_TOKEN."""
    with FakeSlack(bot_token=BOT_TOKEN, app_token=APP_TOKEN) as server:
        yield server


@pytest.fixture
def bot_process(fake: FakeSlack, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`python -m bot run` in Socket Mode on the built-in sandbox; its log goes to bot.log."""
    (tmp_path / "ticketbot.toml").write_text("[users]\nU0000001 = 1\n", encoding="utf-8")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHMCS_", "TICKETBOT_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake.api_url,
        TICKETBOT_CONFIG=str(tmp_path / "ticketbot.toml"),
        TICKETBOT_DB=str(tmp_path / "ticketbot.sqlite3"),
    )
    with open(tmp_path / "bot.log", "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def command(fake: FakeSlack, text: str) -> tuple[dict[str, Any], str]:
    """Send `/ticket TEXT` as a slash_commands envelope; return the bot's ack and response_url."""
    response_url = fake.new_response_url()
    body = slash_command_body(text, response_url=response_url, trigger_id=new_trigger_id())
    payload = dict(parse_qsl(body.decode()))
    envelope_id = str(uuid.uuid4())
    fake.socket_send(
        {
            "envelope_id": envelope_id,
            "type": "slash_commands",
            "payload": payload,
            "accepts_response_payload": True,
        }
    )
    sent = time.monotonic()

    def acked() -> dict[str, Any]:
        return next((a for a in fake.socket_acks() if a.get("envelope_id") == envelope_id), {})

    ack = fake.wait_for(
        acked, timeout=QUICK_ACK, description=f"an ack of the envelope of /ticket {text}"
    )
    assert time.monotonic() - sent < QUICK_ACK
    return ack, response_url


def posts_at(fake: FakeSlack, response_url: str, count: int) -> list[dict[str, Any]]:
    """Wait until `count` posts reached a response_url; return them all."""

    def arrived() -> list[dict[str, Any]]:
        posts = fake.responses(response_url)
        return posts if len(posts) >= count else []

    return fake.wait_for(arrived, timeout=10)


def test_ticket_commands_over_socket_mode_survive_a_dropped_connection(
    fake: FakeSlack, bot_process: subprocess.Popen[str], tmp_path: Path
) -> None:
    fake.wait_for_socket(1, timeout=20)

    ack, url = command(fake, "42 status Closed")
    assert "Working on ticket 42" in ack["payload"]["text"]
    public = next(p for p in posts_at(fake, url, 1) if p.get("response_type") == "in_channel")
    assert "*Status*: Open → Closed" in text_of(public)
    assert "Built-in sandbox WHMCS" in text_of(public)

    opened = fake.socket_connections()
    fake.socket_drop()
    fake.wait_for_socket(opened + 1, timeout=5)
    _, url = command(fake, "42 priority High")
    assert "*Priority*: Medium → High" in text_of(posts_at(fake, url, 1)[-1])

    bot_process.send_signal(signal.SIGTERM)
    assert bot_process.wait(timeout=10) == 0
    log = (tmp_path / "bot.log").read_text(encoding="utf-8")
    assert "Traceback" not in log
    assert APP_TOKEN not in log and BOT_TOKEN not in log and SIGNING_SECRET not in log


def test_a_command_right_after_slacks_routine_refresh_is_acked_quickly(
    fake: FakeSlack, bot_process: subprocess.Popen[str]
) -> None:
    fake.wait_for_socket(1, timeout=20)

    opened = fake.socket_connections()
    fake.socket_refresh()
    # NOTE: in some runs the websocket-client adapter loses the new connection during a
    # refresh and only reconnects at its next health check, about 10 s later.
    fake.wait_for_socket(opened + 1, timeout=20)
    _, url = command(fake, "42 priority High")
    assert "*Priority*: Medium → High" in text_of(posts_at(fake, url, 1)[-1])


def test_apps_connections_open_takes_the_app_token_only(fake: FakeSlack) -> None:
    opened = WebClient(base_url=fake.api_url).apps_connections_open(app_token=APP_TOKEN)
    assert opened["url"].startswith("ws://127.0.0.1:")

    for token, error in ((BOT_TOKEN, "not_allowed_token_type"), ("xapp-1-other", "invalid_auth")):
        with pytest.raises(SlackApiError) as refused:
            WebClient(base_url=fake.api_url).apps_connections_open(app_token=token)
        assert refused.value.response["error"] == error

    with pytest.raises(SlackApiError) as refused:
        WebClient(token=APP_TOKEN, base_url=fake.api_url).chat_postMessage(channel="C1", text="x")
    assert refused.value.response["error"] == "not_allowed_token_type"


def test_a_rejected_app_token_stops_the_start_with_one_line(
    fake: FakeSlack, tmp_path: Path
) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "WHMCS_", "TICKETBOT_"))
    }
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_APP_TOKEN="xapp-1-not-this-app",
        SLACK_API_URL=fake.api_url,
        TICKETBOT_CONFIG=str(tmp_path / "missing.toml"),
    )
    done = subprocess.run(  # noqa: PLW1510 (the exit status is asserted)
        [sys.executable, "-m", "bot", "run"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "ticketbot: Slack did not accept SLACK_APP_TOKEN: invalid_auth"
    )
    assert "xapp-1-not-this-app" not in done.stderr

"""The Slack endpoint's edge: unsigned, oversized, malformed and replayed requests change nothing."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests

from bot.slack.edge import response_url_allowed
from bot.slack.followup import Followups
from bot.slack.replay import RecentTriggers
from tests.scenario.harness import SIGNING_SECRET, Harness, Reply, new_trigger_id, text_of
from tests.slackreq import post_signed, sign, slash_command_body

FORM = "application/x-www-form-urlencoded"
CUSTOMER_EMAIL = "jo.customer@example.net"
FORGED_LINE = "2026-01-01 00:00:00,000 INFO bot: user=U0000001 admin=1 status Open->Closed"


def send(
    bot: Harness,
    body: bytes,
    content_type: str = FORM,
    timestamp: str | None = None,
    signature: str | None = "v0=" + "0" * 64,
) -> requests.Response:
    """POST `body` to the bot's endpoint with exactly the Slack headers given."""
    headers = {"Content-Type": content_type}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    return requests.post(bot.url, data=body, headers=headers, timeout=5)


def edge_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Return what the bot's HTTP edge logged."""
    return [r for r in caplog.records if r.name == "bot.slack.http"]


def assert_one_short_line(records: list[logging.LogRecord]) -> str:
    """Check that exactly one short single-line INFO record was logged; return its text."""
    assert len(records) == 1, [r.getMessage() for r in records]
    line = records[0].getMessage()
    assert records[0].levelno == logging.INFO
    assert "\n" not in line and "\r" not in line
    assert len(line) < 160
    return line


def settled(bot: Harness) -> Harness:
    """Wait until the bot has no follow-up work left, then return it."""
    assert bot.bot is not None
    assert bot.bot.followups.wait_idle(10)
    return bot


def command_fields(bot: Harness, text: str = "42 status Closed") -> dict[str, str]:
    """Return the fields of a well-formed `/ticket` slash command, with a fresh trigger_id."""
    body = slash_command_body(
        text, response_url=bot.slack.new_response_url(), trigger_id=new_trigger_id()
    )
    return dict(parse_qsl(body.decode()))


def test_forged_request_is_logged_as_one_line_without_its_body(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response_url = bot.slack.new_response_url()
    body = json.dumps(
        {"type": "block_actions", "user": {"email": CUSTOMER_EMAIL}, "response_url": response_url},
        indent=1,
    ).replace('"type"', '"note": "x",\n' + json.dumps(FORGED_LINE) + ': 1,\n"type"')
    stamp = str(int(time.time()))
    response = send(bot, body.encode(), "application/json", stamp, "v0=" + "1" * 64)

    assert response.status_code == 401
    line = assert_one_short_line(edge_log(caplog))
    assert "signature" in line
    assert CUSTOMER_EMAIL not in caplog.text
    assert urlsplit(response_url).path not in caplog.text
    assert FORGED_LINE not in caplog.text
    assert all("\n" not in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("content_type", "body", "timestamp"),
    [
        pytest.param(
            "application/json", b"token=x&text=42+status+Closed", "now", id="form-as-json"
        ),
        pytest.param(FORM, b"payload=notjson", "now", id="payload-notjson"),
        pytest.param(FORM, b"\xff\xfe\x00", "now", id="not-utf8"),
        pytest.param(FORM, b"text=42+status+Closed", "abc", id="timestamp-abc"),
        pytest.param(FORM, b"text=42+status+Closed", None, id="no-timestamp"),
    ],
)
def test_unsigned_junk_is_refused_without_a_traceback(
    bot: Harness,
    caplog: pytest.LogCaptureFixture,
    content_type: str,
    body: bytes,
    timestamp: str | None,
) -> None:
    caplog.set_level(logging.INFO)
    stamp = str(int(time.time())) if timestamp == "now" else timestamp
    response = send(bot, body, content_type, stamp)
    assert response.status_code == 401
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_one_short_line(edge_log(caplog))
    assert settled(bot).calls() == []


def test_missing_signature_and_stale_timestamp_are_each_one_line(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    body = urlencode(command_fields(bot)).encode()
    assert send(bot, body, timestamp=str(int(time.time())), signature=None).status_code == 401
    assert "signature" in assert_one_short_line(edge_log(caplog))

    caplog.clear()
    stale = post_signed(bot.url, body, SIGNING_SECRET, timestamp=int(time.time()) - 301)
    assert stale.status_code == 401
    assert "stale" in assert_one_short_line(edge_log(caplog))
    assert settled(bot).calls() == []


def test_body_over_one_mebibyte_is_refused_unread(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fields = command_fields(bot, "42 status Closed")
    fields["text"] += " " * (1024 * 1024)
    response = post_signed(bot.url, urlencode(fields).encode(), SIGNING_SECRET)
    assert response.status_code == 413
    assert "1 MiB" in assert_one_short_line(edge_log(caplog))
    assert settled(bot).calls() == []


def test_fifty_megabytes_announced_are_refused_before_they_are_sent(bot: Harness) -> None:
    port = urlsplit(bot.url).port
    assert port is not None
    head = (
        "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {50 * 1024 * 1024}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=3) as connection:
        connection.sendall(head.encode() + b"text=" + b"a" * 1000)
        status_line = connection.recv(64).split(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", ""])
def test_other_content_types_are_refused(
    bot: Harness, caplog: pytest.LogCaptureFixture, content_type: str
) -> None:
    caplog.set_level(logging.INFO)
    body = urlencode(command_fields(bot)).encode()
    response = post_signed(bot.url, body, SIGNING_SECRET, content_type=content_type)
    assert response.status_code == 400
    line = assert_one_short_line(edge_log(caplog))
    assert "content type" in line
    assert "text/plain" not in line and "multipart" not in line
    assert settled(bot).calls() == []


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b"token=x&text=42+status+Closed"),
        ("application/json", b"[1, 2]"),
        (FORM, b"payload=notjson"),
        (FORM, b"payload=%5B%5D"),
    ],
)
def test_signed_body_bolt_cannot_read_is_refused_without_a_traceback(
    bot: Harness, caplog: pytest.LogCaptureFixture, content_type: str, body: bytes
) -> None:
    caplog.set_level(logging.INFO)
    response = post_signed(bot.url, body, SIGNING_SECRET, content_type=content_type)
    assert response.status_code == 400
    assert "Traceback" not in caplog.text
    assert "Slack payload" in assert_one_short_line(edge_log(caplog))
    assert settled(bot).calls() == []


def test_signed_request_with_a_charset_is_served(bot: Harness) -> None:
    fields = command_fields(bot, "42 priority High")
    body = urlencode(fields).encode()
    ack = post_signed(bot.url, body, SIGNING_SECRET, content_type=FORM + "; charset=utf-8")
    assert ack.status_code == 200
    assert "Working on ticket 42" in ack.text


def test_bolt_never_logs_a_body_with_a_bad_signature(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    from slack_bolt.request import BoltRequest

    caplog.set_level(logging.INFO)
    assert bot.bot is not None
    body = urlencode(command_fields(bot, f"42 email {CUSTOMER_EMAIL}"))
    headers: dict[str, str | Sequence[str]] = {**sign("not-the-signing-secret", body.encode())}
    response = bot.bot.app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    lines = [
        r.getMessage() for r in caplog.records if "Invalid request signature" in r.getMessage()
    ]
    assert lines
    assert all("email" not in line and "body" not in line for line in lines)
    assert "example.net" not in caplog.text


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"response_url": None}, id="no-response_url"),
        pytest.param({"user_id": None}, id="no-user_id"),
        pytest.param({"trigger_id": None}, id="no-trigger_id"),
        pytest.param({"user_id": "U0000001\nINFO forged"}, id="user_id-not-an-id"),
        pytest.param({"response_url": "not a url"}, id="response_url-not-a-url"),
        pytest.param({"response_url": "closed-port"}, id="response_url-other-port"),
        pytest.param({"response_url": "https-fake"}, id="response_url-other-scheme"),
    ],
)
def test_signed_but_malformed_command_changes_nothing(
    bot: Harness, caplog: pytest.LogCaptureFixture, change: dict[str, str | None]
) -> None:
    caplog.set_level(logging.INFO)
    fields = command_fields(bot)
    response_url = fields["response_url"]
    for name, value in change.items():
        if value is None:
            del fields[name]
        elif value == "closed-port":
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                free = probe.getsockname()[1]
            fields[name] = f"http://127.0.0.1:{free}/response/abc"
        elif value == "https-fake":
            fields[name] = response_url.replace("http://", "https://")
        else:
            fields[name] = value
    ack = post_signed(bot.url, urlencode(fields).encode(), SIGNING_SECRET)

    assert ack.status_code == 200
    assert "nothing was done" in ack.text
    refusals = [r for r in caplog.records if r.name == "bot.slack.commands"]
    assert_one_short_line(refusals)
    assert settled(bot).calls() == []
    assert bot.slack.responses(response_url) == []
    assert bot.ticket(42)["status"] == "Open"


def test_replayed_command_is_answered_without_any_work(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fields = command_fields(bot, "42 priority High")
    body = urlencode(fields).encode()
    assert bot.bot is not None
    ack = post_signed(bot.url, body, SIGNING_SECRET)
    first = Reply(ack, fields["response_url"], bot.slack, bot.bot.followups.wait_idle)
    assert "Working on ticket 42" in first.ack.text
    posts = first.posts()
    assert "*Priority*: Medium → High" in text_of(posts[0])
    calls = len(bot.calls())

    again = post_signed(bot.url, body, SIGNING_SECRET)
    assert again.status_code == 200
    assert "already handled" in again.text
    assert first.posts() == posts
    assert len(bot.calls()) == calls
    assert any("trigger_id" in r.getMessage() for r in caplog.records)

    fresh = bot.command("42 priority Low")
    assert "Low" in text_of(fresh.final())


def test_trigger_ids_are_remembered_for_the_window_only() -> None:
    now = [1000.0]
    triggers = RecentTriggers(window=600, clock=lambda: now[0])
    assert triggers.first_time("1.2.a")
    now[0] += 599
    assert not triggers.first_time("1.2.a")
    assert triggers.first_time("1.2.b")
    now[0] += 2
    assert triggers.first_time("1.2.a")
    assert len(triggers) == 2


def test_trigger_memory_is_bounded_and_drops_the_oldest() -> None:
    triggers = RecentTriggers()
    for n in range(10_001):
        assert triggers.first_time(f"{n}.1.x")
    assert len(triggers) == 10_000
    assert not triggers.first_time("10000.1.x")
    assert triggers.first_time("0.1.x")


def test_trigger_memory_is_thread_safe() -> None:
    triggers = RecentTriggers()
    firsts: list[str] = []
    lock = threading.Lock()

    def send_all() -> None:
        for n in range(2000):
            if triggers.first_time(f"{n}.7.y"):
                with lock:
                    firsts.append(f"{n}.7.y")

    threads = [threading.Thread(target=send_all) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(firsts) == sorted(f"{n}.7.y" for n in range(2000))


LOCAL_API = "http://127.0.0.1:5000/api/"


@pytest.mark.parametrize(
    ("url", "api_url", "allowed"),
    [
        ("https://hooks.slack.com/commands/T0001/123/abc", "https://slack.com/api/", True),
        ("https://hooks.slack-gov.com/commands/T0001/123/abc", "https://slack.com/api/", True),
        ("https://HOOKS.SLACK.COM:443/commands/T0001/123/abc", "https://slack.com/api/", True),
        ("https://hooks.slack.com/commands/T0001/123/abc", LOCAL_API, True),
        ("http://hooks.slack.com/commands/T0001/123/abc", "https://slack.com/api/", False),
        ("https://hooks.slack.com:8443/commands/x", "https://slack.com/api/", False),
        ("https://hooks.slack.com.example.net/commands/x", "https://slack.com/api/", False),
        ("https://example.net/hooks.slack.com/commands/x", "https://slack.com/api/", False),
        ("https://someone@hooks.slack.com/commands/x", "https://slack.com/api/", False),
        ("https://slack.com/api/chat.postMessage", "https://slack.com/api/", False),
        ("https://hooks.slack.com:port/commands/x", "https://slack.com/api/", False),
        ("not a url", "https://slack.com/api/", False),
        ("http://127.0.0.1:5000/response/abc", LOCAL_API, True),
        ("http://127.0.0.1:5001/response/abc", LOCAL_API, False),
        ("https://127.0.0.1:5000/response/abc", LOCAL_API, False),
        ("http://localhost:5000/response/abc", LOCAL_API, False),
        ("https://slack.example.com/response/abc", "https://slack.example.com:443/api/", True),
    ],
)
def test_response_url_must_be_one_slack_would_send(url: str, api_url: str, allowed: bool) -> None:
    assert response_url_allowed(url, api_url) is allowed


def test_followups_tell_when_all_work_is_done() -> None:
    followups = Followups(2)
    release = threading.Event()
    failures: list[str] = []

    def held() -> None:
        release.wait(5)

    def broken() -> None:
        raise RuntimeError("boom")

    try:
        assert followups.wait_idle(0.01)
        followups.submit(held, lambda: None)
        followups.submit(broken, lambda: failures.append("told"))
        assert not followups.wait_idle(0.1)
        release.set()
        assert followups.wait_idle(5)
        assert failures == ["told"]
    finally:
        followups.shutdown()

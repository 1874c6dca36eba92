"""WHMCS outages, unclear answers, access errors and forged requests."""

from __future__ import annotations

import time

import pytest
import requests

from tests.scenario.harness import SIGNING_SECRET, Harness, text_of
from tests.slackreq import post_signed, slash_command_body


def test_slow_whmcs_never_delays_the_ack(bot: Harness) -> None:
    bot.faults(latency=2.0)
    started = time.monotonic()
    reply = bot.command("42 status Closed")
    acked = time.monotonic() - started
    assert reply.ack.status_code == 200
    assert acked < 1.0
    assert "Open → Closed" in text_of(reply.responses(1, timeout=20)[0])
    assert bot.ticket(42)["status"] == "Closed"


def test_html_error_page_on_write_is_read_back_and_not_resent(bot: Harness) -> None:
    bot.faults(mode="html_503", actions=["updateticket"], count=1)
    final = bot.command("42 status Closed").final()
    text = text_of(final)
    assert "HTTP 503" in text
    assert "nothing had changed" in text
    assert len(bot.writes()) == 1
    assert bot.ticket(42)["status"] == "Open"
    reads = [c for c in bot.calls() if c["action"] == "getticket"]
    assert len(reads) >= 2


def test_timeout_after_the_write_took_effect_reports_the_truth(bot: Harness) -> None:
    bot.faults(mode="timeout_after_write", actions=["updateticket"], count=1, hang=5)
    reply = bot.command("42 status Closed")
    posts = reply.responses(1, timeout=20)
    text = text_of(posts[0])
    assert "Open → Closed" in text
    assert "read back" in text
    assert len(bot.writes()) == 1
    assert bot.ticket(42)["status"] == "Closed"


def test_php_notice_or_html_instead_of_json_is_never_taken_for_success(bot: Harness) -> None:
    bot.faults(mode="html_200", actions=["updateticket"], count=1)
    final = bot.command("42 priority High").final()
    assert "updated" not in final["text"]
    assert "answer was not JSON" in text_of(final) or "not JSON" in text_of(final)
    assert "nothing had changed" in text_of(final)
    assert len(bot.writes()) == 1


def test_whmcs_down_says_nothing_changed(bot: Harness) -> None:
    bot.stop()
    bot.env = {"WHMCS_URL": "http://127.0.0.1:9"}
    bot.start()
    final = bot.command("42 status Closed").final()
    text = text_of(final)
    assert "WHMCS could not be reached" in text
    assert "Nothing was changed" in text


@pytest.mark.parametrize(
    ("access", "message", "hint"),
    [
        ({"allowed_ips": ["198.51.100.7"]}, "Invalid IP 127.0.0.1", "allow-list"),
        (
            {
                "allowed_actions": [
                    "getticket",
                    "getsupportstatuses",
                    "getsupportdepartments",
                    "getadminusers",
                ]
            },
            'Invalid Permissions: API action "updateticket" is not allowed',
            "API role",
        ),
    ],
)
def test_access_errors_are_shown_as_setup_problems(
    bot: Harness, access: dict[str, object], message: str, hint: str
) -> None:
    requests.post(f"{bot.sandbox.url}/_sandbox/access", json=access, timeout=5).raise_for_status()
    final = bot.command("42 status Closed").final()
    text = text_of(final)
    assert message in text
    assert hint in text
    assert "setup problem" in text
    assert bot.ticket(42)["status"] == "Open"


def test_wrong_secret_is_not_retried(bot: Harness) -> None:
    bot.stop()
    bot.env = {"WHMCS_SECRET": "wrong-secret"}
    bot.start()
    final = bot.command("42 status Closed").final()
    assert "Authentication Failed" in text_of(final)
    assert "WHMCS_SECRET" in text_of(final)
    assert "wrong-secret" not in text_of(final)
    assert len(bot.calls()) == 1


def test_forged_signature_is_rejected_and_changes_nothing(bot: Harness) -> None:
    body = slash_command_body("42 status Closed", response_url=bot.slack.new_response_url())
    response = post_signed(bot.url, body, "not-the-signing-secret")
    assert response.status_code == 401
    time.sleep(0.3)
    assert bot.calls() == []


def test_stale_timestamp_is_rejected(bot: Harness) -> None:
    body = slash_command_body("42 status Closed", response_url=bot.slack.new_response_url())
    response = post_signed(bot.url, body, SIGNING_SECRET, timestamp=int(time.time()) - 600)
    assert response.status_code == 401
    time.sleep(0.3)
    assert bot.calls() == []


def test_health_check(bot: Harness) -> None:
    health = requests.get(bot.url.replace("/slack/events", "/healthz"), timeout=5)
    assert health.status_code == 200


def test_rejected_credentials_are_not_sent_again_so_whmcs_never_bans_the_bot(bot: Harness) -> None:
    bot.stop()
    bot.env = {"WHMCS_IDENTIFIER": "no-such-identifier"}
    bot.start()
    texts = [text_of(bot.command(f"{ref} status Closed").final()) for ref in (40, 41, 42, 43)]
    for text in texts:
        assert "Invalid or missing credentials" in text
        assert "WHMCS_IDENTIFIER" in text
    assert len(bot.calls()) == 1


def test_a_banned_address_is_told_as_such(bot: Harness) -> None:
    for _ in range(3):
        requests.post(
            f"{bot.sandbox.url}/includes/api.php",
            data={"action": "GetTicket", "ticketid": 1, "identifier": "x", "secret": "y"},
            timeout=5,
        )
    text = text_of(bot.command("42 status Closed").final())
    assert "IP Banned" in text
    assert "banned" in text.split("IP Banned", 1)[1]


def test_wrong_access_key_is_a_setup_problem(bot: Harness) -> None:
    access = {"allowed_ips": ["198.51.100.7"], "access_key": "right-key"}
    requests.post(f"{bot.sandbox.url}/_sandbox/access", json=access, timeout=5).raise_for_status()
    bot.stop()
    bot.env = {"WHMCS_ACCESS_KEY": "wrong-key"}
    bot.start()
    text = text_of(bot.command("42 status Closed").final())
    assert "Invalid Access Key" in text
    assert "WHMCS_ACCESS_KEY" in text
    assert "wrong-key" not in text

    bot.stop()
    bot.env = {"WHMCS_ACCESS_KEY": "right-key"}
    bot.start()
    bot.command("42 status Closed").final()
    assert bot.ticket(42)["status"] == "Closed"


def in_channel(bot: Harness, reply: object) -> list[dict[str, object]]:
    """Return what a command posted for the whole channel to see."""
    posts = bot.slack.responses(reply.response_url)  # type: ignore[attr-defined]
    return [p for p in posts if p.get("response_type") == "in_channel"]


def test_refusal_whose_read_back_also_fails_is_unknown_and_private(bot: Harness) -> None:
    before = bot.ticket(42)
    # The write is refused after a second; meanwhile every read starts failing too.
    bot.faults(latency=1.0, mode="warning", actions=["updateticket"], count=1)
    reply = bot.command("42 status Closed priority High")
    time.sleep(0.6)
    bot.faults(mode="warning", actions=["getticket"])
    text = text_of(reply.final(timeout=20))
    assert "could not be read back" in text
    assert "partly" not in text
    assert bot.ticket(42) == before
    assert in_channel(bot, reply) == []


def test_refused_write_of_fields_whmcs_cannot_show_is_not_announced(bot: Harness) -> None:
    bot.faults(mode="warning", actions=["updateticket"], count=1)
    reply = bot.command("42 markdown on cf.7 rack-B4")
    text = text_of(reply.final())
    assert "partly" not in text
    assert "was not changed" in text
    assert in_channel(bot, reply) == []


def test_admin_disabled_a_moment_ago_cannot_cause_a_half_written_update(bot: Harness) -> None:
    bot.command("41 flag 2").final()
    requests.post(f"{bot.sandbox.url}/_sandbox/admins/2", json={"isDisabled": True}, timeout=5)
    text = text_of(bot.command("42 priority High dept 1 flag 2").final())
    assert "Invalid Admin ID for Flag" in text
    stored = bot.ticket(42)
    assert (stored["priority"], int(stored["deptid"])) == ("Medium", 2)

"""Slack faults: rate limits, channels the bot cannot use, dead triggers and response_urls, and
Web API calls that time out. The person always learns the outcome, nothing is done twice, and
the operator gets a warning line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import requests
from slack_sdk import WebClient

from bot.sandbox import Sandbox
from bot.slack import card_values as cv
from tests.fakeslack import RESPONSE_URL_USES, FakeSlack
from tests.scenario import formkit as fk
from tests.scenario.harness import SIGNING_SECRET, Harness, new_trigger_id, text_of
from tests.scenario.test_card import (
    CHANNEL,
    card,
    click,
    post_card,
    private,
    settle,
    thread,
    words,
)
from tests.slackreq import post_signed, slash_command_body

NOT_REDRAWN = "the card could not be redrawn"
FLAGGED = "Flagged to Alice Admin by <@U0000001>"
# The bot's Web API calls give up after this many seconds in the timeout tests.
SLACK_TIMEOUT = 0.5


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the warnings and errors the bot logged (the sandbox's own log left out)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and r.name.startswith("bot.")
        and not r.name.startswith("bot.sandbox")
    ]


def gap(calls: list[dict[str, Any]]) -> float:
    """Return the seconds between the first and the last of some Web API calls."""
    return calls[-1]["time"] - calls[0]["time"]


def used_up(slack: FakeSlack) -> str:
    """Return a response_url that was posted to as often as Slack allows."""
    url = FakeSlack.new_response_url(slack)  # a test may have replaced the instance's
    for n in range(RESPONSE_URL_USES):
        requests.post(url, json={"text": f"answer {n}"}, timeout=5).raise_for_status()
    return url


def expired(slack: FakeSlack) -> str:
    """Return a response_url on Slack's host that Slack no longer knows (past 30 minutes)."""
    return f"{slack.base_url}/response/0123456789abcdef0123456789abcdef"


DEAD_URLS = {"expired": expired, "used five times": used_up}


# -- rate limits -----------------------------------------------------------------------------


def test_a_rate_limited_redraw_after_flag_to_me_is_made_after_the_wait_once(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    posted = post_card(bot)
    bot.slack.fail("chat.update", retry_after=1)
    caplog.set_level(logging.INFO)

    url = click(bot, posted, cv.FLAG_ME)
    settle(bot)

    updates = bot.slack.calls("chat.update")
    assert len(updates) == 2, "the limited update was not made again, or made twice"
    assert gap(updates) >= 0.9, "Retry-After was not honoured"
    now = card(bot)
    assert now["ts"] == posted["ts"] and FLAGGED in words(now)
    assert "*Flagged to*\nAlice Admin" in words(now)
    assert private(bot, url) == []
    assert thread(bot, posted["ts"]) == [f"{FLAGGED} (was unflagged)"]
    [line] = warnings(caplog)
    assert "rate limit on chat.update" in line
    assert len(bot.writes()) == 1


def test_a_rate_limited_thread_line_is_posted_after_the_wait_once(bot: Harness) -> None:
    posted = post_card(bot)
    bot.slack.fail("chat.postMessage", retry_after=1)

    click(bot, posted, cv.CLOSE)
    settle(bot)

    lines = thread(bot, posted["ts"])
    assert lines == ["Status set to Closed by <@U0000001> (was Open)"]
    posts = bot.slack.calls("chat.postMessage")[1:]
    assert len(posts) == 2 and gap(posts) >= 0.9
    assert "*Status*\nClosed" in words(card(bot))


def test_a_rate_limited_card_post_waits_and_posts_one_card(bot: Harness) -> None:
    bot.slack.fail("chat.postMessage", retry_after=1)
    answer = bot.command("42 card", channel=CHANNEL).final()
    assert "Posted the card" in words(answer)
    assert len(bot.slack.messages(CHANNEL)) == 1
    assert gap(bot.slack.calls("chat.postMessage")) >= 0.9


@pytest.mark.parametrize("dead", DEAD_URLS.values(), ids=DEAD_URLS.keys())
def test_a_rate_limited_private_answer_still_reaches_the_clicker(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, dead: Any
) -> None:
    posted = post_card(bot)
    # The click's response_url answers 404, so the answer goes by chat.postEphemeral: limited.
    monkeypatch.setattr(bot.slack, "new_response_url", partial(dead, bot.slack))
    bot.slack.fail("chat.postEphemeral", retry_after=1)

    click(bot, posted, cv.PRIORITY, pick="Medium")
    settle(bot)

    [told] = bot.slack.ephemerals(CHANNEL)
    assert "already has priority Medium" in words(told) and told["user"] == "U0000001"
    assert gap(bot.slack.calls("chat.postEphemeral")) >= 0.9
    assert bot.writes() == []


def test_a_rate_limited_form_fill_is_shown_after_the_wait(bot: Harness) -> None:
    bot.slack.fail("views.update", retry_after=1)
    bot.command("42")
    view_id = fk.opened_view_id(bot)
    form = fk.wait_view(bot, view_id, "Open in WHMCS", timeout=5)
    assert "(id 42)" in fk.view_text(form)
    assert len(bot.slack.calls("views.update")) == 2
    assert bot.writes() == []


# -- channels the bot cannot use, triggers and response_urls that died -------------------------


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
def test_a_card_for_a_channel_the_bot_cannot_post_in_asks_to_be_invited(
    bot: Harness, error: str
) -> None:
    bot.slack.fail("chat.postMessage", error)
    answer = bot.command("42 card", channel=CHANNEL).final()
    assert "/invite @ticketbot" in words(answer)
    assert answer.get("response_type") != "in_channel"
    assert bot.slack.messages(CHANNEL) == [] and bot.writes() == []


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found"])
def test_a_click_whose_card_cannot_be_redrawn_says_the_change_was_made(
    bot: Harness, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    posted = post_card(bot)
    bot.slack.fail("chat.update", error)
    caplog.set_level(logging.INFO)

    url = click(bot, posted, cv.FLAG_ME)
    settle(bot)

    assert int(bot.ticket(42)["flag"]) == 1 and len(bot.writes()) == 1
    [told] = private(bot, url)
    assert "The change was made" in words(told) and NOT_REDRAWN in words(told)
    assert len(bot.slack.calls("chat.update")) == 1
    [line] = warnings(caplog)
    assert f"not redrawn: {error}" in line


def test_edit_with_an_expired_trigger_says_to_click_again(bot: Harness) -> None:
    posted = post_card(bot)
    bot.slack.fail("views.open", "expired_trigger_id")

    url = click(bot, posted, cv.EDIT)

    told = bot.slack.wait_for(lambda: private(bot, url), timeout=5)
    assert "Slack would not open the form" in words(told[0])
    assert len(bot.slack.calls("views.open")) == 1
    assert bot.writes() == []


@pytest.mark.parametrize("dead", DEAD_URLS.values(), ids=DEAD_URLS.keys())
def test_a_command_whose_response_url_is_dead_answers_privately_in_the_channel(
    bot: Harness, caplog: pytest.LogCaptureFixture, dead: Any
) -> None:
    caplog.set_level(logging.INFO)
    url = dead(bot.slack)
    body = slash_command_body(
        "42 priority High", response_url=url, channel_id=CHANNEL, trigger_id=new_trigger_id()
    )
    assert post_signed(bot.url, body, SIGNING_SECRET).status_code == 200
    settle(bot)

    assert bot.ticket(42)["priority"] == "High" and len(bot.writes()) == 1
    [told] = bot.slack.ephemerals(CHANNEL)
    assert "*Priority*: Medium → High" in text_of(told) and told["user"] == "U0000001"
    assert warnings(caplog) == ["response_url refused an answer: HTTP 404"]


def test_a_click_whose_response_url_is_dead_answers_by_ephemeral_message(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    posted = post_card(bot)
    monkeypatch.setattr(bot.slack, "new_response_url", partial(used_up, bot.slack))

    click(bot, posted, cv.FLAG_ME, user="U0000009")
    settle(bot)

    [told] = bot.slack.ephemerals(CHANNEL)
    assert "No enabled WHMCS admin has the email nobody@example.org" in words(told)
    assert bot.writes() == []


# -- Web API calls that time out ----------------------------------------------------------------


@pytest.fixture
def impatient(
    sandbox: Sandbox, slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Harness]:
    """The bot with every Slack Web API call giving up after SLACK_TIMEOUT seconds."""

    def web_client(**settings: Any) -> WebClient:
        return WebClient(**{**settings, "timeout": SLACK_TIMEOUT})

    monkeypatch.setattr("bot.runtime.WebClient", web_client)
    monkeypatch.setattr("bot.slack.app.WebClient", web_client)
    harness = Harness(sandbox, slack, tmp_path).start()
    yield harness
    harness.stop()


def test_a_card_redraw_that_times_out_is_not_sent_again_and_is_told(
    impatient: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = impatient
    posted = post_card(bot)
    bot.slack.delay("chat.update", SLACK_TIMEOUT + 0.5)
    caplog.set_level(logging.INFO)

    url = click(bot, posted, cv.FLAG_ME)
    settle(bot)

    assert int(bot.ticket(42)["flag"]) == 1 and len(bot.writes()) == 1
    assert len(bot.slack.calls("chat.update")) == 1
    [told] = private(bot, url)
    assert NOT_REDRAWN in words(told)
    [line] = warnings(caplog)
    assert "not redrawn: TimeoutError" in line
    assert thread(bot, posted["ts"]) == [f"{FLAGGED} (was unflagged)"]


def test_a_form_fill_that_times_out_logs_a_line_and_changes_nothing(
    impatient: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = impatient
    bot.slack.delay("views.update", SLACK_TIMEOUT + 0.5)
    caplog.set_level(logging.INFO)

    bot.command("42")
    bot.slack.wait_for(lambda: bot.slack.calls("views.update"), timeout=5)
    settle(bot)

    assert len(bot.slack.calls("views.update")) == 1
    [line] = warnings(caplog)
    assert "views.update" in line and "TimeoutError" in line
    assert bot.writes() == []

"""The pacer: posts in one channel spaced out and kept in order, rate limits waited out."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.pacing import DEFAULT_RETRY_AFTER, MAX_RETRY_AFTER, RATE_LIMIT_TRIES, Pacer
from tests.fakeslack import FakeSlack

CHANNEL = "C0000001"
OTHER = "C0000002"


class Clock:
    """A monotonic clock that moves only when the pacer sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pacer(slack: FakeSlack, clock: Clock) -> Pacer:
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    return Pacer(client, post_interval=1.0, clock=clock, sleep=clock.sleep)


def texts(slack: FakeSlack, channel: str = CHANNEL) -> list[str]:
    return [message["text"] for message in slack.messages(channel)]


def test_posts_in_one_channel_are_spaced_by_the_interval(
    pacer: Pacer, slack: FakeSlack, clock: Clock
) -> None:
    pacer.call("chat.postMessage", CHANNEL, text="one")
    clock.now += 0.25
    pacer.call("chat.postMessage", CHANNEL, text="two")
    pacer.call("chat.postMessage", CHANNEL, text="three")

    assert clock.sleeps == [pytest.approx(0.75), pytest.approx(1.0)]
    assert texts(slack) == ["one", "two", "three"]


def test_a_post_long_after_the_last_one_is_not_delayed(pacer: Pacer, clock: Clock) -> None:
    pacer.call("chat.postMessage", CHANNEL, text="one")
    clock.now += 5
    pacer.call("chat.postMessage", CHANNEL, text="two")
    assert clock.sleeps == []


def test_other_channels_are_not_delayed(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    pacer.call("chat.postMessage", CHANNEL, text="here")
    pacer.call("chat.postMessage", OTHER, text="there")
    assert clock.sleeps == []
    assert texts(slack) == ["here"] and texts(slack, OTHER) == ["there"]


def test_updates_are_not_spaced_like_posts(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    ts = pacer.call("chat.postMessage", CHANNEL, text="card")["ts"]
    pacer.call("chat.update", CHANNEL, ts=ts, text="card, changed")
    assert clock.sleeps == []
    assert texts(slack) == ["card, changed"]


def test_a_rate_limit_waits_the_retry_after_seconds_and_calls_again_once(
    pacer: Pacer, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail("chat.postMessage", retry_after=2)
    answer = pacer.call("chat.postMessage", CHANNEL, text="limited")

    assert answer["ok"] and clock.sleeps == [2.0]
    assert len(slack.calls("chat.postMessage")) == 2
    assert texts(slack) == ["limited"]


def test_a_rate_limited_update_is_made_again(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    ts = pacer.call("chat.postMessage", CHANNEL, text="card")["ts"]
    slack.fail("chat.update", retry_after=3)
    pacer.call("chat.update", CHANNEL, ts=ts, text="card, changed")
    assert clock.sleeps == [3.0]
    assert len(slack.calls("chat.update")) == 2
    assert texts(slack) == ["card, changed"]


def test_ratelimited_without_a_retry_after_waits_the_default(
    pacer: Pacer, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail("chat.postMessage", error="ratelimited")
    pacer.call("chat.postMessage", CHANNEL, text="limited")
    assert clock.sleeps == [DEFAULT_RETRY_AFTER]
    assert texts(slack) == ["limited"]


def test_an_excessive_retry_after_is_capped(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", retry_after=3600)
    pacer.call("chat.postMessage", CHANNEL, text="limited")
    assert clock.sleeps == [MAX_RETRY_AFTER]


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "invalid_blocks"])
def test_any_other_refusal_is_raised_at_once_without_a_retry(
    pacer: Pacer, slack: FakeSlack, clock: Clock, error: str
) -> None:
    slack.fail("chat.postMessage", error=error)
    with pytest.raises(SlackApiError) as caught:
        pacer.call("chat.postMessage", CHANNEL, text="refused")

    assert caught.value.response["error"] == error
    assert len(slack.calls("chat.postMessage")) == 1 and clock.sleeps == []


def test_a_server_error_is_not_taken_for_a_rate_limit(
    pacer: Pacer, slack: FakeSlack, clock: Clock
) -> None:
    slack.fail("chat.postMessage", error="internal_error", status=500)
    with pytest.raises(SlackApiError):
        pacer.call("chat.postMessage", CHANNEL, text="refused")
    assert len(slack.calls("chat.postMessage")) == 1 and clock.sleeps == []


def test_it_gives_up_after_rate_limit_tries(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", retry_after=1, times=RATE_LIMIT_TRIES)
    with pytest.raises(SlackApiError) as caught:
        pacer.call("chat.postMessage", CHANNEL, text="never")

    assert caught.value.response["error"] == "ratelimited"
    assert len(slack.calls("chat.postMessage")) == RATE_LIMIT_TRIES
    assert clock.sleeps == [1.0] * (RATE_LIMIT_TRIES - 1)
    assert texts(slack) == []


def test_the_last_try_can_still_succeed(pacer: Pacer, slack: FakeSlack, clock: Clock) -> None:
    slack.fail("chat.postMessage", retry_after=1, times=RATE_LIMIT_TRIES - 1)
    pacer.call("chat.postMessage", CHANNEL, text="finally")
    assert texts(slack) == ["finally"]


def test_a_rate_limit_in_one_channel_does_not_hold_up_another(
    slack: FakeSlack,
) -> None:
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    waiting = threading.Event()
    release = threading.Event()

    def sleep(seconds: float) -> None:
        waiting.set()
        release.wait(5)

    pacer = Pacer(client, post_interval=0.0, sleep=sleep)
    slack.fail("chat.postMessage", retry_after=30)
    limited = threading.Thread(
        target=pacer.call, args=("chat.postMessage", CHANNEL), kwargs={"text": "limited"}
    )
    limited.start()
    try:
        assert waiting.wait(5)
        started = time.monotonic()
        pacer.call("chat.postMessage", OTHER, text="free")
        assert time.monotonic() - started < 2
        assert texts(slack, OTHER) == ["free"] and texts(slack) == []
    finally:
        release.set()
        limited.join(5)
    assert texts(slack) == ["limited"]


def test_order_is_kept_when_two_threads_post_in_one_channel(slack: FakeSlack) -> None:
    client = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=5)
    clock = Clock()
    first_waits = threading.Event()
    second_asked = threading.Event()

    def sleep(seconds: float) -> None:
        # The first thread waits out the post interval while the second asks to post.
        if threading.current_thread() is first and not second_asked.is_set():
            first_waits.set()
            second_asked.wait(5)
            time.sleep(0.2)
        clock.sleep(seconds)

    pacer = Pacer(client, post_interval=1.0, clock=clock, sleep=sleep)

    def post_two() -> None:
        pacer.call("chat.postMessage", CHANNEL, text="one")
        pacer.call("chat.postMessage", CHANNEL, text="two")

    def post_third() -> None:
        assert first_waits.wait(5)
        second_asked.set()
        pacer.call("chat.postMessage", CHANNEL, text="three")

    first = threading.Thread(target=post_two)
    second = threading.Thread(target=post_third)
    first.start()
    second.start()
    first.join(10)
    second.join(10)

    assert texts(slack) == ["one", "two", "three"]
    calls = slack.calls("chat.postMessage")
    assert [call["args"]["text"] for call in calls] == ["one", "two", "three"]

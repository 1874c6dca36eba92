"""Drive the fake Slack Web API with the real slack_sdk clients, and check the signed requests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import FakeSlack
from tests.slackreq import interaction_body, post_signed, sign, slash_command_body

TOKEN = "xoxb-test-token"
USERS = {
    "U0000001": {"email": "alice@example.com", "real_name": "Alice", "is_bot": False},
    "U0000002": {"email": "bob@example.com", "real_name": "Bob", "is_bot": False},
}
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*#42* Server down"}}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=TOKEN, users=USERS) as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.api_url, timeout=5)


def modal(title: str = "Ticket #42", **extra: object) -> dict[str, object]:
    return {"type": "modal", "title": {"type": "plain_text", "text": title}, "blocks": [], **extra}


def test_started_fake_can_be_entered_without_a_second_server() -> None:
    started = FakeSlack().start()
    url = started.api_url
    with started as entered:
        assert entered.api_url == url
        WebClient(token=TOKEN, base_url=url).auth_test()

    with pytest.raises(RuntimeError, match="not started"):
        _ = started.api_url


def test_auth_test_names_the_bot(client: WebClient) -> None:
    answer = client.auth_test()

    assert answer["team_id"] == "T0000001"
    assert answer["user_id"] == "UBOT0001"
    assert answer["bot_id"] == "B0000001"


def test_wrong_or_missing_token_is_refused(fake: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as wrong:
        WebClient(token="xoxb-wrong", base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError) as missing:
        WebClient(base_url=fake.api_url).api_call("auth.test")

    assert wrong.value.response["error"] == "invalid_auth"
    assert missing.value.response["error"] == "not_authed"
    assert [c["method"] for c in fake.calls()] == ["auth.test", "auth.test"]


def test_post_then_update_changes_the_stored_message(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0000001", text="Ticket #41", blocks=[SECTION])
    second = client.chat_postMessage(channel="C0000001", text="Ticket #42")
    client.chat_update(channel="C0000001", ts=second["ts"], text="Ticket #42 closed")

    assert first["channel"] == "C0000001"
    assert float(first["ts"]) < float(second["ts"])
    assert [m["text"] for m in fake.messages("C0000001")] == ["Ticket #41", "Ticket #42 closed"]
    assert fake.calls("chat.postMessage")[0]["args"]["blocks"] == [SECTION]


def test_update_of_an_unknown_message_fails(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C0000001", ts="1600000000.000100", text="x")

    assert raised.value.response["error"] == "message_not_found"


def test_form_encoded_blocks_are_parsed(fake: FakeSlack, client: WebClient) -> None:
    params = {"channel": "C0000001", "blocks": json.dumps([SECTION])}
    client.api_call("chat.postMessage", params=params)

    assert fake.calls("chat.postMessage")[0]["args"]["blocks"] == [SECTION]
    assert fake.messages("C0000001")[0]["blocks"] == [SECTION]


def test_message_block_limit_is_enforced(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0000001", text="many", blocks=[SECTION] * 51)

    assert raised.value.response["error"] == "invalid_blocks"


def test_direct_message_to_a_user_lands_in_a_dm_channel(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postMessage(channel="U0000001", text="You were flagged on #42")
    permalink = client.chat_getPermalink(channel=answer["channel"], message_ts=answer["ts"])

    assert answer["channel"].startswith("D")
    assert [m["text"] for m in fake.messages("U0000001")] == ["You were flagged on #42"]
    assert answer["channel"] in permalink["permalink"]


def test_ephemeral_message_is_kept_apart(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel="C0000001", user="U0000001", text="Not allowed")

    assert answer["message_ts"]
    assert fake.messages("C0000001") == []
    assert fake.ephemerals("C0000001")[0]["user"] == "U0000001"


def test_views_open_then_update_by_id_and_external_id(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="1337.42.abcd", view=modal(external_id="ticket-42"))
    view_id = opened["view"]["id"]
    client.views_update(view_id=view_id, hash=opened["view"]["hash"], view=modal("Loaded"))
    client.views_update(external_id="ticket-42", view=modal("Saved"))

    assert view_id.startswith("V")
    assert fake.view(view_id)["title"]["text"] == "Saved"
    assert fake.calls("views.open")[0]["args"]["view"]["external_id"] == "ticket-42"


def test_views_update_with_a_stale_hash_conflicts(client: WebClient) -> None:
    opened = client.views_open(trigger_id="1337.42.abcd", view=modal())
    client.views_update(view_id=opened["view"]["id"], view=modal("Newer"))

    with pytest.raises(SlackApiError) as raised:
        client.views_update(
            view_id=opened["view"]["id"], hash=opened["view"]["hash"], view=modal("Stale")
        )

    assert raised.value.response["error"] == "hash_conflict"


def test_views_refuse_missing_trigger_unknown_view_and_long_title(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as no_trigger:
        client.api_call("views.open", json={"view": modal()})
    with pytest.raises(SlackApiError) as unknown:
        client.views_update(view_id="V99999999", view=modal())
    with pytest.raises(SlackApiError) as long_title:
        client.views_open(trigger_id="1337.42.abcd", view=modal("x" * 25))

    assert no_trigger.value.response["error"] == "invalid_arguments"
    assert unknown.value.response["error"] == "not_found"
    assert long_title.value.response["error"] == "invalid_arguments"


def test_users_info_answers_from_the_given_users(client: WebClient) -> None:
    alice = client.users_info(user="U0000001")["user"]

    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U0404040")

    assert alice["profile"]["email"] == "alice@example.com"
    assert alice["real_name"] == "Alice"
    assert raised.value.response["error"] == "user_not_found"


def test_conversations_info_and_members(client: WebClient) -> None:
    assert client.conversations_info(channel="C0000001")["channel"]["id"] == "C0000001"
    assert client.conversations_members(channel="C0000001")["members"] == list(USERS)


def test_unknown_method_is_refused_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("reactions.add", json={"channel": "C0000001", "name": "eyes"})

    assert raised.value.response["error"] == "unknown_method"
    assert fake.calls("reactions.add")[0]["args"]["name"] == "eyes"


def test_rate_limit_reaches_the_client_with_retry_after(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", retry_after=30)

    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C0000001", text="Ticket #42")
    client.chat_postMessage(channel="C0000001", text="Ticket #42")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "30"
    assert raised.value.response["error"] == "ratelimited"
    assert len(fake.messages("C0000001")) == 1


def test_rate_limit_retry_handler_retries_after_the_wait(fake: FakeSlack) -> None:
    retrying = WebClient(
        token=TOKEN, base_url=fake.api_url, retry_handlers=[RateLimitErrorRetryHandler()]
    )
    fake.fail("chat.postMessage", retry_after=0)

    retrying.chat_postMessage(channel="C0000001", text="Ticket #42")

    assert len(fake.calls("chat.postMessage")) == 2
    assert len(fake.messages("C0000001")) == 1


def test_fault_lasts_the_given_number_of_calls(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("users.info", error="fatal_error", times=2)
    errors = []
    for _ in range(3):
        try:
            client.users_info(user="U0000001")
            errors.append("ok")
        except SlackApiError as error:
            errors.append(error.response["error"])

    assert errors == ["fatal_error", "fatal_error", "ok"]


def test_delay_holds_the_answer(fake: FakeSlack, client: WebClient) -> None:
    fake.delay("auth.test", 0.3)
    started = time.monotonic()
    client.auth_test()

    assert time.monotonic() - started >= 0.3


def test_concurrent_posts_get_distinct_timestamps(fake: FakeSlack, client: WebClient) -> None:
    def post(n: int) -> None:
        client.chat_postMessage(channel="C0000001", text=f"Ticket #{n}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({m["ts"] for m in fake.messages("C0000001")}) == 20


def test_response_url_accepts_five_posts_then_refuses(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    webhook = WebhookClient(url, timeout=5)
    statuses = [webhook.send(text=f"update {n}").status_code for n in range(6)]
    last = webhook.send(text="too late")

    assert statuses == [200] * 5 + [404]
    assert (last.status_code, last.body) == (404, "used_url")
    assert [body["text"] for body in fake.responses(url)] == [f"update {n}" for n in range(5)]


def test_response_url_keeps_flags_and_rejects_unknown_keys(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    first = WebhookClient(url).send(text="Ticket #42 closed", replace_original=True)
    unknown = WebhookClient(f"{fake.base_url}/response/nope").send(text="x")

    assert (first.status_code, first.body) == (200, "ok")
    assert fake.responses(url) == [{"text": "Ticket #42 closed", "replace_original": True}]
    assert unknown.status_code == 404


def test_wait_for_returns_once_the_bot_has_posted(fake: FakeSlack, client: WebClient) -> None:
    later = threading.Timer(0.1, lambda: client.chat_postMessage(channel="C0000001", text="hi"))
    later.start()

    found = fake.wait_for(lambda: fake.messages("C0000001"), timeout=2)
    later.join()

    assert found[0]["text"] == "hi"


def test_wait_for_times_out_with_a_description(fake: FakeSlack, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(AssertionError) as raised:
        fake.wait_for(lambda: fake.calls("views.open"), timeout=0.1)

    assert "views.open" in str(raised.value)
    assert "auth.test x1" in str(raised.value)


def test_reset_forgets_calls_and_messages(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0000001", text="Ticket #42")
    fake.reset()

    assert fake.calls() == []
    assert fake.messages("C0000001") == []


def test_sign_matches_slack_verification() -> None:
    body = b"token=x&text=42+status+Closed"
    headers = sign("secret", body)
    verifier = SignatureVerifier("secret")

    assert verifier.is_valid_request(body, headers)
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    assert sign("secret", body, 1531420618) != sign("secret", body, 1531420619)


def test_slash_command_body_carries_the_fields_slack_sends() -> None:
    body = slash_command_body("42 status Closed", response_url="http://127.0.0.1:1/response/k")
    fields = {key: values[0] for key, values in parse_qs(body.decode()).items()}

    assert b"command=%2Fticket" in body
    assert fields["text"] == "42 status Closed"
    assert fields["user_id"] == "U0000001"
    assert fields["trigger_id"] == "1337.42.abcd"
    assert fields["response_url"] == "http://127.0.0.1:1/response/k"
    assert {"team_id", "channel_id", "user_name", "api_app_id", "token"} <= set(fields)


def test_interaction_body_wraps_the_payload() -> None:
    payload = {"type": "block_actions", "actions": [{"action_id": "flag", "value": "42"}]}
    body = interaction_body(payload)

    assert json.loads(parse_qs(body.decode())["payload"][0]) == payload


def test_post_signed_sends_a_verifiable_signature() -> None:
    seen: dict[str, object] = {}

    class Capture(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            seen["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            seen["headers"] = dict(self.headers.items())
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Capture)
    worker = threading.Thread(target=server.handle_request)
    worker.start()
    body = slash_command_body("42", response_url="http://127.0.0.1:1/response/k")
    answer = post_signed(f"http://127.0.0.1:{server.server_address[1]}/slack/events", body, "s3")
    worker.join()
    server.server_close()

    assert answer.status_code == 200
    assert seen["body"] == body
    assert SignatureVerifier("s3").is_valid_request(body, seen["headers"])  # type: ignore[arg-type]


def test_post_signed_refuses_hosts_other_than_loopback() -> None:
    with pytest.raises(ValueError):
        post_signed("http://192.0.2.1/slack/events", b"", "secret")

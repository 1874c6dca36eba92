"""Hostile and malformed interactions: none may change a ticket, post for anyone, or crash.

Commands at the HTTP edge are covered in test_edge.py; here are card clicks, form submissions
and the form's other requests: forged, stale, replayed, missing fields, unknown ids, views the
bot did not open, metadata tampered with, and a user other than the form's opener.
"""

from __future__ import annotations

import copy
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from bot.slack import card_values as cv
from bot.slack.form_views import REF_BLOCK_ID
from tests.scenario import formkit as fk
from tests.scenario.harness import SIGNING_SECRET, Harness, new_trigger_id
from tests.scenario.test_card import CHANNEL, card, element, post_card, settle, words
from tests.scenario.test_form import audit, open_form
from tests.slackreq import interaction_body, post_signed, sign

UNTRUSTED = "could not be checked, so nothing was changed"
Payload = dict[str, Any]


def click_payload(bot: Harness, message: Payload, action_id: str = cv.FLAG_ME) -> Payload:
    """Return the block_actions payload Slack sends for a click on a card's button."""
    block_id, button = element(message, action_id)
    return {
        "type": "block_actions",
        "team": fk.TEAM,
        "user": fk.user("U0000001"),
        "api_app_id": "A0000001",
        "token": "verification-token-not-used",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": new_trigger_id(),
        "channel": {"id": CHANNEL, "name": "support"},
        "response_url": bot.slack.new_response_url(),
        "message": message,
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "type": "button",
                "value": button["value"],
                "action_ts": f"{time.time():.6f}",
            }
        ],
        "is_enterprise_install": False,
    }


def send(bot: Harness, payload: Payload, **signing: Any) -> requests.Response:
    """Send an interaction signed as Slack would, or as `signing` says (secret, timestamp)."""
    secret = signing.pop("secret", SIGNING_SECRET)
    return post_signed(bot.url, interaction_body(payload), secret, **signing)


def errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Return the errors and tracebacks the bot logged."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("bot") and (r.levelno >= logging.ERROR or r.exc_info)
    ]


def unchanged(bot: Harness, before: Payload, updates: int) -> None:
    """Check that no ticket was written and the card was not touched."""
    settle(bot)
    assert bot.writes() == []
    assert bot.ticket(42) == before
    assert len(bot.slack.calls("chat.update")) == updates


# -- card clicks -------------------------------------------------------------------------------


def forged(bot: Harness, payload: Payload) -> requests.Response:
    return send(bot, payload, secret="not-the-signing-secret")


def stale(bot: Harness, payload: Payload) -> requests.Response:
    return send(bot, payload, timestamp=int(time.time()) - 6 * 60)


@pytest.mark.parametrize("how", [forged, stale], ids=["forged signature", "stale timestamp"])
def test_a_forged_or_stale_click_is_refused(
    bot: Harness, how: Callable[[Harness, Payload], requests.Response]
) -> None:
    posted = post_card(bot)
    before, updates = bot.ticket(42), len(bot.slack.calls("chat.update"))
    calls = len(bot.calls())

    assert how(bot, click_payload(bot, posted)).status_code == 401

    unchanged(bot, before, updates)
    assert len(bot.calls()) == calls


def test_a_replayed_click_is_not_done_again(bot: Harness) -> None:
    posted = post_card(bot)
    payload = click_payload(bot, posted)
    body = interaction_body(payload)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers.update(sign(SIGNING_SECRET, body))
    first = requests.post(bot.url, data=body, headers=headers, timeout=5)
    assert first.status_code == 200
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 1
    bot.set_ticket(42, flag=0)  # unflagged in WHMCS since

    again = requests.post(bot.url, data=body, headers=headers, timeout=5)
    assert again.status_code == 200
    settle(bot)
    assert int(bot.ticket(42)["flag"]) == 0
    assert len(bot.writes()) == 1


def no_actions(payload: Payload) -> None:
    del payload["actions"]


def empty_actions(payload: Payload) -> None:
    payload["actions"] = []


def no_user(payload: Payload) -> None:
    del payload["user"]


def user_not_an_id(payload: Payload) -> None:
    payload["user"]["id"] = "U0000001\nINFO forged line"


def unreadable_value(payload: Payload) -> None:
    payload["actions"][0]["value"] = "flag ticket 42 please"


def value_not_text(payload: Payload) -> None:
    payload["actions"][0]["value"] = {"t": 42}


def no_container_or_channel(payload: Payload) -> None:
    del payload["container"], payload["channel"], payload["message"], payload["response_url"]


def unknown_action_id(payload: Payload) -> None:
    payload["actions"][0]["action_id"] = "card_delete_ticket"


# How each spoiled click is answered: the HTTP status, and whether the clicker is told that
# the button could not be read (only a click from a real user id can be answered).
MALFORMED = {
    "no actions": (no_actions, 404, False),
    "empty actions": (empty_actions, 400, False),
    "no user": (no_user, 200, False),
    "user not an id": (user_not_an_id, 200, False),
    "unreadable value": (unreadable_value, 200, True),
    "value not text": (value_not_text, 200, True),
    "unknown action id": (unknown_action_id, 404, False),
}


@pytest.mark.parametrize(("spoil", "status", "told"), MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_click_changes_nothing_and_logs_no_error(
    bot: Harness,
    caplog: pytest.LogCaptureFixture,
    spoil: Callable[[Payload], None],
    status: int,
    told: bool,
) -> None:
    posted = post_card(bot)
    before, updates = bot.ticket(42), len(bot.slack.calls("chat.update"))
    payload = click_payload(bot, posted)
    spoil(payload)
    caplog.set_level(logging.INFO)

    response = send(bot, payload)

    assert response.status_code == status
    unchanged(bot, before, updates)
    answers = bot.slack.responses(payload.get("response_url", ""))
    assert len(answers) == (1 if told else 0)
    for answer in answers:
        assert "This button could not be read, so nothing was done." in words(answer)
        assert answer["text"].endswith("`/ticket &lt;ticket&gt; card`.")
    assert errors_logged(caplog) == []
    assert "forged line" not in caplog.text


def test_a_click_that_says_not_where_it_was_made_changes_only_the_ticket(bot: Harness) -> None:
    posted = post_card(bot)
    payload = click_payload(bot, posted)
    no_container_or_channel(payload)

    assert send(bot, payload).status_code == 200
    settle(bot)

    # Signed by Slack, it is a person's click: the change is made, and the ticket's cards are
    # kept current as after a command (no channel, so no channel rule is escaped).
    assert int(bot.ticket(42)["flag"]) == 1 and len(bot.writes()) == 1
    assert "*Flagged to*\nAlice Admin" in words(card(bot))


# -- the ticket form ----------------------------------------------------------------------------


def tamper_user(view: Payload) -> None:
    signature, sealed = view["private_metadata"].split(".", 1)
    meta = json.loads(sealed)
    meta["u"] = "U0000002"
    view["private_metadata"] = signature + "." + json.dumps(meta, separators=(",", ":"))


def tamper_signature(view: Payload) -> None:
    signature, sealed = view["private_metadata"].split(".", 1)
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    view["private_metadata"] = flipped + "." + sealed


def drop_metadata(view: Payload) -> None:
    view["private_metadata"] = ""


def metadata_not_sealed(view: Payload) -> None:
    view["private_metadata"] = json.dumps({"u": "U0000001", "t": 42, "r": "42"})


def never_opened(view: Payload) -> None:
    view["id"] = "V99999999"


# Each spoiled form is sent by the person who opened it, but for the one whose metadata was
# rewritten to name the sender.
FORGED_FORMS = {
    "opener rewritten": (tamper_user, "U0000002"),
    "signature altered": (tamper_signature, "U0000001"),
    "no metadata": (drop_metadata, "U0000001"),
    "metadata not sealed": (metadata_not_sealed, "U0000001"),
    "view never opened": (never_opened, "U0000001"),
}


@pytest.mark.parametrize(("spoil", "sender"), FORGED_FORMS.values(), ids=FORGED_FORMS.keys())
def test_a_form_the_bot_did_not_seal_for_this_view_changes_nothing(
    bot: Harness,
    caplog: pytest.LogCaptureFixture,
    spoil: Callable[[Payload], None],
    sender: str,
) -> None:
    _, view = open_form(bot)
    before = bot.ticket(42)
    sent = copy.deepcopy(view)
    spoil(sent)
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))
    caplog.set_level(logging.INFO)

    ack = fk.ack_body(fk.submit(bot, sent, values, user_id=sender))

    assert ack["response_action"] == "update"
    assert UNTRUSTED in fk.view_text(ack["view"])
    settle(bot)
    assert bot.writes() == [] and bot.ticket(42) == before
    assert audit(bot)[-1][:2] == ("form", "refused")
    assert errors_logged(caplog) == []


def test_a_form_submitted_with_no_view_at_all_changes_nothing(bot: Harness) -> None:
    open_form(bot)
    before = bot.ticket(42)
    payload = {
        "type": "view_submission",
        "team": fk.TEAM,
        "user": fk.user("U0000001"),
        "api_app_id": "A0000001",
        "trigger_id": new_trigger_id(),
        "view": {"callback_id": "ticket_form", "type": "modal"},
    }
    response = send(bot, payload)
    assert response.status_code == 200
    settle(bot)
    assert bot.writes() == [] and bot.ticket(42) == before


def test_a_submission_for_a_view_of_another_app_is_not_handled(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    _, view = open_form(bot)
    sent = {**view, "callback_id": "someone_elses_form"}
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))
    caplog.set_level(logging.INFO)
    payload = {
        "type": "view_submission",
        "team": fk.TEAM,
        "user": fk.user("U0000001"),
        "api_app_id": "A0000001",
        "trigger_id": new_trigger_id(),
        "view": {**sent, "state": {"values": values}},
    }

    response = send(bot, payload)

    assert response.status_code == 404
    settle(bot)
    assert bot.writes() == [] and bot.ticket(42)["status"] == "Open"
    assert errors_logged(caplog) == []


def test_try_again_clicked_by_someone_other_than_the_opener_loads_nothing(bot: Harness) -> None:
    bot.faults(mode="html_503", actions=["getticket"])
    bot.command("42")
    view_id = fk.opened_view_id(bot)
    failed = fk.wait_view(bot, view_id, "Try again")
    bot.faults(count=0)
    updates = len(bot.slack.calls("views.update"))
    reads = len(bot.calls())

    assert fk.ack_body(fk.click(bot, failed, "form_retry", user_id="U0000002")) == {}
    settle(bot)

    assert len(bot.slack.calls("views.update")) == updates
    assert len(bot.calls()) == reads
    assert "Try again" in fk.view_text(fk.current(bot, view_id))


def test_the_ticket_picker_submitted_by_someone_else_loads_nothing(bot: Harness) -> None:
    fk.global_shortcut(bot)
    view_id = fk.opened_view_id(bot)
    picker = fk.current(bot, view_id)
    values = {REF_BLOCK_ID: {"ref": {"type": "plain_text_input", "value": "42"}}}
    reads = len(bot.calls())

    ack = fk.ack_body(fk.submit(bot, picker, values, user_id="U0000002"))

    assert ack["response_action"] == "update"
    assert UNTRUSTED in fk.view_text(ack["view"])
    settle(bot)
    assert len(bot.calls()) == reads

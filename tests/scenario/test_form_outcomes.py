"""What the form says when WHMCS took only part of a save, or its answer was lost; the record."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests

from tests.scenario import formkit as fk
from tests.scenario.harness import Harness, text_of
from tests.scenario.test_form import audit, open_form
from tests.scenario.test_permissions import EMAIL_ONLY


def test_a_save_whmcs_took_only_in_part_says_what_changed_and_what_was_refused(
    bot: Harness,
) -> None:
    # WHMCS's clock is 12 hours behind the bot's: a date an hour ago is in WHMCS's future, which
    # it refuses only after it wrote the priority.
    requests.post(
        f"{bot.sandbox.url}/_sandbox/settings", json={"timezone": "Etc/GMT+12"}, timeout=5
    )
    _, view = open_form(bot)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    values = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))
    fk.put(values, "created_date", selected_date=f"{an_hour_ago:%Y-%m-%d}")
    fk.put(values, "created_time", selected_time=f"{an_hour_ago:%H:%M}", timezone="UTC")

    ack = fk.ack_body(fk.submit(bot, view, values))
    assert bot.ticket(42)["priority"] == "High"
    assert ack["response_action"] == "update"
    text = fk.view_text(ack["view"])
    assert "saved" not in text.replace("partly saved", "")
    assert "Ticket #ABC-165776 (id 42) was only partly saved" in text
    assert "*Priority*: Medium → High" in text
    assert "Ticket creation date cannot be in the future" in text
    assert "Open in WHMCS" in text
    assert "submit" not in ack["view"]
    assert audit(bot)[-1][:2] == ("form", "partial")


def test_a_save_whose_outcome_is_unknown_says_so_and_not_saved(bot: Harness) -> None:
    view_id, view = open_form(bot)
    bot.faults(mode="timeout_after_write", actions=["updateticket"], count=1)
    values = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))

    def read_back_fails() -> None:
        time.sleep(1.0)  # while UpdateTicket hangs: the read-back after it gets an error page
        bot.faults(mode="html_503", actions=["getticket"])

    switch = threading.Thread(target=read_back_fails)
    switch.start()
    ack = fk.ack_body(fk.submit(bot, view, values))
    switch.join()
    assert "Saving ticket" in fk.view_text(ack["view"])
    assert bot.bot is not None and bot.bot.followups.wait_idle(15)
    bot.faults(count=0)

    text = fk.view_text(fk.current(bot, view_id))
    assert "The change to ticket #ABC-165776 (id 42) could not be confirmed" in text
    assert "Check the ticket in WHMCS" in text and "saved." not in text
    assert "*Priority*: asked: Medium → High, not confirmed" in text
    assert audit(bot)[-1][:2] == ("form", "unknown")
    confirmation = bot.slack.ephemerals("C0000001")
    assert "outcome unknown" in text_of(confirmation[-1])


@pytest.fixture
def team(bot: Harness) -> Harness:
    """The bot with Bob linked by email only (an agent in General and Technical Support)."""
    bot.stop()
    bot.config = EMAIL_ONLY
    bot.start()
    return bot


def test_every_attempt_refused_in_the_ack_is_recorded_once(team: Harness) -> None:
    _, view = open_form(team, user="U0000002")
    hidden = fk.put(fk.values_of(view), "client", value="7")
    empty = fk.put(fk.values_of(view), "subject", value="")
    unchanged = fk.values_of(view)

    denied = fk.ack_body(fk.submit(team, view, hidden, user_id="U0000002"))
    assert "does not let you change this field" in fk.view_text(denied["view"])
    assert "errors" in fk.ack_body(fk.submit(team, view, empty, user_id="U0000002"))
    nothing = fk.ack_body(fk.submit(team, view, unchanged, user_id="U0000002"))
    assert "Nothing to save" in fk.view_text(nothing["view"])

    assert audit(team) == [
        ("form", "denied", "fields not offered by the form: client"),
        ("form", "refused", "form values refused: subject"),
        ("form", "no_change", "nothing changed in the form"),
    ]
    assert team.writes() == []
    with sqlite3.connect(team.db) as db:
        rows = db.execute("SELECT slack_user, admin_id, ticket_number FROM audit").fetchall()
    assert set(rows) == {("U0000002", 2, "42")}

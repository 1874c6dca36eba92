"""The ticket form end to end: open, fill, options, submit, and both shortcuts, over HTTP."""

from __future__ import annotations

import json
import sqlite3
import time
from typing import Any

import pytest

from bot.slack.form_again import base_block_id
from tests.scenario import formkit as fk
from tests.scenario.harness import DEFAULT_CONFIG, Harness, text_of
from tests.scenario.test_permissions import BILLING_TICKET, EMAIL_ONLY

NUMBER_42 = "ABC-165776"  # the demo ticket number of ticket 42


def open_form(bot: Harness, ref: str = "42", user: str = "U0000001") -> tuple[str, dict[str, Any]]:
    """Type `/ticket <ref>` and wait until the form shows the ticket; return its id and view."""
    before = len(fk.opened_view_ids(bot.slack))
    reply = bot.command(ref, user=user)
    assert reply.ack.status_code == 200 and reply.ack.text == ""
    view_id = fk.opened_view_id(bot, before + 1)
    return view_id, fk.wait_view(bot, view_id, "Open in WHMCS")


def inputs(view: dict[str, Any]) -> list[str]:
    """Return the fields the form lets one change, by their own block ids."""
    return [base_block_id(b["block_id"]) for b in view["blocks"] if b["type"] == "input"]


def audit(bot: Harness) -> list[tuple[str, str, str]]:
    """Return (source, outcome, detail) of every recorded attempt, oldest first."""
    with sqlite3.connect(bot.db) as db:
        return db.execute("SELECT source, outcome, detail FROM audit ORDER BY id").fetchall()


@pytest.fixture
def team(bot: Harness) -> Harness:
    """The bot with Bob linked by email only (an agent in General and Technical Support)."""
    bot.stop()
    bot.config = EMAIL_ONLY
    bot.start()
    return bot


def test_ticket_command_opens_the_form_before_asking_whmcs_then_fills_it(bot: Harness) -> None:
    sent = time.time()
    _, view = open_form(bot)

    opened_at = bot.slack.calls("views.open")[0]["time"]
    whmcs = [call["time"] for call in bot.calls() if call["time"] >= sent]
    assert whmcs and opened_at <= min(whmcs)
    loading = bot.slack.calls("views.open")[0]["args"]["view"]
    assert "Loading ticket 42" in fk.view_text(loading)

    text = fk.view_text(view)
    assert f"Ticket #{NUMBER_42} (id 42)" in text
    assert f"{bot.sandbox.url}/admin/supporttickets.php?action=view&id=42" in text
    assert inputs(view)[:5] == ["subject", "status", "priority", "dept", "flag"]
    assert "client_close" in inputs(view)
    signature, payload = view["private_metadata"].split(".", 1)
    assert len(signature) == 64
    assert json.loads(payload)["u"] == "U0000001"
    assert fk.ack_body(fk.click(bot, view, "open_in_whmcs")) == {}

    nothing = fk.ack_body(fk.submit(bot, view, fk.values_of(view)))
    assert "Nothing to save" in fk.view_text(nothing["view"])
    assert bot.writes() == []


def test_when_slack_will_not_open_the_form_the_ticket_is_shown_instead(bot: Harness) -> None:
    bot.slack.fail("views.open", "expired_trigger_id")
    final = bot.command("42").responses(1)[0]
    assert f"#{NUMBER_42} (id 42)" in text_of(final) and "*Status*: Open" in text_of(final)
    assert final.get("response_type") != "in_channel"


def test_every_field_is_saved_and_confirmed_privately_in_the_channel(bot: Harness) -> None:
    bot.stop()
    bot.config = DEFAULT_CONFIG + '[customfields]\n7 = "Order number"\n'
    bot.start()
    _, view = open_form(bot)
    values = fk.values_of(view)
    fk.put(values, "subject", value="Server down since 09:00")
    fk.put(values, "status", selected_option=fk.choice("Closed"))
    fk.put(values, "priority", selected_option=fk.choice("High"))
    fk.put(values, "dept", selected_option=fk.choice("3", "Billing"))
    fk.put(values, "flag", selected_option=fk.choice("2", "Bob Builder"))
    fk.put(values, "client", value="7")
    fk.put(values, "name", value="Jo O'Brien")
    fk.put(values, "email", value="jo@example.net")
    fk.put(values, "cc", value="a@example.com, b@example.com")
    fk.put(values, "created_date", selected_date="2024-03-01")
    fk.put(values, "created_time", selected_time="09:30", timezone="UTC")
    fk.put(values, "message", value="Please reboot & retry\nThanks")
    fk.put(values, "markdown", selected_option=fk.choice("on"))
    fk.put(values, "client_close", selected_option=fk.choice("prevent"))
    fk.put(values, "cf.7", value="rack B4")

    assert fk.ack_body(fk.submit(bot, view, values)) == {"response_action": "clear"}
    stored = bot.ticket(42)
    assert (stored["subject"], stored["status"], stored["priority"]) == (
        "Server down since 09:00",
        "Closed",
        "High",
    )
    assert (int(stored["deptid"]), int(stored["flag"]), int(stored["userid"])) == (3, 2, 7)
    assert (stored["name"], stored["email"]) == ("Jo O&#039;Brien", "jo@example.net")
    assert stored["cc"] == "a@example.com,b@example.com"
    assert stored["date"] == "2024-03-01 09:30:00"
    assert stored["message"] == "Please reboot &amp; retry\nThanks"
    assert stored["markdown"] is True and stored["preventClientClosure"] is True
    assert stored["customfields"]["7"] == "rack B4"
    assert len(bot.writes()) == 1

    confirmed = bot.slack.wait_for(lambda: bot.slack.ephemerals("C0000001"), timeout=5)
    text = text_of(confirmed[0])
    assert confirmed[0]["user"] == "U0000001"
    assert "*Status*: Open → Closed" in text and "*Flag*: unflagged → Bob Builder" in text
    assert "*Email*:" in text and "jo@example.net" in text
    assert bot.slack.messages("C0000001") == []
    assert ("form", "done", "") in audit(bot)

    _, again = open_form(bot)
    assert "unflag" in inputs(again)
    ticked = fk.put(fk.values_of(again), "unflag", selected_options=[fk.choice("remove")])
    assert fk.ack_body(fk.submit(bot, again, ticked)) == {"response_action": "clear"}
    assert int(bot.ticket(42)["flag"]) == 0


def test_values_refused_without_whmcs_come_back_in_the_ack_under_their_inputs(
    bot: Harness,
) -> None:
    _, view = open_form(bot)
    values = fk.values_of(view)
    fk.put(values, "subject", value="")
    fk.put(values, "created_time", selected_time=None, timezone="UTC")
    fk.put(values, "created_date", selected_date="2024-03-01")
    calls = len(bot.calls())

    ack = fk.ack_body(fk.submit(bot, view, values))
    assert ack["response_action"] == "errors"
    assert set(ack["errors"]) == {"subject", "created_time"}
    assert "needs a subject" in ack["errors"]["subject"]
    assert len(bot.calls()) == calls
    assert bot.writes() == []


def test_a_field_changed_in_whmcs_meanwhile_is_not_overwritten(bot: Harness) -> None:
    view_id, view = open_form(bot)
    bot.set_ticket(42, status="Answered", subject="Renamed in WHMCS")
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))

    ack = fk.ack_body(fk.submit(bot, view, values))
    assert ack["response_action"] == "update"
    assert bot.writes() == []
    assert bot.ticket(42)["status"] == "Answered"
    again = {**fk.current(bot, view_id), **ack["view"]}
    text = fk.view_text(again)
    assert "Someone changed this ticket in WHMCS while the form was open" in text
    assert "now Answered. Your change to it was not saved" in text
    status = next(b for b in again["blocks"] if b.get("block_id", "").startswith("status~"))
    assert status["element"]["initial_option"]["value"] == "Answered"
    subject = next(b for b in again["blocks"] if b.get("block_id", "").startswith("subject~"))
    assert subject["element"]["initial_value"] == "Renamed in WHMCS"
    assert ("form", "refused", "changed in WHMCS meanwhile: status") in audit(bot)

    # Saving again on purpose changes it, and keeps the other person's subject.
    values = fk.put(fk.values_of(again), "status", selected_option=fk.choice("Closed"))
    assert fk.ack_body(fk.submit(bot, again, values)) == {"response_action": "clear"}
    stored = bot.ticket(42)
    assert (stored["status"], stored["subject"]) == ("Closed", "Renamed in WHMCS")


def test_another_change_to_a_field_left_alone_does_not_stop_the_save(bot: Harness) -> None:
    _, view = open_form(bot)
    bot.set_ticket(42, subject="Renamed in WHMCS")
    values = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("Low"))
    assert fk.ack_body(fk.submit(bot, view, values)) == {"response_action": "clear"}
    stored = bot.ticket(42)
    assert (stored["priority"], stored["subject"]) == ("Low", "Renamed in WHMCS")
    assert set(bot.writes()[0]["params"]) >= {"priority"}
    assert "subject" not in bot.writes()[0]["params"]


def test_whmcs_refusing_a_field_marks_it_and_whmcs_down_keeps_the_form_open(bot: Harness) -> None:
    _, view = open_form(bot)
    values = fk.put(fk.values_of(view), "flag", selected_option=fk.choice("4", "Dave Dormant"))
    ack = fk.ack_body(fk.submit(bot, view, values))
    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == ["flag"]
    assert "Invalid Admin ID for Flag" in ack["errors"]["flag"]

    bot.faults(mode="html_503", actions=["getticket"], count=1)
    values = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))
    ack = fk.ack_body(fk.submit(bot, view, values))
    assert ack["response_action"] == "update"
    text = fk.view_text(ack["view"])
    assert "WHMCS did not answer clearly" in text
    assert "priority" in inputs(ack["view"]) and ack["view"]["submit"]
    assert bot.writes() == [] and bot.ticket(42)["priority"] == "Medium"
    assert ("form", "failed", "WHMCS did not answer clearly (HTTP 503)") in audit(bot)


def test_a_slow_save_shows_saving_then_saved(bot: Harness) -> None:
    view_id, view = open_form(bot)
    bot.faults(latency=2.5, actions=["updateticket"], count=1)
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("In Progress"))
    started = time.monotonic()
    ack = fk.ack_body(fk.submit(bot, view, values))
    assert time.monotonic() - started < 2.8
    assert "Saving ticket" in fk.view_text(ack["view"])
    fk.wait_view(bot, view_id, "saved", timeout=6)
    assert bot.ticket(42)["status"] == "In Progress"
    assert "*Status*: Open → In Progress" in text_of(
        bot.slack.wait_for(lambda: bot.slack.ephemerals("C0000001"), timeout=5)[0]
    )


def test_whmcs_slow_past_its_timeout_opens_at_once_says_so_and_retry_works(
    bot: Harness,
) -> None:
    bot.faults(latency=5.0)
    sent = time.monotonic()
    reply = bot.command("42")
    assert time.monotonic() - sent < 1
    bot.slack.wait_for(lambda: bot.slack.calls("views.open"), timeout=1)
    assert time.monotonic() - sent < 1
    view_id = fk.opened_view_id(bot)
    failed = fk.wait_view(bot, view_id, "did not answer", timeout=6)
    assert reply.ack.text == ""
    assert "Try again" in fk.view_text(failed)

    bot.faults(count=0)
    assert fk.ack_body(fk.click(bot, failed, "form_retry")) == {}
    fk.wait_view(bot, view_id, "Open in WHMCS")


@pytest.mark.parametrize("tamper", ["metadata", "user"])
def test_a_forged_or_foreign_submission_changes_nothing(bot: Harness, tamper: str) -> None:
    _, view = open_form(bot)
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))
    user = "U0000001"
    if tamper == "metadata":
        signature, payload = view["private_metadata"].split(".", 1)
        opened = json.loads(payload)
        opened["o"]["status"] = "Closed"
        opened["o"]["ticket_id"] = opened["t"] = 17
        view["private_metadata"] = signature + "." + json.dumps(opened, separators=(",", ":"))
    else:
        user = "U0000002"
    ack = fk.ack_body(fk.submit(bot, view, values, user_id=user))
    assert ack["response_action"] == "update"
    assert "could not be checked, so nothing was changed" in fk.view_text(ack["view"])
    assert bot.writes() == []
    assert audit(bot)[-1][:2] == ("form", "refused")


def test_a_person_who_may_not_view_the_ticket_sees_why_and_no_inputs(team: Harness) -> None:
    team.command(str(BILLING_TICKET), user="U0000002")
    failed = fk.wait_view(team, fk.opened_view_id(team), "Billing")
    assert inputs(failed) == []
    assert "Try again" in fk.view_text(failed)
    assert "Subject" not in fk.view_text(failed)


def test_an_agent_sees_only_their_fields_and_may_flag_only_to_themselves(team: Harness) -> None:
    _, view = open_form(team, user="U0000002")
    assert inputs(view) == ["subject", "status", "priority", "dept", "flag"]
    options = fk.suggest(team, view, "flag", "", user_id="U0000002")
    assert [o["value"] for o in options] == ["me"]
    assert options[0]["text"]["text"] == "Me (Bob Builder)"

    values = fk.put(fk.values_of(view), "client", value="7")
    ack = fk.ack_body(fk.submit(team, view, values, user_id="U0000002"))
    assert "does not let you change this field" in fk.view_text(ack["view"])
    assert team.writes() == [] and int(team.ticket(42)["userid"]) == 5

    values = fk.put(fk.values_of(view), "flag", selected_option=fk.choice("5", "Erin"))
    ack = fk.ack_body(fk.submit(team, view, values, user_id="U0000002"))
    text = fk.view_text(ack["view"])
    assert "was not changed" in text and "permission: flag_others" in text
    assert "<@U0000001>" in text
    assert ack["view"]["submit"]
    assert team.writes() == [] and audit(team)[-1][:2] == ("form", "denied")


def test_flag_and_department_options_match_what_is_typed(bot: Harness) -> None:
    _, view = open_form(bot)
    everyone = fk.suggest(bot, view, "flag", "")
    assert [o["value"] for o in everyone] == ["me", "2", "3", "5"]
    assert everyone[0]["text"]["text"] == "Me (Alice Admin)"
    assert [o["value"] for o in fk.suggest(bot, view, "flag", "BUIL")] == ["me", "2"]
    assert [o["value"] for o in fk.suggest(bot, view, "dept", "bill")] == ["3"]
    assert fk.suggest(bot, view, "flag", "", user_id="U0000002") == []


def test_global_shortcut_asks_for_the_ticket_then_confirms_by_direct_message(
    bot: Harness,
) -> None:
    assert fk.ack_body(fk.global_shortcut(bot)) == {}
    view_id = fk.opened_view_id(bot)
    asking = fk.current(bot, view_id)
    assert inputs(asking) == ["ref"]

    refused = fk.ack_body(fk.submit(bot, asking, {"ref": {"value": {"value": "hello"}}}))
    assert refused["response_action"] == "errors" and "ref" in refused["errors"]
    ack = fk.ack_body(fk.submit(bot, asking, {"ref": {"value": {"value": f"#{NUMBER_42}"}}}))
    assert ack["response_action"] == "update"
    form = {**fk.current(bot, view_id), **ack["view"]}
    assert "Open in WHMCS" in fk.view_text(form)

    values = fk.put(fk.values_of(form), "priority", selected_option=fk.choice("High"))
    assert fk.ack_body(fk.submit(bot, form, values)) == {"response_action": "clear"}
    assert bot.ticket(42)["priority"] == "High"
    direct = bot.slack.wait_for(lambda: bot.slack.messages("U0000001"), timeout=5)
    assert "*Priority*: Medium → High" in text_of(direct[0])


def test_message_shortcut_opens_the_ticket_a_message_links_to(bot: Harness) -> None:
    link = "<https://billing.example.com/admin/supporttickets.php?action=view&amp;id=17|ticket>"
    assert fk.ack_body(fk.message_shortcut(bot, f"Customer chased {link} again")) == {}
    view_id = fk.opened_view_id(bot)
    form = fk.wait_view(bot, view_id, "Open in WHMCS")
    assert "(id 17)" in fk.view_text(form)


def test_message_shortcut_asks_which_when_a_message_names_two_tickets(bot: Harness) -> None:
    fk.message_shortcut(bot, f"Merged #{NUMBER_42} into ticket 17, see both")
    view_id = fk.opened_view_id(bot)
    picking = fk.current(bot, view_id)
    options = picking["blocks"][0]["element"]["options"]
    assert [o["value"] for o in options] == [f"#{NUMBER_42}", "17"]

    chosen = {"ref": {"value": {"type": "static_select", "selected_option": options[1]}}}
    ack = fk.ack_body(fk.submit(bot, picking, chosen))
    assert "(id 17)" in fk.view_text(ack["view"])

    fk.message_shortcut(bot, "Nothing to see here")
    asking = fk.current(bot, fk.opened_view_id(bot, 2))
    assert inputs(asking) == ["ref"]


def test_a_fill_slower_than_its_deadline_says_so_and_a_late_answer_is_dropped(
    bot: Harness,
) -> None:
    # Each call answers within WHMCS_TIMEOUT (3 s), but the form is still empty after 4 s.
    bot.faults(latency=2.5, count=2)
    bot.command("42")
    view_id = fk.opened_view_id(bot)
    fk.wait_view(bot, view_id, "WHMCS did not answer within 4 seconds", timeout=6)
    assert bot.bot is not None and bot.bot.followups.wait_idle(5)
    assert "did not answer within 4 seconds" in fk.view_text(fk.current(bot, view_id))


def test_a_role_without_view_is_told_who_can_grant_it(bot: Harness) -> None:
    bot.stop()
    bot.config = '[roles.agent]\nallow = ["status"]\n' + EMAIL_ONLY
    bot.start()
    bot.command("42", user="U0000002")
    failed = fk.wait_view(bot, fk.opened_view_id(bot), "view")
    assert "<@U0000001>" in str(failed["blocks"])
    assert inputs(failed) == []


def test_changing_only_the_created_date_keeps_the_seconds(bot: Harness) -> None:
    bot.set_ticket(42, date="2026-11-02 15:29:42")
    _, view = open_form(bot)
    values = fk.values_of(view)
    fk.put(values, "created_date", selected_date="2026-11-01")
    fk.submit(bot, view, values)
    bot.bot.followups.wait_idle(10)  # type: ignore[union-attr]
    assert bot.ticket(42)["date"] == "2026-11-01 15:29:42"


def test_history_says_a_change_came_from_the_form(bot: Harness) -> None:
    _, view = open_form(bot)
    values = fk.values_of(view)
    fk.put(values, "priority", selected_option=fk.choice("High"))
    fk.submit(bot, view, values)
    bot.bot.followups.wait_idle(10)  # type: ignore[union-attr]
    text = text_of(bot.command("42 history").final())
    assert "<@U0000001> changed (form): Priority Medium → High" in text

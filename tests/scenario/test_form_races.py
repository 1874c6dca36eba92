"""Saving one ticket's form twice at once, from an outdated copy, again, or from another view."""

from __future__ import annotations

import threading
from typing import Any

from tests.scenario import formkit as fk
from tests.scenario.harness import Harness
from tests.scenario.test_form import audit, open_form


def submit_together(bot: Harness, *sends: tuple[dict[str, Any], fk.Values, str]) -> list[Any]:
    """Press Save on several forms at the same moment; return their acks in the same order."""
    acks: list[Any] = [None] * len(sends)

    def send(at: int) -> None:
        view, values, user = sends[at]
        acks[at] = fk.ack_body(fk.submit(bot, view, values, user_id=user))

    threads = [threading.Thread(target=send, args=(at,)) for at in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bot.bot is not None and bot.bot.followups.wait_idle(10)
    return acks


def test_two_people_saving_one_ticket_at_once_write_once(bot: Harness) -> None:
    _, alice = open_form(bot)
    _, bob = open_form(bot, user="U0000002")
    bot.faults(latency=0.5, actions=["updateticket"])
    closed = fk.put(fk.values_of(alice), "status", selected_option=fk.choice("Closed"))
    working = fk.put(fk.values_of(bob), "status", selected_option=fk.choice("In Progress"))

    acks = submit_together(bot, (alice, closed, "U0000001"), (bob, working, "U0000002"))

    assert len(bot.writes()) == 1
    saved, clashed = sorted(acks, key=lambda ack: ack["response_action"] != "clear")
    assert saved == {"response_action": "clear"}
    assert clashed["response_action"] == "update"
    text = fk.view_text(clashed["view"])
    assert "Someone changed this ticket in WHMCS while the form was open" in text
    assert "Your change to it was not saved" in text
    assert bot.ticket(42)["status"] in ("Closed", "In Progress")
    assert [outcome for _, outcome, _ in audit(bot)] in (["done", "refused"], ["refused", "done"])


def test_one_person_saving_twice_at_once_writes_once(bot: Harness) -> None:
    _, first = open_form(bot)
    _, second = open_form(bot)
    bot.faults(latency=0.5, actions=["updateticket"])
    high = fk.put(fk.values_of(first), "priority", selected_option=fk.choice("High"))
    low = fk.put(fk.values_of(second), "priority", selected_option=fk.choice("Low"))

    acks = submit_together(bot, (first, high, "U0000001"), (second, low, "U0000001"))

    assert len(bot.writes()) == 1
    assert sorted(ack["response_action"] for ack in acks) == ["clear", "update"]


def test_a_double_click_on_save_writes_once(bot: Harness) -> None:
    _, view = open_form(bot)
    bot.faults(latency=0.5, actions=["updateticket"])
    high = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))

    acks = submit_together(bot, (view, high, "U0000001"), (view, high, "U0000001"))

    assert len(bot.writes()) == 1
    assert sorted(ack["response_action"] for ack in acks) == ["clear", "push"]
    pushed = next(ack for ack in acks if ack["response_action"] == "push")
    assert "saved already, so it was not saved again" in fk.view_text(pushed["view"])
    assert [outcome for _, outcome, _ in audit(bot)] == ["done", "refused"]


def test_a_form_reloaded_after_a_clash_cannot_be_saved_from_its_old_copy(bot: Harness) -> None:
    view_id, view = open_form(bot)
    bot.set_ticket(42, status="Answered")
    closed = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))
    reloaded = fk.ack_body(fk.submit(bot, view, closed))
    assert reloaded["response_action"] == "update"

    old = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))
    ack = fk.ack_body(fk.submit(bot, view, old))
    assert ack["response_action"] == "push"
    assert "This copy of the form is out of date" in fk.view_text(ack["view"])
    assert bot.writes() == []
    assert audit(bot)[-1][:2] == ("form", "refused")
    assert "out of date" in audit(bot)[-1][2]

    current = {**fk.current(bot, view_id), **reloaded["view"]}
    high = fk.put(fk.values_of(current), "priority", selected_option=fk.choice("High"))
    assert fk.ack_body(fk.submit(bot, current, high)) == {"response_action": "clear"}
    assert bot.ticket(42)["priority"] == "High" and len(bot.writes()) == 1


def test_a_saved_form_sent_again_is_not_saved_again(bot: Harness) -> None:
    _, view = open_form(bot)
    high = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))
    assert fk.ack_body(fk.submit(bot, view, high)) == {"response_action": "clear"}
    bot.set_ticket(42, priority="Medium")  # someone sets it back in WHMCS

    again = fk.ack_body(fk.submit(bot, view, high))
    assert again["response_action"] == "push"
    assert "saved already" in fk.view_text(again["view"])
    assert len(bot.writes()) == 1 and bot.ticket(42)["priority"] == "Medium"
    assert audit(bot)[-1] == ("form", "refused", "form saved already")


def test_a_form_submitted_from_another_view_changes_nothing(bot: Harness) -> None:
    _, view = open_form(bot)
    _, other = open_form(bot)
    moved = {**view, "id": other["id"], "hash": other.get("hash")}
    high = fk.put(fk.values_of(moved), "priority", selected_option=fk.choice("High"))

    ack = fk.ack_body(fk.submit(bot, moved, high))
    assert ack["response_action"] == "update"
    assert "could not be checked, so nothing was changed" in fk.view_text(ack["view"])
    assert bot.writes() == []
    assert audit(bot)[-1][:2] == ("form", "refused")

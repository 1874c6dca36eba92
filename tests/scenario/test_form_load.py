"""Slow WHMCS and many saves at once: nobody's acknowledgement waits past Slack's 3 seconds."""

from __future__ import annotations

import threading
import time

from tests.scenario import formkit as fk
from tests.scenario.harness import Harness
from tests.scenario.test_form import open_form


def test_sixteen_saves_while_whmcs_is_slow_leave_room_for_a_command(bot: Harness) -> None:
    forms = [open_form(bot)[1] for _ in range(16)]
    bot.faults(latency=4.0)
    took: list[float] = []
    answered: list[str] = []

    def save(view: dict[str, object]) -> None:
        values = fk.put(fk.values_of(view), "priority", selected_option=fk.choice("High"))
        started = time.monotonic()
        ack = fk.ack_body(fk.submit(bot, view, values))
        took.append(time.monotonic() - started)
        answered.append(ack["response_action"])

    savers = [threading.Thread(target=save, args=(view,)) for view in forms]
    for saver in savers:
        saver.start()
    time.sleep(0.3)
    started = time.monotonic()
    reply = bot.command("42 priority High")
    command_ack = time.monotonic() - started
    bot.faults(count=0)
    for saver in savers:
        saver.join()

    assert reply.ack.status_code == 200 and command_ack < 1
    assert len(took) == 16 and max(took) < 2.6
    assert set(answered) == {"update"}  # "Saving ticket …"; the outcome follows
    assert bot.bot is not None and bot.bot.followups.wait_idle(30)
    assert len(bot.writes()) == 1 and bot.ticket(42)["priority"] == "High"

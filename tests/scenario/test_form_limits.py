"""A form with many custom fields, shown again after a clash, keeps within Slack's 100 blocks."""

from __future__ import annotations

from tests.scenario import formkit as fk
from tests.scenario.harness import DEFAULT_CONFIG, Harness
from tests.scenario.test_form import inputs, open_form

MANY_FIELDS = "[customfields]\n" + "".join(f'{i} = "Field {i}"\n' for i in range(1, 121))


def test_after_a_clash_the_persons_entries_and_the_note_on_left_out_fields_stay(
    bot: Harness,
) -> None:
    bot.stop()
    bot.config = DEFAULT_CONFIG + MANY_FIELDS
    bot.start()
    _, view = open_form(bot)
    assert len(view["blocks"]) == 100
    shown = [block for block in inputs(view) if block.startswith("cf.")]
    last = shown[-1]
    bot.set_ticket(
        42, status="Answered", subject="S2", priority="Low", name="N2", cc="z@example.com"
    )
    bot.set_ticket(42, deptid=2, flag=2, userid=7, message="m2", date="2020-01-01 00:00:00")
    values = fk.put(fk.values_of(view), "status", selected_option=fk.choice("Closed"))
    fk.put(values, "cf.1", value="rack B4")
    fk.put(values, last, value="typed in the last custom field")

    again = fk.ack_body(fk.submit(bot, view, values))["view"]
    assert len(again["blocks"]) <= 100
    entries = {
        block["block_id"]: block["element"].get("initial_value")
        for block in again["blocks"]
        if block["type"] == "input" and block["block_id"].startswith("cf.")
    }
    assert entries["cf.1"] == "rack B4"
    assert entries[last] == "typed in the last custom field"
    text = fk.view_text(again)
    assert "Someone changed this ticket in WHMCS while the form was open" in text
    assert "more custom fields do not fit in this form" in text
    assert "Left out to stay within Slack's 100 blocks: Field " in text
    assert "status" in inputs(again) and "submit" in again
    assert bot.writes() == []

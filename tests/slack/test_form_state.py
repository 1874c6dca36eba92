"""A submitted ticket form becomes exactly the changes `/ticket` would make, or says what is wrong."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Collection
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.views import ViewState

from bot.access import ACTIONS, DEFAULT_ROLES
from bot.slack import form_texts
from bot.slack.form_state import Opened, read_submission
from bot.tickets.grammar import FIELDS, FieldChange, UpdateRequest, parse_command
from bot.whmcs import Ticket
from tests.slack.test_form_views import ALLOWED_SETS, HOSTILE, form, hostile_ticket, make_ticket

LEAD = frozenset(ACTIONS)
AGENT = DEFAULT_ROLES["agent"]
Values = dict[str, Any]


def untouched(view: dict[str, Any]) -> Values:
    """Return the state Slack submits for a form nobody touched: every input's initial value."""
    values: Values = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        kind = element["type"]
        if kind in ("plain_text_input", "email_text_input", "number_input"):
            state = {"value": element.get("initial_value")}
        elif kind in ("static_select", "external_select", "radio_buttons"):
            state = {"selected_option": element.get("initial_option")}
        elif kind == "checkboxes":
            state = {"selected_options": element.get("initial_options", [])}
        elif kind == "datepicker":
            state = {"selected_date": element.get("initial_date")}
        else:
            assert kind == "timepicker"
            state = {"selected_time": element.get("initial_time"), "timezone": element["timezone"]}
        values[block["block_id"]] = {"value": {"type": kind, **state}}
    ViewState(values=copy.deepcopy(values)).validate_json()
    return values


def opened_form(
    ticket: Ticket | None = None, allowed: Collection[str] = LEAD
) -> tuple[Values, Opened]:
    """Open the form on a ticket; return its untouched state and what it was opened with."""
    ticket = ticket or make_ticket()
    opened = Opened.from_json(Opened.from_ticket(ticket).to_json())
    return untouched(form(ticket, allowed)), opened


def choice(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def put(values: Values, block_id: str, **state: Any) -> Values:
    """Set what one input holds, as a person would in Slack."""
    kind = values.get(block_id, {}).get("value", {}).get("type", "plain_text_input")
    values[block_id] = {"value": {"type": kind, **state}}
    return values


def submit(values: Values, opened: Opened, allowed: Collection[str] = LEAD) -> tuple[Any, Any]:
    return read_submission(values, opened, allowed)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("allowed", ALLOWED_SETS, ids=lambda a: ",".join(sorted(a)) or "none")
def test_an_untouched_form_changes_nothing(text: str, allowed: frozenset[str]) -> None:
    for ticket in (make_ticket(), hostile_ticket(text), make_ticket(flag=1, userid=0)):
        values, opened = opened_form(ticket, allowed)
        assert submit(values, opened, allowed) == ((), {})


CHANGES = [
    ("subject", {"value": "Site back up"}, FieldChange("subject", "Site back up")),
    ("status", {"selected_option": choice("Closed")}, FieldChange("status", "Closed")),
    ("priority", {"selected_option": choice("Low")}, FieldChange("priority", "Low")),
    ("dept", {"selected_option": choice("2")}, FieldChange("dept", "2")),
    ("flag", {"selected_option": choice("7")}, FieldChange("flag", "7")),
    ("flag", {"selected_option": choice("me")}, FieldChange("flag", "me")),
    ("unflag", {"selected_options": [choice("remove")]}, FieldChange("unflag", "")),
    ("client", {"value": "12"}, FieldChange("client", "12")),
    ("client", {"value": "0012"}, FieldChange("client", "12")),
    ("name", {"value": "Ann Lee"}, FieldChange("name", "Ann Lee")),
    ("email", {"value": "ann@example.com"}, FieldChange("email", "ann@example.com")),
    (
        "cc",
        {"value": "b@example.com, c@example.com"},
        FieldChange("cc", "b@example.com, c@example.com"),
    ),
    ("created_time", {"selected_time": "08:15"}, FieldChange("created", "2026-03-01 08:15")),
    ("created_date", {"selected_date": "2025-12-31"}, FieldChange("created", "2025-12-31 09:30")),
    ("message", {"value": "New\ntext"}, FieldChange("message", "New\ntext")),
    ("markdown", {"selected_option": choice("on")}, FieldChange("markdown", "on")),
    ("markdown", {"selected_option": choice("off")}, FieldChange("markdown", "off")),
    ("client_close", {"selected_option": choice("allow")}, FieldChange("client-close", "allow")),
    (
        "client_close",
        {"selected_option": choice("prevent")},
        FieldChange("client-close", "prevent"),
    ),
    ("cf.7", {"value": " rack B4 "}, FieldChange("customfield", "rack B4", 7)),
]


@pytest.mark.parametrize(("block_id", "state", "change"), CHANGES)
def test_each_input_becomes_one_change(
    block_id: str, state: dict[str, Any], change: FieldChange
) -> None:
    values, opened = opened_form()
    assert submit(put(values, block_id, **state), opened) == ((change,), {})


def test_the_form_asks_for_what_the_command_would() -> None:
    values, opened = opened_form()
    put(values, "subject", value="Site back up")
    put(values, "status", selected_option=choice("Closed"))
    put(values, "priority", selected_option=choice("Low"))
    put(values, "dept", selected_option=choice("2"))
    put(values, "flag", selected_option=choice("me"))
    put(values, "client", value="12")
    put(values, "name", value="Ann Lee")
    put(values, "email", value="ann@example.com")
    put(values, "cc", value="b@example.com")
    put(values, "created_date", selected_date="2026-02-01")
    put(values, "created_time", selected_time="08:15")
    put(values, "message", value="Line one\nline two")
    put(values, "markdown", selected_option=choice("on"))
    put(values, "client_close", selected_option=choice("prevent"))
    put(values, "cf.7", value="rack B4")
    command = parse_command(
        '42 subject "Site back up" status Closed priority Low dept 2 flag me client 12 '
        'name "Ann Lee" email ann@example.com cc b@example.com created "2026-02-01 08:15" '
        'message "Line one\nline two" markdown on client-close prevent cf.7 "rack B4"'
    )
    assert isinstance(command, UpdateRequest)
    assert submit(values, opened) == (command.changes, {})


@pytest.mark.parametrize(
    ("block_id", "state"),
    [
        ("markdown", {"selected_option": choice("leave")}),
        ("client_close", {"selected_option": choice("leave")}),
        ("client_close", {"selected_option": choice("follow")}),
        ("client_close", {"selected_option": None}),
        ("subject", {"value": "  Website   returns 502 "}),
        ("email", {"value": "JO@EXAMPLE.COM"}),
        ("client", {"value": "05"}),
        ("client", {"value": None}),
        ("flag", {"selected_option": None}),
        ("dept", {"selected_option": choice("1")}),
        ("message", {"value": "Hello\nthe site is down\n"}),
        ("cf.7", {"value": "   "}),
        ("created_date", {"selected_date": None}),
    ],
)
def test_values_the_ticket_already_has_change_nothing(block_id: str, state: dict[str, Any]) -> None:
    values, opened = opened_form()
    if block_id == "created_date":
        put(values, "created_time", selected_time=None)
    assert submit(put(values, block_id, **state), opened) == ((), {})


@pytest.mark.parametrize(
    ("block_id", "state", "error_at", "error"),
    [
        ("created_time", {"selected_time": None}, "created_time", form_texts.FORM_PICK_TIME),
        ("created_date", {"selected_date": None}, "created_date", form_texts.FORM_PICK_DATE),
        (
            "created_date",
            {"selected_date": "2026-02-30"},
            "created_date",
            form_texts.FORM_NOT_A_CHOICE,
        ),
        ("created_time", {"selected_time": "25:00"}, "created_time", form_texts.FORM_NOT_A_CHOICE),
        ("client", {"value": "abc"}, "client", form_texts.FORM_CLIENT_INVALID),
        ("client", {"value": "-1"}, "client", form_texts.FORM_CLIENT_INVALID),
        ("client", {"value": "1.5"}, "client", form_texts.FORM_CLIENT_INVALID),
        ("client", {"value": "99999999999"}, "client", form_texts.FORM_CLIENT_INVALID),
        ("client", {"value": "١٢"}, "client", form_texts.FORM_CLIENT_INVALID),
        ("subject", {"value": "   "}, "subject", form_texts.FORM_SUBJECT_EMPTY),
        ("subject", {"value": None}, "subject", form_texts.FORM_SUBJECT_EMPTY),
        ("name", {"value": ""}, "name", form_texts.FORM_CANNOT_CLEAR),
        ("email", {"value": None}, "email", form_texts.FORM_CANNOT_CLEAR),
        ("cc", {"value": " "}, "cc", form_texts.FORM_CANNOT_CLEAR),
        ("message", {"value": ""}, "message", form_texts.FORM_MESSAGE_EMPTY),
        (
            "priority",
            {"selected_option": choice("Urgent")},
            "priority",
            form_texts.FORM_NOT_A_CHOICE,
        ),
        ("dept", {"selected_option": choice("Billing")}, "dept", form_texts.FORM_NOT_A_CHOICE),
        ("dept", {"selected_option": choice("0")}, "dept", form_texts.FORM_NOT_A_CHOICE),
        ("flag", {"selected_option": choice("0")}, "flag", form_texts.FORM_NOT_A_CHOICE),
        ("flag", {"selected_option": choice("@bob")}, "flag", form_texts.FORM_NOT_A_CHOICE),
        ("unflag", {"selected_options": [choice("yes")]}, "unflag", form_texts.FORM_NOT_A_CHOICE),
        (
            "markdown",
            {"selected_option": choice("maybe")},
            "markdown",
            form_texts.FORM_NOT_A_CHOICE,
        ),
        (
            "client_close",
            {"selected_option": choice("1")},
            "client_close",
            form_texts.FORM_NOT_A_CHOICE,
        ),
    ],
)
def test_what_needs_no_whmcs_call_is_refused_under_its_input(
    block_id: str, state: dict[str, Any], error_at: str, error: str
) -> None:
    values, opened = opened_form()
    changes, errors = submit(put(values, block_id, **state), opened)
    assert errors == {error_at: error}
    assert changes == ()


def test_flag_and_unflag_together_are_refused() -> None:
    values, opened = opened_form()
    put(values, "flag", selected_option=choice("7"))
    put(values, "unflag", selected_options=[choice("remove")])
    put(values, "status", selected_option=choice("Closed"))
    changes, errors = submit(values, opened)
    assert errors == {"unflag": form_texts.FORM_FLAG_AND_UNFLAG}
    assert [c.field for c in changes] == ["status"]


def test_removing_the_flag_while_the_current_one_stays_picked_is_just_unflag() -> None:
    values, opened = opened_form()
    put(values, "unflag", selected_options=[choice("remove")])
    assert submit(values, opened) == ((FieldChange("unflag", ""),), {})


def test_a_guest_ticket_sends_the_name_and_email_with_it() -> None:
    values, opened = opened_form()
    changes, errors = submit(put(values, "client", value="0"), opened)
    assert errors == {}
    assert changes == (
        FieldChange("client", "0"),
        FieldChange("name", "Jo Bloggs"),
        FieldChange("email", "jo@example.com"),
    )


def test_a_guest_ticket_without_a_name_is_refused() -> None:
    values, opened = opened_form()
    put(values, "client", value="0")
    put(values, "name", value="")
    changes, errors = submit(values, opened)
    assert changes == ()
    assert errors["client"] == form_texts.FORM_GUEST_NEEDS_CONTACT
    assert errors["name"] == form_texts.FORM_CANNOT_CLEAR
    # A ticket with no email to pre-fill: the empty email input is pointed at.
    values, opened = opened_form(make_ticket(email=""))
    changes, errors = submit(put(values, "client", value="0"), opened)
    assert changes == ()
    assert errors == {
        "client": form_texts.FORM_GUEST_NEEDS_CONTACT,
        "email": form_texts.FORM_NEEDED_FOR_GUEST,
    }


def test_a_guest_ticket_needs_the_contact_permission_too() -> None:
    allowed = frozenset({"client"})
    values, opened = opened_form(allowed=allowed)
    assert "name" not in values
    changes, errors = submit(put(values, "client", value="0"), opened, allowed)
    assert changes == ()
    assert errors == {"client": form_texts.FORM_GUEST_NEEDS_CONTACT_ROLE}


def test_a_message_too_long_to_show_is_kept_when_left_empty() -> None:
    values, opened = opened_form(make_ticket(message="m" * 3001))
    assert values["message"]["value"]["value"] is None
    assert submit(values, opened) == ((), {})
    put(values, "message", value="Short now")
    assert submit(values, opened) == ((FieldChange("message", "Short now"),), {})


def test_a_changed_value_in_an_input_not_offered_is_refused() -> None:
    allowed = frozenset({"status", "priority"})
    values, opened = opened_form(allowed=allowed)
    put(values, "status", selected_option=choice("Closed"))
    put(values, "client", value="12")
    put(values, "cf.7", value="rack B4")
    put(values, "markdown", selected_option=choice("on"))
    put(values, "unflag", selected_options=[choice("remove")])
    changes, errors = submit(values, opened, allowed)
    assert changes == (FieldChange("status", "Closed"),)
    assert errors == dict.fromkeys(
        ["unflag", "client", "markdown", "cf.7"], form_texts.FORM_NOT_OFFERED
    )


def test_an_unchanged_value_in_an_input_not_offered_is_ignored() -> None:
    values, opened = opened_form(allowed=LEAD)
    assert submit(values, opened, AGENT) == ((), {})
    assert submit(put(values, "markdown", selected_option=choice("leave")), opened, AGENT) == (
        (),
        {},
    )


def test_unknown_blocks_and_broken_state_are_ignored() -> None:
    values, opened = opened_form()
    values.update(
        {
            "surprise": {"value": {"type": "plain_text_input", "value": "x"}},
            "cf.abc": {"value": {"type": "plain_text_input", "value": "x"}},
            "cf.0": {"value": {"type": "plain_text_input", "value": "x"}},
            "status": {"other": {"selected_option": choice("Closed")}},
            "priority": None,
            "dept": {"value": {"selected_option": "2"}},
            "flag": {"value": {"selected_option": {"value": 7}}},
            "unflag": {"value": {"selected_options": "remove"}},
        }
    )
    assert submit(values, opened) == ((), {})


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
block_ids = st.sampled_from(
    ["subject", "status", "priority", "dept", "flag", "unflag", "client", "name", "email", "cc"]
    + ["created_date", "created_time", "message", "markdown", "client_close", "cf.7", "x"]
)
element_states = st.fixed_dictionaries(
    {},
    optional={
        "value": json_values,
        "selected_option": json_values | st.builds(choice, st.text(max_size=12)),
        "selected_options": json_values,
        "selected_date": json_values | st.just("2026-01-02"),
        "selected_time": json_values | st.just("10:00"),
    },
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(block_ids, st.fixed_dictionaries({"value": element_states}), max_size=8))
def test_any_submitted_state_reads_without_failing(values: Values) -> None:
    changes, errors = read_submission(values, Opened.from_ticket(make_ticket()), LEAD)
    assert all(isinstance(c, FieldChange) and c.field in FIELDS for c in changes)
    assert all(isinstance(v, str) and v for v in errors.values())


@pytest.mark.parametrize("text", HOSTILE)
def test_opened_values_survive_private_metadata(text: str) -> None:
    opened = Opened.from_ticket(hostile_ticket(text))
    assert Opened.from_json(opened.to_json()) == opened
    assert len(opened.to_json()) <= 2000


def test_opened_values_fit_in_private_metadata_at_worst() -> None:
    email = "a" * 62 + "@" + "b" * 63 + "." + "b" * 63 + "." + "c" * 63
    worst = make_ticket(
        id=2**31 - 1,
        subject='"' * 5000,
        name="\\" * 5000,
        cc='"' * 5000,
        email=email,
        status='"' * 100,
        deptid=2**31 - 1,
        flag=2**31 - 1,
        userid=2**31 - 1,
    )
    opened = Opened.from_ticket(worst)
    assert opened.email == email
    assert len(opened.to_json()) <= 2000


@pytest.mark.parametrize(
    "text",
    ["not json", "null", "[]", "{}", json.dumps({"ticket_id": "42"})],
)
def test_opened_values_refuse_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        Opened.from_json(text)


def test_opened_values_refuse_a_wrong_type() -> None:
    raw = json.loads(Opened.from_ticket(make_ticket()).to_json())
    for field, wrong in (("deptid", "1"), ("flag", True), ("subject", 5), ("message_shown", 1)):
        with pytest.raises(ValueError, match=field):
            Opened.from_json(json.dumps({**raw, field: wrong}))
    del raw["message_shown"]
    assert Opened.from_json(json.dumps(raw)).message_shown is True


def test_opened_values_name_what_someone_else_changed() -> None:
    before = Opened.from_ticket(make_ticket())
    after = Opened.from_ticket(make_ticket(status="Closed", message="Edited", flag=0))
    assert before.differences(after) == ("status", "flag", "message")
    assert before.differences(dataclasses.replace(before)) == ()

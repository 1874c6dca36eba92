"""Every ticket form view is valid Block Kit within Slack's limits, whatever WHMCS holds."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.access import ACTIONS, DEFAULT_ROLES
from bot.slack import form_views
from bot.slack.mrkdwn import escape
from bot.whmcs import Department, Ticket

ZONE = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 2, 13, 0)
ADMIN_URL = "https://billing.example.com/admin/"
HOSTILE = [
    "x" * 10_000,
    "<!channel> <@U0000001> <https://evil.example|click> *bold* _it_ ~s~ `c`",
    "Ünïcödé 日本語 العربية 🚀🔥" * 300,
    "&amp; &lt; &gt; & < > * _ ~" * 200,
    "line\nbreaks\r\nand\ttabs\x00\x07 control",
    '"quoted" \\ back\\slash' * 100,
    "",
]
ALLOWED_SETS = [
    frozenset(),
    frozenset({"view"}),
    DEFAULT_ROLES["agent"],
    frozenset(ACTIONS),
    frozenset({"*"}),
    frozenset({"flag_self", "unflag_others", "customfields"}),
]
LIMITS = {"header": 150, "section": 3000, "label": 2000, "hint": 2000, "placeholder": 150}


def make_ticket(**changes: Any) -> Ticket:
    """Return a plain ticket flagged to admin 2, with the given fields replaced."""
    base = Ticket.from_api(
        {
            "id": 42,
            "tid": "ABC-123456",
            "deptid": 1,
            "deptname": "Support",
            "userid": 5,
            "name": "Jo Bloggs",
            "email": "jo@example.com",
            "cc": "a@example.com",
            "date": "2026-03-01 09:30:00",
            "subject": "Website returns 502",
            "status": "Open",
            "priority": "High",
            "lastreply": "2026-03-02 10:00:00",
            "flag": 2,
            "replies": {"reply": [{"message": "Hello\r\nthe site is down"}]},
        }
    )
    return dataclasses.replace(base, **changes)


def hostile_ticket(text: str) -> Ticket:
    """Return a ticket whose every text field holds `text`."""
    return make_ticket(
        subject=text,
        name=text,
        email=text,
        cc=text,
        deptname=text,
        status=text,
        priority=text,
        message=text,
        date=text,
        lastreply=text,
    )


DEPARTMENTS = [Department(1, "Support", 0, 0), Department(2, "Billing", 0, 0)]
STATUSES = ["Open", "Answered", "Customer-Reply", "On Hold", "In Progress", "Closed"]


def form(
    ticket: Ticket | None = None,
    allowed: Collection[str] = frozenset(ACTIONS),
    statuses: list[str] | None = None,
    departments: list[Department] | None = None,
    labels: Mapping[int, str] | None = None,
    actor: int = 1,
    **options: Any,
) -> dict[str, Any]:
    """Build the form with plain defaults."""
    return form_views.build_form_view(
        ticket or make_ticket(),
        STATUSES if statuses is None else statuses,
        DEPARTMENTS if departments is None else departments,
        allowed,
        actor,
        options.pop("flagged_name", "Bob Builder"),
        ZONE,
        {7: "Rack location"} if labels is None else labels,
        options.pop("metadata", '{"opened":1}'),
        options.pop("admin_url", ADMIN_URL),
        now=NOW,
        **options,
    )


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every object inside a view."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def check_view(view: dict[str, Any]) -> None:
    """Fail unless slack_sdk accepts the view and every block, within Slack's limits."""
    View(**view).validate_json()
    assert view["type"] == "modal"
    for key in ("title", "submit", "close"):
        if key in view:
            assert 1 <= len(view[key]["text"]) <= 24
    assert len(view.get("private_metadata", "")) <= 3000
    blocks = view["blocks"]
    assert 1 <= len(blocks) <= 100
    ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(ids) == len(set(ids)), "block ids must be unique"
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None, f"slack_sdk does not know block {raw!r}"
        block.validate_json()
        assert block.to_dict() == raw, f"slack_sdk reads {raw!r} differently"
        check_block(raw)
    for node in walk(view):
        if node.get("type") == "plain_text":
            assert node["text"].strip(), "Slack refuses empty text"
        if node.get("type") == "mrkdwn":
            text = node["text"]
            # No ticket text may form a mention, a link or any other Slack markup.
            assert "<" not in text and ">" not in text


def check_block(block: dict[str, Any]) -> None:
    """Check the limits slack_sdk does not check itself."""
    if block["type"] == "header":
        assert len(block["text"]["text"]) <= LIMITS["header"]
    if block["type"] == "section":
        assert len(block["text"]["text"]) <= LIMITS["section"]
    if block["type"] != "input":
        return
    assert len(block["label"]["text"]) <= LIMITS["label"]
    assert len(block.get("hint", {}).get("text", "")) <= LIMITS["hint"]
    element = block["element"]
    assert element["action_id"] == "value"
    assert len(element.get("placeholder", {}).get("text", "")) <= LIMITS["placeholder"]
    options = element.get("options", [])
    assert len(options) <= 100
    for option in options + [element.get("initial_option")]:
        if option:
            assert 1 <= len(option["text"]["text"]) <= 75
            assert 1 <= len(option["value"]) <= 150
    if "initial_option" in element and element["type"] != "external_select":
        assert element["initial_option"] in options, "Slack needs the initial option offered"
    if "initial_value" in element and "max_length" in element:
        assert len(element["initial_value"]) <= element["max_length"] <= 3000


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the view's input blocks by block id."""
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def text_of(view: dict[str, Any]) -> str:
    return str(view)


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("allowed", ALLOWED_SETS, ids=lambda a: ",".join(sorted(a)) or "none")
def test_forms_from_hostile_tickets_are_valid(text: str, allowed: frozenset[str]) -> None:
    ticket = hostile_ticket(text)
    statuses = [text, text + "1", "Open"] + [f"{text[:20]} {i}" for i in range(300)]
    many = [Department(i, f"{text[:90]} {i}", 0, 0) for i in range(1, 151)]
    labels = {i: text for i in range(1, 201)}
    marked = {"status": text, "subject": text, "nowhere": text, "cf.3": text}
    for departments in (many, many[:3], []):
        view = form(
            ticket,
            allowed,
            statuses,
            departments,
            labels,
            flagged_name=text,
            banner=escape(text),
            marked=marked,
        )
        check_view(view)
        assert view["private_metadata"] == '{"opened":1}'


@pytest.mark.parametrize("text", HOSTILE)
def test_surrounding_views_are_valid(text: str) -> None:
    check_view(form_views.build_loading_view(text))
    check_view(form_views.build_saving_view(text, "m"))
    check_view(form_views.build_failed_view(text, text, "m" * 3000))
    check_view(form_views.build_ref_view("m"))
    check_view(form_views.build_pick_view([text, text, "#ABC-1", "42", "x" * 151], "m"))
    check_view(form_views.build_pick_view([f"{text[:10]}{i}" for i in range(300)], "m"))


def test_the_form_is_a_modal_with_its_metadata() -> None:
    view = form(metadata='{"ticket": 42}')
    assert view["callback_id"] == "ticket_form"
    assert view["title"]["text"] == "Update ticket"
    assert view["submit"]["text"] == "Save" and view["close"]["text"] == "Cancel"
    assert view["private_metadata"] == '{"ticket": 42}'
    assert view["blocks"][0]["text"]["text"] == "Ticket #ABC-123456 (id 42)"


def test_metadata_past_slacks_limit_is_refused_not_cut() -> None:
    with pytest.raises(ValueError, match="3000"):
        form(metadata="x" * 3001)


def test_summary_names_owner_department_status_flag_and_reply_age() -> None:
    summary = form()["blocks"][1]
    text = summary["text"]["text"]
    for fact in ("Jo Bloggs (client 5)", "Support", "Open", "High", "Bob Builder", "3 hours ago"):
        assert fact in text
    url = "https://billing.example.com/admin/supporttickets.php?action=view&id=42"
    assert summary["accessory"]["url"] == url
    guest = form(make_ticket(userid=0, flag=0))["blocks"][1]["text"]["text"]
    assert "(guest)" in guest and "unflagged" in guest


def test_admin_url_without_slash_still_links_and_a_bad_one_gives_no_button() -> None:
    summary = form(admin_url="https://billing.example.com/admin")["blocks"][1]
    assert summary["accessory"]["url"].startswith("https://billing.example.com/admin/support")
    assert "accessory" not in form(admin_url="javascript:alert(1)")["blocks"][1]


@pytest.mark.parametrize(
    ("lastreply", "age"),
    [
        ("2026-03-02 12:59:30", "just now"),
        ("2026-03-02 12:59:00", "1 minute ago"),
        ("2026-03-02 12:15:00", "45 minutes ago"),
        ("2026-03-01 14:00:00", "23 hours ago"),
        ("2026-02-27 13:00:00", "3 days ago"),
    ],
)
def test_last_reply_age(lastreply: str, age: str) -> None:
    text = form(make_ticket(lastreply=lastreply))["blocks"][1]["text"]["text"]
    assert f"({age})" in text


def test_a_lead_gets_every_input_prefilled() -> None:
    view = form()
    blocks = inputs(view)
    assert list(blocks) == [
        "subject",
        "status",
        "priority",
        "dept",
        "flag",
        "unflag",
        "client",
        "name",
        "email",
        "cc",
        "created_date",
        "created_time",
        "message",
        "markdown",
        "client_close",
        "cf.7",
    ]
    assert all(b["optional"] for b in blocks.values())
    element = {block_id: b["element"] for block_id, b in blocks.items()}
    assert element["subject"]["initial_value"] == "Website returns 502"
    assert element["status"]["initial_option"]["value"] == "Open"
    assert element["priority"]["initial_option"]["value"] == "High"
    assert element["dept"]["initial_option"] == {
        "text": {"type": "plain_text", "text": "Support"},
        "value": "1",
    }
    assert element["flag"]["initial_option"]["value"] == "2"
    assert element["flag"]["initial_option"]["text"]["text"] == "Bob Builder"
    assert element["client"]["initial_value"] == "5"
    assert (
        element["client"]["is_decimal_allowed"] is False and element["client"]["min_value"] == "0"
    )
    assert element["email"]["type"] == "email_text_input"
    assert element["email"]["initial_value"] == "jo@example.com"
    assert element["created_date"]["initial_date"] == "2026-03-01"
    assert element["created_time"]["initial_time"] == "09:30"
    assert element["created_time"]["timezone"] == "Europe/Berlin"
    assert "Europe/Berlin" in blocks["created_time"]["hint"]["text"]
    assert element["message"]["initial_value"] == "Hello\nthe site is down"
    assert element["message"]["multiline"] is True and element["message"]["max_length"] == 3000
    assert element["markdown"]["initial_option"]["text"]["text"] == "Leave as it is"
    assert [o["text"]["text"] for o in element["client_close"]["options"]] == [
        "Leave as it is",
        "Follow the department",
        "Allow",
        "Prevent",
    ]
    assert element["client_close"]["initial_option"]["value"] == "leave"
    assert "initial_value" not in element["cf.7"]
    assert blocks["cf.7"]["label"]["text"] == "Rack location (cf.7)"


def test_an_agent_is_offered_only_what_the_role_allows() -> None:
    view = form(allowed=DEFAULT_ROLES["agent"])
    assert set(inputs(view)) == {"subject", "status", "priority", "dept", "flag"}
    assert "Your role lets you flag tickets to yourself only." in text_of(view)
    # Flagged to the agent themself, the flag may be removed with unflag_self.
    mine = form(make_ticket(flag=1), allowed=DEFAULT_ROLES["agent"], actor=1)
    assert "unflag" in inputs(mine)


def test_unflag_is_offered_only_for_a_flag_the_person_may_remove() -> None:
    others = frozenset({"unflag_others"})
    assert "unflag" in inputs(form(make_ticket(flag=2), allowed=others, actor=1))
    assert "unflag" not in inputs(form(make_ticket(flag=1), allowed=others, actor=1))
    assert "unflag" not in inputs(form(make_ticket(flag=0), allowed=frozenset(ACTIONS)))


def test_a_role_that_changes_nothing_gets_no_save_button() -> None:
    view = form(allowed=frozenset({"view"}))
    assert "submit" not in view and not inputs(view)
    assert "Your role lets you change none of this ticket's fields." in text_of(view)
    assert "Website returns 502" in view["blocks"][1]["text"]["text"]


def test_more_than_100_departments_are_served_by_the_listener() -> None:
    many = [Department(i, f"Dept {i}", 0, 0) for i in range(1, 102)]
    element = inputs(form(departments=many))["dept"]["element"]
    assert element["type"] == "external_select" and element["min_query_length"] == 0
    assert element["initial_option"] == {
        "text": {"type": "plain_text", "text": "Dept 1"},
        "value": "1",
    }
    element = inputs(form(departments=many[:100]))["dept"]["element"]
    assert element["type"] == "static_select" and len(element["options"]) == 100


def test_a_current_value_missing_from_the_lists_is_still_offered_and_picked() -> None:
    ticket = make_ticket(status="Escalated", deptid=9, deptname="Hidden")
    statuses = STATUSES + [f"Status {i}" for i in range(200)]
    element = {k: b["element"] for k, b in inputs(form(ticket, statuses=statuses)).items()}
    assert element["status"]["initial_option"]["value"] == "Escalated"
    assert len(element["status"]["options"]) == 100
    assert element["dept"]["initial_option"]["value"] == "9"
    assert element["dept"]["initial_option"]["text"]["text"] == "Hidden"


def test_dates_are_prefilled_as_slacks_pickers_need_them() -> None:
    element = inputs(form(make_ticket(date="0999-01-02 03:04:05")))["created_date"]["element"]
    assert element["initial_date"] == "0999-01-02"
    blocks = inputs(form(make_ticket(date="0000-00-00 00:00:00")))
    assert "initial_date" not in blocks["created_date"]["element"]
    assert "initial_time" not in blocks["created_time"]["element"]


def test_an_unknown_priority_is_not_picked_but_named() -> None:
    block = inputs(form(make_ticket(priority="Urgent")))["priority"]
    assert "initial_option" not in block["element"]
    assert block["hint"]["text"] == "Currently: Urgent"


def test_long_values_are_cut_and_a_long_message_is_not_shown() -> None:
    ticket = make_ticket(subject="Ü" * 400, name="n" * 300, message="m" * 3001, email="not mail")
    blocks = inputs(form(ticket))
    subject = blocks["subject"]["element"]["initial_value"]
    assert len(subject) == 250 and subject.endswith("…")
    assert "Shortened" in blocks["subject"]["hint"]["text"]
    assert len(blocks["name"]["element"]["initial_value"]) == 100
    assert "initial_value" not in blocks["message"]["element"]
    assert "3001 characters" in blocks["message"]["hint"]["text"]
    assert "initial_value" not in blocks["email"]["element"]
    assert "leave this empty to keep it" in blocks["email"]["hint"]["text"]


def test_notes_appear_under_their_input_and_unknown_ones_at_the_top() -> None:
    marked = {"status": "Changed by someone else to <Closed>", "gone": "Flag moved"}
    blocks = form(marked=marked)["blocks"]
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == "status")
    note = blocks[at + 1]
    assert note["type"] == "context"
    assert note["elements"][0]["text"] == "Changed by someone else to &lt;Closed&gt;"
    assert "Flag moved" in str(blocks[:4])


def test_banner_comes_before_the_summary() -> None:
    blocks = form(banner=":no_entry: *WHMCS refused the change*")["blocks"]
    assert blocks[1]["text"]["text"] == ":no_entry: *WHMCS refused the change*"


def test_custom_fields_beyond_100_blocks_are_named_not_dropped_silently() -> None:
    labels = {i: f"Field {i}" for i in range(1, 301)}
    view = form(labels=labels)
    check_view(view)
    shown = [k for k in inputs(view) if k.startswith("cf.")]
    assert 50 < len(shown) < 300
    assert f"{300 - len(shown)} more custom fields" in view["blocks"][-1]["elements"][0]["text"]


def test_without_configured_custom_fields_the_form_points_to_the_command() -> None:
    view = form(labels={})
    assert not [k for k in inputs(view) if k.startswith("cf.")]
    assert "`/ticket 42 cf.&lt;id&gt; &lt;value&gt;`" in text_of(view)


def test_loading_failed_and_saving_views() -> None:
    loading = form_views.build_loading_view("#ABC-123456")
    assert loading["callback_id"] == "ticket_form" and "submit" not in loading
    assert "Loading ticket #ABC-123456" in loading["blocks"][0]["text"]["text"]
    failed = form_views.build_failed_view("WHMCS did not answer", "Try again soon.", "meta")
    button = failed["blocks"][-1]["elements"][0]
    assert button["action_id"] == "form_retry" and button["text"]["text"] == "Try again"
    assert failed["private_metadata"] == "meta" and "submit" not in failed
    saving = form_views.build_saving_view("#ABC-123456 (id 42)")
    assert "submit" not in saving and "Saving ticket" in saving["blocks"][0]["text"]["text"]


def test_ref_and_pick_views_ask_for_one_ticket() -> None:
    ref = form_views.build_ref_view("meta")
    assert ref["callback_id"] == "ticket_form_ref" and ref["private_metadata"] == "meta"
    block = ref["blocks"][0]
    assert (block["block_id"], block["element"]["action_id"]) == ("ref", "value")
    assert block["optional"] is False
    pick = form_views.build_pick_view(["#ABC-1", "42", "#ABC-1"], "meta")
    element = pick["blocks"][0]["element"]
    assert pick["callback_id"] == "ticket_form_ref" and element["type"] == "static_select"
    assert [o["value"] for o in element["options"]] == ["#ABC-1", "42"]
    assert form_views.build_pick_view([], "meta")["blocks"][0]["element"]["type"] == (
        "plain_text_input"
    )

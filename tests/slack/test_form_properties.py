"""Whatever WHMCS holds and whatever someone puts in the ticket form, reading it never fails.

The form built from any ticket is valid and reads back as unchanged when nobody touches it.
Each input, given any value Slack could send, becomes a change, nothing, or an error shown
under that input; never an exception. The helpers behind the inputs, the signed metadata and
the external selects' options hold up the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.access import ACTIONS, DEFAULT_ROLES, Identity
from bot.slack import form_fields as ff
from bot.slack import form_texts
from bot.slack.form_again import filled_in, normalized_values
from bot.slack.form_options import department_options, flag_options
from bot.slack.form_refs import MAX_REFS, refs_in_message
from bot.slack.form_seal import FormMeta, seal, unseal
from bot.slack.form_state import Opened, read_submission
from bot.tickets.grammar import FIELDS, FieldChange
from bot.tickets.refs import parse_ticket_ref
from bot.whmcs import Admin, Department, Ticket
from tests.slack.test_form_state import choice, put, untouched
from tests.slack.test_form_views import check_view, form, make_ticket
from tests.slack.test_render_properties import tickets, whmcs_text

SECRET = "form-properties-signing-secret"
LEAD = frozenset(ACTIONS)
ALLOWED = st.sampled_from([LEAD, DEFAULT_ROLES["agent"], frozenset({"view"}), frozenset({"*"})])
# Every text an input may report, as Slack sends it: any character, any length.
_any_character = st.characters(exclude_categories=())
typed = st.one_of(
    st.text(max_size=40),
    st.text(_any_character, max_size=40),
    whmcs_text,
    st.sampled_from(["", " ", "0", "007", "2147483648", "me", "remove", "on", "leave", "follow"]),
    st.sampled_from(["2026-02-30", "2026-03-01", "99:99", "23:59", "jo@example.com", "cf.7"]),
)
# Error texts the form shows under an input.
FORM_ERRORS = {
    value
    for name, value in vars(form_texts).items()
    if name.startswith("FORM_") and isinstance(value, str)
}
# A refused input can also mark the inputs it needs: a date its time, a guest its contact.
RELATED = {
    "created_date": {"created_time"},
    "created_time": {"created_date"},
    "client": {"name", "email"},
}
# Block id -> the /ticket field its change names.
FIELD_OF = {
    "subject": "subject",
    "status": "status",
    "priority": "priority",
    "dept": "dept",
    "flag": "flag",
    "unflag": "unflag",
    "client": "client",
    "name": "name",
    "email": "email",
    "cc": "cc",
    "created_date": "created",
    "created_time": "created",
    "message": "message",
    "markdown": "markdown",
    "client_close": "client-close",
    "cf.7": "customfield",
}

PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _state(block_id: str, value: str, many: list[str]) -> dict[str, Any]:
    """Return what one input reports when it holds `value`, in the shape its element sends."""
    if block_id in ("status", "priority", "dept", "flag", "markdown", "client_close"):
        return {"selected_option": choice(value or "x") | {"value": value}}
    if block_id == "unflag":
        return {"selected_options": [choice(item or "x") | {"value": item} for item in many]}
    if block_id == "created_date":
        return {"selected_date": value}
    if block_id == "created_time":
        return {"selected_time": value}
    return {"value": value}


departments = st.lists(
    st.builds(
        Department,
        st.integers(min_value=-1, max_value=2**31 - 1),
        whmcs_text,
        st.just(0),
        st.just(0),
    ),
    max_size=120,
)


@PROPERTY
@given(
    tickets(),
    ALLOWED,
    st.lists(whmcs_text, max_size=120),
    departments,
    st.dictionaries(st.integers(min_value=1, max_value=2**31 - 1), whmcs_text, max_size=30),
    whmcs_text,
)
def test_any_ticket_gives_a_valid_form_that_reads_back_unchanged(
    ticket: Ticket,
    allowed: frozenset[str],
    statuses: list[str],
    listed: list[Department],
    labels: dict[int, str],
    flagged_name: str,
) -> None:
    view = form(ticket, allowed, statuses, listed, labels, flagged_name=flagged_name)
    check_view(view)

    opened = Opened.from_json(Opened.from_ticket(ticket).to_json())
    assert len(opened.to_json()) <= 2000
    assert read_submission(untouched(view), opened, allowed) == ((), {})


@PROPERTY
@given(st.sampled_from(sorted(FIELD_OF)), typed, st.lists(typed, max_size=3), ALLOWED)
def test_any_value_in_one_input_is_a_change_nothing_or_an_error_under_it(
    block_id: str, value: str, many: list[str], allowed: frozenset[str]
) -> None:
    ticket = make_ticket()
    opened = Opened.from_json(Opened.from_ticket(ticket).to_json())
    values = untouched(form(ticket, LEAD, labels={7: "Rack"}))

    changes, errors = read_submission(
        put(values, block_id, **_state(block_id, value, many)), opened, allowed
    )

    assert set(errors) <= {block_id} | RELATED.get(block_id, set())
    assert all(error in FORM_ERRORS for error in errors.values())
    if errors:
        assert not changes
    event("refused" if errors else "changed" if changes else "unchanged")
    for change in changes:
        assert isinstance(change, FieldChange) and change.field in FIELDS
        assert change.field == FIELD_OF[block_id] or (
            block_id == "client" and change.field in ("name", "email")
        )
    if changes and block_id in ("subject", "name", "email", "cc", "message", "cf.7"):
        assert changes[0].value == value.strip()


@PROPERTY
@given(
    st.dictionaries(st.text(max_size=12) | st.sampled_from(sorted(FIELD_OF)), typed, max_size=8),
    ALLOWED,
)
def test_text_in_any_block_is_read_without_failing(
    texts_in: dict[str, str], allowed: frozenset[str]
) -> None:
    values = {
        block_id: {"value": {"type": "plain_text_input", "value": text}}
        for block_id, text in texts_in.items()
    }
    normalized = normalized_values(values)

    changes, errors = read_submission(normalized, Opened.from_ticket(make_ticket()), allowed)

    assert filled_in(normalized) <= set(normalized)
    assert set(errors) <= set(normalized) | {"client", "name", "email"}
    assert all(change.field in FIELDS for change in changes)


@PROPERTY
@given(typed, whmcs_text)
def test_shown_values_fit_their_inputs(value: str, date: str) -> None:
    for shown, limit in (
        (ff.shown_subject(value), ff.SUBJECT_LENGTH),
        (ff.shown_name(value), ff.NAME_LENGTH),
        (ff.shown_cc(value), ff.CC_LENGTH),
        (ff.shown_email(value), ff.EMAIL_LENGTH),
        (ff.shown_status(value), ff.STATUS_LENGTH),
        (ff.shown_message(value), ff.MESSAGE_LENGTH),
    ):
        assert len(shown) <= limit
    assert len(ff.message_digest(value)) == 64

    # A created date the form shows is one Slack's pickers send back as it is.
    created = ff.shown_created(date)
    if created:
        day, time = created.split(" ")
        assert ff.is_picked_date(day) and ff.is_picked_time(time)
    assert isinstance(ff.is_picked_date(value), bool) and isinstance(ff.is_picked_time(value), bool)


@PROPERTY
@given(st.text(_any_character, max_size=200) | whmcs_text)
def test_metadata_that_was_not_sealed_is_refused(text: str) -> None:
    assert unseal(text, SECRET) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=12,
)
metadata_objects = st.fixed_dictionaries(
    {},
    optional={key: json_values | st.just("U0000001") for key in "ucrtovwa"},
)


@PROPERTY
@given(metadata_objects | json_values)
def test_sealed_metadata_of_any_shape_reads_or_is_refused(raw: Any) -> None:
    payload = json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
    signature = hmac.new(SECRET.encode(), payload.encode("utf-8", "surrogatepass"), hashlib.sha256)

    meta = unseal(f"{signature.hexdigest()}.{payload}", SECRET)

    assert meta is None or isinstance(meta, FormMeta)
    if meta is not None:
        assert unseal(seal(meta, SECRET), SECRET) == meta


@PROPERTY
@given(tickets(), whmcs_text, whmcs_text)
def test_opened_values_of_any_ticket_seal_and_read_back(
    ticket: Ticket, ref: str, view_id: str
) -> None:
    meta = FormMeta(
        "U0000001", "C0000001", ref, ticket.id, Opened.from_ticket(ticket), 3, view_id or None, 1
    )
    assert unseal(seal(meta, SECRET), SECRET) == meta


def check_options(options: list[dict[str, Any]]) -> None:
    assert len(options) <= 100
    for option in options:
        assert 1 <= len(option["text"]["text"]) <= 75 and option["text"]["text"].strip()
        assert 1 <= len(option["value"]) <= 150


admins = st.builds(
    Admin,
    id=st.integers(min_value=-1, max_value=2**31 - 1),
    username=whmcs_text,
    firstname=whmcs_text,
    lastname=whmcs_text,
    email=whmcs_text,
    disabled=st.booleans(),
    role_id=st.just(1),
    department_ids=st.just((1,)),
)


@PROPERTY
@given(departments, st.lists(admins, max_size=120), admins, typed, ALLOWED)
def test_options_the_selects_offer_are_valid_whatever_the_names_and_query(
    listed: list[Department], others: list[Admin], me: Admin, query: str, allowed: frozenset[str]
) -> None:
    identity = Identity("U0000001", me, "config", "lead")
    check_options(department_options(listed, query))
    check_options(flag_options(identity, allowed, others, query))


@PROPERTY
@given(st.text(_any_character, max_size=300) | whmcs_text | typed)
def test_tickets_a_message_names_are_real_references(text: str) -> None:
    refs = refs_in_message(text)
    assert len(refs) <= MAX_REFS and len(refs) == len(set(refs))
    assert all(parse_ticket_ref(ref) is not None for ref in refs)

"""`[[triage]]` routes: what the config accepts, which tickets a route takes, department names."""

from __future__ import annotations

from typing import Any

import pytest

from bot.triage.routes import (
    MAX_BACKFILL_HOURS,
    ROUTE_KEYS,
    Route,
    RouteError,
    department_ids,
    parse_route,
    parse_routes,
)
from bot.whmcs import Department, Ticket

DEPARTMENTS = [
    Department(1, "General Support", 0, 0),
    Department(2, "Technical Support", 0, 0),
    Department(3, "Billing", 0, 0),
    Department(4, "Sales & Pre-Sales", 0, 0),
]


def ticket(**fields: Any) -> Ticket:
    """Return a GetTickets entry as the client reads it; Technical Support, Open, Medium."""
    raw = {
        "id": 41,
        "tid": "ABC-123",
        "deptid": "2",
        "subject": "Website down",
        "status": "Open",
        "priority": "Medium",
        "lastreply": "2026-01-01 10:00:00",
        "flag": "0",
    }
    raw.update(fields)
    return Ticket.from_api(raw)


def route_error(table: Any, number: int = 3) -> str:
    with pytest.raises(RouteError) as caught:
        parse_route(table, number)
    return str(caught.value)


def table(**keys: Any) -> dict[str, Any]:
    return {"channel": "C0123ABCD", "departments": [2], **keys}


# -- parsing ------------------------------------------------------------------------------------


def test_a_full_route_is_read_with_every_key() -> None:
    route = parse_route(
        table(
            departments=[2, " Billing "],
            statuses=["Open", " Customer-Reply"],
            priorities=["High"],
            exclude_statuses=["On Hold"],
            exclude_subject_contains=["[SPAM]"],
            mention="S0123ABCD",
            backfill=12,
        ),
        1,
    )
    assert route == Route(
        channel="C0123ABCD",
        departments=(2, "Billing"),
        statuses=("Open", "Customer-Reply"),
        priorities=("High",),
        exclude_statuses=("On Hold",),
        exclude_subject_contains=("[SPAM]",),
        mention="S0123ABCD",
        backfill=12.0,
    )


def test_a_minimal_route_takes_every_active_status_and_no_backfill() -> None:
    route = parse_route(table(), 1)
    assert (route.statuses, route.priorities, route.mention, route.backfill) == ((), (), None, 0)


def test_routes_are_numbered_from_one_in_errors() -> None:
    with pytest.raises(RouteError, match=r"^triage route 2: channel must be a channel id"):
        parse_routes([table(), table(channel="#support")])


def test_a_single_triage_table_instead_of_a_list_is_refused() -> None:
    with pytest.raises(RouteError, match=r"\[\[triage\]\] tables"):
        parse_routes(table())


def test_a_route_that_is_not_a_table_is_refused() -> None:
    assert route_error("C0123ABCD").startswith("triage route 3 must be a table")


@pytest.mark.parametrize("channel", ["#support", "support", "c0123abcd", "U0123ABCD", "C1", 42])
def test_a_bad_channel_names_the_route_and_the_form_expected(channel: Any) -> None:
    message = route_error(table(channel=channel))
    assert message == "triage route 3: channel must be a channel id like C0123ABCD"


def test_a_missing_channel_is_refused() -> None:
    assert "channel must be a channel id" in route_error({"departments": [2]})


@pytest.mark.parametrize(
    "departments", [[], None, "Billing", [True], [False], [0], [-2], ["  "], [2.5], [[2]]]
)
def test_bad_departments_name_the_route_and_say_what_is_expected(departments: Any) -> None:
    keys = table() if departments is None else table(departments=departments)
    if departments is None:
        del keys["departments"]
    message = route_error(keys)
    assert message == "triage route 3: departments must list department ids or names"


def test_an_unknown_key_is_named_with_the_keys_a_route_has() -> None:
    message = route_error(table(chanel="C0123ABCD"))
    assert message.startswith("triage route 3 has an unknown key 'chanel'")
    assert message.endswith("a route has " + ", ".join(ROUTE_KEYS))


@pytest.mark.parametrize("mention", ["@support", "<!subteam^S0123ABCD>", "s0123abcd", "C0123", 5])
def test_a_bad_mention_names_the_route_and_both_forms(mention: Any) -> None:
    message = route_error(table(mention=mention))
    assert message.startswith("triage route 3: mention must be")
    assert "S0123ABCD" in message and "U0123ABCD" in message


@pytest.mark.parametrize(
    "backfill", [-1, MAX_BACKFILL_HOURS + 1, 1e9, True, False, "24", float("nan"), float("inf")]
)
def test_a_bad_backfill_names_the_route_and_the_range(backfill: Any) -> None:
    message = route_error(table(backfill=backfill))
    assert message == (
        f"triage route 3: backfill must be a number of hours from 0 to {MAX_BACKFILL_HOURS}"
    )


@pytest.mark.parametrize("backfill", [0, 0.5, MAX_BACKFILL_HOURS])
def test_backfill_takes_hours_within_the_range(backfill: float) -> None:
    assert parse_route(table(backfill=backfill), 1).backfill == backfill


@pytest.mark.parametrize(
    ("key", "example"),
    [
        ("statuses", '["Open", "Customer-Reply"]'),
        ("priorities", '["High"]'),
        ("exclude_statuses", '["On Hold"]'),
        ("exclude_subject_contains", '["[SPAM]"]'),
    ],
)
@pytest.mark.parametrize("value", ["Open", ["Open", 3], [""], ["  "], {"a": "b"}])
def test_a_list_key_that_is_not_a_list_of_text_shows_a_list_that_fits_the_key(
    key: str, example: str, value: Any
) -> None:
    message = route_error(table(**{key: value}))
    assert message == f"triage route 3: {key} must be a list of texts, like {example}"


# -- which tickets a route takes ----------------------------------------------------------------


def test_a_route_takes_only_its_departments() -> None:
    route = parse_route(table(), 1)
    assert route.admits(ticket(), frozenset({2}))
    assert not route.admits(ticket(deptid="3"), frozenset({2}))
    assert not route.admits(ticket(deptid="0"), frozenset({2}))


def test_statuses_match_whatever_the_case_spaces_and_hyphens() -> None:
    route = parse_route(table(statuses=["customer reply", "ON HOLD"]), 1)
    ids = frozenset({2})
    assert route.admits(ticket(status="Customer-Reply"), ids)
    assert route.admits(ticket(status="On Hold"), ids)
    assert route.admits(ticket(status="on-hold"), ids)
    assert not route.admits(ticket(status="Open"), ids)


def test_priorities_narrow_what_a_route_takes() -> None:
    route = parse_route(table(priorities=["high"]), 1)
    assert route.admits(ticket(priority="High"), frozenset({2}))
    assert not route.admits(ticket(priority="Medium"), frozenset({2}))


def test_excluded_statuses_are_left_out_whatever_their_spelling() -> None:
    route = parse_route(table(exclude_statuses=["in_progress", "Waiting on Vendor"]), 1)
    ids = frozenset({2})
    assert not route.admits(ticket(status="In Progress"), ids)
    assert not route.admits(ticket(status="waiting-on-vendor"), ids)
    assert route.admits(ticket(status="Answered"), ids)


def test_an_exclusion_wins_over_an_inclusion() -> None:
    route = parse_route(table(statuses=["Open"], exclude_statuses=["open"]), 1)
    assert not route.admits(ticket(), frozenset({2}))


def test_excluded_subject_words_ignore_case_and_runs_of_spaces() -> None:
    route = parse_route(table(exclude_subject_contains=["[spam]", "out of  office"]), 1)
    ids = frozenset({2})
    assert not route.admits(ticket(subject="[SPAM] Cheap pills"), ids)
    assert not route.admits(ticket(subject="Re: OUT  OF\tOFFICE until Monday"), ids)
    assert route.admits(ticket(subject="Spam filter blocks my mail"), ids)


def test_excluded_subject_words_match_the_decoded_subject() -> None:
    route = parse_route(table(exclude_subject_contains=["<auto> & reply"]), 1)
    assert not route.admits(ticket(subject="&lt;Auto&gt; &amp; reply: received"), frozenset({2}))


def test_a_huge_subject_is_matched_without_trouble() -> None:
    route = parse_route(table(exclude_subject_contains=["needle"]), 1)
    assert route.admits(ticket(subject="hay " * 50_000), frozenset({2}))
    assert not route.admits(ticket(subject="hay " * 50_000 + "NEEDLE"), frozenset({2}))


# -- department names ---------------------------------------------------------------------------


class Known:
    """WHMCS's departments, counting how often they are read."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> list[Department]:
        self.reads += 1
        return DEPARTMENTS


def test_department_ids_need_no_whmcs_call() -> None:
    known = Known()
    assert department_ids([2, 3], known) == (frozenset({2, 3}), ())
    assert known.reads == 0


def test_department_names_match_whatever_the_case() -> None:
    known = Known()
    ids, missing = department_ids(["technical support", "BILLING", 1], known)
    assert ids == frozenset({1, 2, 3}) and missing == ()
    assert known.reads == 1


def test_a_department_name_with_an_ampersand_matches_as_shown_in_whmcs() -> None:
    assert department_ids(["Sales & Pre-Sales"], Known()) == (frozenset({4}), ())


def test_names_whmcs_lacks_are_reported_as_written() -> None:
    ids, missing = department_ids(["Billing", "Abuse", "Sales"], Known())
    assert ids == frozenset({3})
    assert missing == ("Abuse", "Sales")


# -- mentions -----------------------------------------------------------------------------------


def test_a_user_group_mention_pings_the_group() -> None:
    assert parse_route(table(mention="S0123ABCD"), 1).mention_text() == "<!subteam^S0123ABCD>"


@pytest.mark.parametrize("user", ["U0123ABCD", "W0123ABCD"])
def test_a_user_mention_pings_the_user(user: str) -> None:
    assert parse_route(table(mention=user), 1).mention_text() == f"<@{user}>"


def test_no_mention_pings_nobody() -> None:
    route = parse_route(table(), 1)
    assert route.mention_text() is None
    assert not route.pings(ticket(priority="High"))


def test_only_a_high_priority_ticket_pings() -> None:
    route = parse_route(table(mention="S0123ABCD"), 1)
    assert route.pings(ticket(priority="high"))
    assert not route.pings(ticket(priority="Medium"))

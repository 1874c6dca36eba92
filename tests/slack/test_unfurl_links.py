"""Only links to a ticket's page in the configured WHMCS admin area are unfurled."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.slack.unfurl import read_event, unfurl_target
from bot.slack.unfurl_links import MAX_LINKS, TicketLink, ticket_link, ticket_links

ADMIN = "https://billing.example.com/admin/"
PAGE = "https://billing.example.com/admin/supporttickets.php"


@pytest.mark.parametrize(
    ("url", "ticket_id"),
    [
        (f"{PAGE}?action=view&id=42", 42),
        (f"{PAGE}?action=view&amp;id=42", 42),  # as Slack sends it
        (f"{PAGE}?id=7&action=viewticket", 7),
        (f"{PAGE}?action=view&id=42#replies", 42),
        ("HTTPS://Billing.Example.com/admin/supporttickets.php?action=view&id=42", 42),
        ("https://billing.example.com:443/admin/supporttickets.php?action=view&id=42", 42),
        (f"{PAGE}?action=View&id=2147483647", 2147483647),
    ],
)
def test_a_link_to_a_ticket_page_names_the_ticket(url: str, ticket_id: int) -> None:
    assert ticket_link(url, ADMIN) == TicketLink(url, ticket_id)


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example.com/admin/supporttickets.php?action=view&id=42",
        "http://billing.example.com/admin/supporttickets.php?action=view&id=42",
        "https://billing.example.com:8443/admin/supporttickets.php?action=view&id=42",
        "https://billing.example.com/supporttickets.php?action=view&id=42",
        "https://billing.example.com/admin/sub/supporttickets.php?action=view&id=42",
        "https://billing.example.com/admin/clientssummary.php?action=view&id=42",
        "https://billing.example.com/viewticket.php?tid=ABC-123456&c=Xy9",
        f"{PAGE}?action=list&id=42",
        f"{PAGE}?id=42",
        f"{PAGE}?action=view",
        f"{PAGE}?action=view&id=",
        f"{PAGE}?action=view&id=042",
        f"{PAGE}?action=view&id=0",
        f"{PAGE}?action=view&id=-1",
        f"{PAGE}?action=view&id=4x",
        f"{PAGE}?action=view&id=2147483648",
        f"{PAGE}?action=view&id=42&id=43",
        f"{PAGE}?action=view&action=close&id=42",
        f"{PAGE}?action=view&id=%D9%A4%D9%A2",  # Arabic-Indic digits are no ticket id
        "https://billing.example.com@evil.example/admin/supporttickets.php?action=view&id=42",
        "https://someone@billing.example.com/admin/supporttickets.php?action=view&id=42",
        "ftp://billing.example.com/admin/supporttickets.php?action=view&id=42",
        "https://billing.example.com:99999/admin/supporttickets.php?action=view&id=42",
        "not a url",
        "",
        f"{PAGE}?action=view&id=42&pad={'x' * 3000}",
    ],
)
def test_any_other_link_is_left_alone(url: str) -> None:
    assert ticket_link(url, ADMIN) is None


def test_an_admin_area_on_a_port_and_without_trailing_slash_is_matched_exactly() -> None:
    admin = "http://127.0.0.1:8080/whmcs/admin"
    assert ticket_link(
        "http://127.0.0.1:8080/whmcs/admin/supporttickets.php?action=view&id=5", admin
    )
    assert not ticket_link(
        "http://127.0.0.1:8081/whmcs/admin/supporttickets.php?action=view&id=5", admin
    )
    assert not ticket_link(
        "http://localhost:8080/whmcs/admin/supporttickets.php?action=view&id=5", admin
    )


def test_an_admin_url_that_is_no_web_address_matches_nothing() -> None:
    assert ticket_link(f"{PAGE}?action=view&id=42", "billing.example.com/admin/") is None


def test_each_url_once_others_skipped_and_at_most_a_few() -> None:
    links = [
        {"domain": "billing.example.com", "url": f"{PAGE}?action=view&id=1"},
        {"domain": "billing.example.com", "url": f"{PAGE}?action=view&id=1"},
        {"domain": "example.org", "url": "https://example.org/"},
        "not an object",
        {"url": None},
        {"domain": "billing.example.com", "url": f"{PAGE}?action=viewticket&id=1"},
    ] + [{"url": f"{PAGE}?action=view&id={n}"} for n in range(2, 20)]

    found = ticket_links(links, ADMIN)

    assert len(found) == MAX_LINKS
    assert [link.ticket_id for link in found] == [1, 1, 2, 3, 4]
    assert len({link.url for link in found}) == MAX_LINKS


@pytest.mark.parametrize("links", [None, "x", {"url": f"{PAGE}?action=view&id=1"}, []])
def test_links_that_are_not_a_list_give_nothing(links: Any) -> None:
    assert ticket_links(links, ADMIN) == []


@given(st.text(max_size=300))
def test_no_text_makes_the_parser_fail(url: str) -> None:
    found = ticket_link(url, ADMIN)
    assert found is None or found.ticket_id > 0


def event(**fields: Any) -> dict[str, Any]:
    """Return a link_shared event as Slack sends it for a posted message."""
    shared: dict[str, Any] = {
        "type": "link_shared",
        "channel": "C0000001",
        "user": "U0000001",
        "message_ts": "1700000000.000100",
        "links": [{"domain": "billing.example.com", "url": f"{PAGE}?action=view&amp;id=42"}],
        "event_ts": "1700000000.000200",
    }
    shared.update(fields)
    return {key: value for key, value in shared.items() if value is not None}


def test_unfurls_go_to_the_unfurl_id_when_the_event_has_one() -> None:
    composer = event(channel="COMPOSER", unfurl_id="C123.456.abc", source="composer")
    posted = event(unfurl_id="C0000001.1700000000.000100.ff", source="conversations_history")

    assert unfurl_target(composer) == {"unfurl_id": "C123.456.abc", "source": "composer"}
    assert unfurl_target(posted) == {
        "unfurl_id": "C0000001.1700000000.000100.ff",
        "source": "conversations_history",
    }
    assert unfurl_target(event()) == {"channel": "C0000001", "ts": "1700000000.000100"}
    assert unfurl_target(event(channel="COMPOSER")) is None
    assert unfurl_target(event(message_ts="yesterday")) is None


def test_an_event_is_read_into_its_user_channel_and_links() -> None:
    shared = read_event(event(), {"event_id": "Ev01"}, ADMIN)

    assert shared is not None
    assert (shared.event_id, shared.user, shared.channel) == ("Ev01", "U0000001", "C0000001")
    assert shared.links == (TicketLink(f"{PAGE}?action=view&amp;id=42", 42),)


def test_a_composer_event_has_no_channel_for_the_permission_check() -> None:
    composer = event(channel="COMPOSER", unfurl_id="C1.2.3", source="composer")
    shared = read_event(composer, {"event_id": "Ev02"}, ADMIN)
    assert shared is not None and shared.channel is None


@pytest.mark.parametrize(
    "broken",
    [
        event(user=None),
        event(user="not a user"),
        event(links=[{"url": "https://example.org/"}]),
        event(links=None),
        event(message_ts=None),
    ],
)
def test_an_event_with_nothing_to_unfurl_is_dropped(broken: dict[str, Any]) -> None:
    assert read_event(broken, {"event_id": "Ev03"}, ADMIN) is None

"""Find the links to WHMCS tickets among the links a Slack message shares."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, parse_qs, urlsplit

from bot.tickets.refs import MAX_TICKET_ID

# Slack sends a few links per link_shared event; more than this in one message is not a
# conversation about tickets, and each one costs WHMCS calls.
MAX_LINKS = 5
# Only this many of an event's links are looked at, whatever the event carries.
MAX_LINKS_READ = 20
URL_LIMIT = 3000
TICKET_PAGE = "supporttickets.php"
VIEW_ACTIONS = ("view", "viewticket")
DEFAULT_PORTS = {"http": 80, "https": 443}
# NOTE: Slack sends the links of a link_shared event with `&`, `<` and `>` as entities (so
# `?action=view&amp;id=42`); chat.unfurl must still be keyed by the URL exactly as sent.
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_ID_DIGITS = len(str(MAX_TICKET_ID))


@dataclass(frozen=True)
class TicketLink:
    """A shared link to a ticket's page in WHMCS's admin area.

    Args:
        url: the link exactly as Slack sent it; chat.unfurl is keyed by it.
        ticket_id: the ticket's internal id, from the link's `id`.
    """

    url: str
    ticket_id: int


def decode_entities(text: str) -> str:
    """Decode Slack's `&amp;`, `&lt;` and `&gt;` once."""
    return _ENTITY.sub(lambda entity: _ENTITIES[entity[1]], text)


def _origin(parts: SplitResult) -> tuple[str, str, int] | None:
    """Return scheme, host and port (the scheme's default when none is written)."""
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        return None
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname, port if port is not None else DEFAULT_PORTS[scheme]


def _ticket_id(value: str) -> int | None:
    """Return the internal ticket id an `id` value names, if it can name one."""
    if not (value.isascii() and value.isdigit()) or value.startswith("0"):
        return None
    if len(value) > _ID_DIGITS:
        return None
    ticket_id = int(value)
    return ticket_id if ticket_id <= MAX_TICKET_ID else None


def ticket_link(url: str, admin_url: str) -> TicketLink | None:
    """Return the ticket a link opens in this WHMCS admin area, or None for any other link.

    The link must have the admin area's scheme, host and port, and be its
    `supporttickets.php?action=view&id=<ticket id>` (or `action=viewticket`) page.
    """
    if len(url) > URL_LIMIT:
        return None
    admin = urlsplit(admin_url.strip())
    link = urlsplit(decode_entities(url).strip())
    admin_origin = _origin(admin)
    if admin_origin is None or _origin(link) != admin_origin:
        return None
    if link.username is not None or link.password is not None:
        return None
    admin_path = admin.path if admin.path.endswith("/") else admin.path + "/"
    if link.path != admin_path + TICKET_PAGE:
        return None

    query = parse_qs(link.query, keep_blank_values=True)
    actions, ids = query.get("action", []), query.get("id", [])
    # A repeated key leaves which value WHMCS reads to PHP: such a link is not unfurled.
    if len(actions) != 1 or len(ids) != 1 or actions[0].lower() not in VIEW_ACTIONS:
        return None
    ticket_id = _ticket_id(ids[0])
    return TicketLink(url, ticket_id) if ticket_id is not None else None


def ticket_links(links: Any, admin_url: str, limit: int = MAX_LINKS) -> list[TicketLink]:
    """Return the event's links to tickets in this admin area, each URL once, at most `limit`.

    Args:
        links: the event's `links`: a list of objects with a `url`; anything else is skipped.
    """
    if not isinstance(links, list):
        return []
    found: dict[str, TicketLink] = {}
    for shared in links[:MAX_LINKS_READ]:
        url = shared.get("url") if isinstance(shared, dict) else None
        if not isinstance(url, str) or url in found:
            continue
        link = ticket_link(url, admin_url)
        if link is not None:
            found[url] = link
        if len(found) >= limit:
            break
    return list(found.values())

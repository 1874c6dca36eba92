"""Unfurl links to WHMCS tickets into the ticket's summary (Slack's link_shared event).

Slack waits 3 seconds for the answer to an Events API request and sends the event again, with
the same event_id, when it thinks the delivery failed. The listener only reads the event and
hands the WHMCS work to the follow-up pool; Bolt acks the event when the listener returns.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import SLACK_USER_ID
from bot.slack.blocks import Block
from bot.slack.card_deps import CardDeps
from bot.slack.card_render import CardRenderer
from bot.slack.gate import make_gate
from bot.slack.replay import RecentTriggers
from bot.slack.ticket_facts import ticket_url
from bot.slack.unfurl_blocks import summary_blocks
from bot.slack.unfurl_links import TicketLink, ticket_links
from bot.tickets.refs import TicketRef
from bot.tickets.result import Problem, ProblemKind
from bot.tickets.service import Gate

log = logging.getLogger(__name__)

LINK_SHARED = "link_shared"
_CONVERSATION = re.compile(r"[CDG][A-Z0-9]{2,}")
# A link typed in the message composer comes with this in place of a conversation's id.
COMPOSER = "COMPOSER"
_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")
ID_LIMIT = 200
# Why a link was not unfurled, for the log line (ids only: never the ticket's text).
REASONS = {
    ProblemKind.NOT_LINKED: "the Slack user is linked to no WHMCS admin",
    ProblemKind.PERMISSION: "the admin may not view the ticket",
    ProblemKind.INPUT: "no such ticket",
    ProblemKind.CONFIG: "WHMCS refused the bot's API credential",
    ProblemKind.UNAVAILABLE: "WHMCS could not be read",
}
WHMCS_FAULTS = (ProblemKind.CONFIG, ProblemKind.UNAVAILABLE)


@dataclass(frozen=True)
class SharedLinks:
    """The links to tickets one person shared in one message, and where their unfurls go.

    Args:
        channel: the conversation, for the permission check; None for the message composer.
        target: chat.unfurl's arguments that name the message: `unfurl_id` and `source`, or
            `channel` and `ts`.
    """

    event_id: str
    user: str
    channel: str | None
    target: Mapping[str, str]
    links: tuple[TicketLink, ...]

    def ids(self, links: Iterable[TicketLink] | None = None) -> str:
        """Return the ticket ids of these links (all by default) for a log line: `42,43`."""
        chosen = self.links if links is None else links
        return ",".join(dict.fromkeys(str(link.ticket_id) for link in chosen))


def _text(value: Any, pattern: re.Pattern[str] | None = None) -> str | None:
    """Return a short string field of the event, if it is one (and matches `pattern`)."""
    if not isinstance(value, str) or not value or len(value) > ID_LIMIT:
        return None
    if pattern is not None and not pattern.fullmatch(value):
        return None
    return value


def _conversation(event: Mapping[str, Any]) -> str | None:
    """Return the id of the conversation the links were shared in; None for the composer."""
    channel = _text(event.get("channel"), _CONVERSATION)
    return None if channel == COMPOSER else channel


def unfurl_target(event: Mapping[str, Any]) -> dict[str, str] | None:
    """Return the arguments chat.unfurl names the message by, or None if the event has none.

    Slack's chat.unfurl takes `unfurl_id` and `source` (given for messages still in the
    composer, and for posted ones), or the `channel` and `ts` of a posted message.
    """
    unfurl_id, source = _text(event.get("unfurl_id")), _text(event.get("source"))
    if unfurl_id and source:
        return {"unfurl_id": unfurl_id, "source": source}
    channel = _conversation(event)
    ts = _text(event.get("message_ts"), _TS)
    if channel and ts:
        return {"channel": channel, "ts": ts}
    return None


def read_event(
    event: Mapping[str, Any], body: Mapping[str, Any], admin_url: str
) -> SharedLinks | None:
    """Return the ticket links of a link_shared event, or None when there is nothing to do."""
    event_id = _text(body.get("event_id")) or ""
    user = event.get("user")
    if not isinstance(user, str) or not SLACK_USER_ID.match(user):
        log.info("link_shared event=%s ignored: no Slack user", event_id or "-")
        return None
    links = ticket_links(event.get("links"), admin_url)
    if not links:
        return None
    target = unfurl_target(event)
    if target is None:
        log.info("link_shared event=%s ignored: it names no message to unfurl in", event_id)
        return None
    return SharedLinks(event_id, user, _conversation(event), target, tuple(links))


class LinkUnfurls:
    """Unfurl shared links to WHMCS tickets for people who may view those tickets."""

    def __init__(self, deps: CardDeps, seen: RecentTriggers | None = None) -> None:
        self.deps = deps
        self.renderer = CardRenderer(deps)
        # Slack sends an event again, with the same event_id, when its delivery seemed to fail.
        self.seen = seen if seen is not None else RecentTriggers()

    def __call__(
        self,
        event: dict[str, Any],
        body: dict[str, Any],
        context: BoltContext,
        client: WebClient,
    ) -> None:
        """Read the event and hand the unfurl on; no WHMCS call is made before Bolt acks."""
        if event.get("user") is not None and event.get("user") == context.bot_user_id:
            return  # the bot's own messages (its cards, for one) are not unfurled
        shared = read_event(event, body, self.deps.admin_url)
        if shared is None:
            return
        if shared.event_id and not self.seen.first_time(shared.event_id):
            log.info("link_shared event=%s delivered again: already handled", shared.event_id)
            return

        try:
            self.deps.followups.submit(
                lambda: self.unfurl(shared, client), lambda: self._failed(shared)
            )
        except RuntimeError:
            log.warning("link_shared event=%s not handled: the bot is stopping", shared.event_id)

    def unfurl(self, shared: SharedLinks, client: WebClient) -> None:
        """Unfurl each link whose ticket the person may view; log why any other is not."""
        identity = self.deps.identify(shared.user)
        if isinstance(identity, Problem):
            self._not_unfurled(shared, shared.links, identity)
            return
        gate = make_gate(self.deps.answers.policy, identity, shared.channel)

        summaries: dict[int, list[Block] | None] = {}
        unfurls: dict[str, dict[str, Any]] = {}
        for link in shared.links:
            if link.ticket_id not in summaries:
                summaries[link.ticket_id] = self._summary(shared, link, gate)
            blocks = summaries[link.ticket_id]
            if blocks is not None:
                unfurls[link.url] = {"blocks": blocks}
        if unfurls:
            self._send(client, shared, unfurls)

    def _summary(self, shared: SharedLinks, link: TicketLink, gate: Gate) -> list[Block] | None:
        """Return the ticket's read-only summary, or None if it may not or cannot be shown."""
        ref = TicketRef(text=str(link.ticket_id), ticket_id=link.ticket_id, ticket_number=None)
        shown = self.deps.answers.service.show(ref, gate)
        if shown.ticket is None:
            self._not_unfurled(shared, [link], shown.problems[0] if shown.problems else None)
            return None
        ticket = shown.ticket
        card = self.renderer.card(ticket)
        return summary_blocks(card, ticket_url(self.deps.admin_url, ticket.id))

    def _send(
        self, client: WebClient, shared: SharedLinks, unfurls: dict[str, dict[str, Any]]
    ) -> None:
        """Call chat.unfurl with every summary at once; log Slack's refusal."""
        try:
            target = shared.target
            client.chat_unfurl(
                unfurls=unfurls,
                channel=target.get("channel"),
                ts=target.get("ts"),
                unfurl_id=target.get("unfurl_id"),
                source=target.get("source"),
            )
        except SlackApiError as error:
            code = error.response.get("error")
            log.warning("chat.unfurl of event=%s refused: %s", shared.event_id, code)
            return
        except OSError as error:
            log.warning("chat.unfurl of event=%s failed: %s", shared.event_id, type(error).__name__)
            return
        unfurled = [link for link in shared.links if link.url in unfurls]
        log.info(
            "unfurled ticket=%s for user=%s in channel=%s (event=%s)",
            shared.ids(unfurled),
            shared.user,
            shared.channel or "-",
            shared.event_id or "-",
        )

    def _not_unfurled(
        self, shared: SharedLinks, links: Iterable[TicketLink], problem: Problem | None
    ) -> None:
        """Log, with ids only, that these links are left as they are, and why."""
        kind = problem.kind if problem is not None else ProblemKind.UNAVAILABLE
        level = logging.WARNING if kind in WHMCS_FAULTS else logging.INFO
        log.log(
            level,
            "link to ticket=%s not unfurled for user=%s in channel=%s (event=%s): %s",
            shared.ids(links),
            shared.user,
            shared.channel or "-",
            shared.event_id or "-",
            REASONS.get(kind, kind.value),
        )

    def _failed(self, shared: SharedLinks) -> None:
        """Note that an unexpected error left the event's links as they are."""
        log.warning("links to ticket=%s not unfurled (event=%s)", shared.ids(), shared.event_id)


def register(app: App, deps: CardDeps) -> None:
    """Attach the link_shared listener that unfurls links to WHMCS tickets."""
    app.event(LINK_SHARED)(LinkUnfurls(deps))

"""Post and update triage's cards in Slack: the poller's card sink.

Every call goes through the pacer (about one post per second per channel, 429s waited out,
order kept). A channel the bot cannot post in is reported once in the log with what to do, and
skipped for a while; the other channels carry on.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack import card_notes, texts
from bot.slack.blocks import section
from bot.slack.card_render import CardRenderer
from bot.slack.mrkdwn import inline
from bot.slack.pacing import Pacer
from bot.store import Change
from bot.tickets.fields import squash
from bot.triage.news import News
from bot.triage.routes import Route
from bot.triage.state import Card
from bot.whmcs import Ticket

log = logging.getLogger(__name__)

# chat.postMessage's answers for a channel the bot cannot post in, and what to do about each.
UNUSABLE_CHANNEL = {
    "not_in_channel": "invite the bot: type `/invite @ticketbot` in that channel",
    "channel_not_found": (
        "check the channel id in the [[triage]] route; for a private channel, invite the bot"
    ),
    "is_archived": "unarchive the channel or route its tickets to another one",
}
# chat.update's answers for a card that is no longer there to update.
GONE = ("message_not_found", "cant_update_message", "channel_not_found", "is_archived")
RETRY_UNUSABLE = 600.0  # seconds before posting in an unusable channel is tried again
# Message metadata on each triage card, so a card posted just before a restart can be found.
CARD_EVENT = "ticketbot_card"
HISTORY_PAGES = 5
HISTORY_PAGE = 200
CLOCK_SLACK = 60.0  # seconds of leeway between this host's clock and Slack's
NAME_LIMIT = 100


class SlackCards:
    """Post triage cards, and show each change on every card of the ticket with a thread line."""

    def __init__(
        self,
        renderer: CardRenderer,
        pacer: Pacer,
        routes: Sequence[Route],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.renderer = renderer
        self.pacer = pacer
        self.routes = {route.channel: route for route in reversed(routes)}
        self.clock = clock
        self._lock = threading.Lock()
        self._unusable: dict[str, float] = {}

    def post(self, route: Route, ticket: Ticket) -> str | None:
        """Post a ticket's card in a route's channel; return its ts, or None when not posted."""
        channel = route.channel
        if not self._usable(channel):
            return None
        card = self.renderer.card(ticket)
        mention = route.mention_text() if route.pings(ticket) else None
        if mention:
            ping = texts.TRIAGE_HIGH_PRIORITY.format(mention=mention)
            card = {
                **card,
                "text": f"{ping}: {card['text']}",
                "blocks": [section(ping), *card["blocks"]],
            }
        card["metadata"] = {"event_type": CARD_EVENT, "event_payload": {"ticket_id": ticket.id}}
        try:
            answer = self.pacer.call("chat.postMessage", channel, **card)
        except SlackApiError as error:
            self._refused(channel, str(error.response.get("error")))
            return None
        except OSError as error:
            log.warning("triage card not posted in channel=%s: %s", channel, type(error).__name__)
            return None
        ts = answer.get("ts")
        return str(ts) if ts else None

    def update(self, card: Card, ticket: Ticket, news: News, left: Route | None) -> bool:
        """Redraw a card with the ticket as it is now and thread a line per change."""
        lines = [
            card_notes.thread_line(change, news.by[change.field])
            if change.field in news.by
            else self._line(change)
            for change in news.changes
        ]
        if news.reply is not None:
            author = inline(news.reply.author, NAME_LIMIT)
            reply = (
                texts.TRIAGE_REPLY_FROM_STAFF
                if news.reply.staff
                else texts.TRIAGE_REPLY_FROM_CLIENT
            )
            lines.append(reply.format(author=author) if author else texts.TRIAGE_REPLY)
        route = self.routes.get(card.channel) if card.routed else None
        if route is not None and route.pings(ticket) and _became_high(news.changes):
            lines.append(texts.TRIAGE_HIGH_PRIORITY.format(mention=route.mention_text()))
        if left is not None:
            lines.append(self._left(ticket, news))
        note = "; ".join(line for line in lines[:3] if line) or None
        if not self.redraw(card, self.renderer.card(ticket, note)):
            return False
        self.thread(card, lines)
        return True

    def redraw(self, card: Card, message: dict[str, Any]) -> bool:
        """Replace a card's message (chat.update); False when the card is gone."""
        try:
            self.pacer.call("chat.update", card.channel, ts=card.ts, **message)
        except SlackApiError as error:
            code = str(error.response.get("error"))
            if code in GONE:
                log.info(
                    "card of ticket=%s in channel=%s is gone (%s)",
                    card.ticket_id,
                    card.channel,
                    code,
                )
                return False
            log.warning("card of ticket=%s not updated: %s", card.ticket_id, code)
        except OSError as error:
            log.warning("card of ticket=%s not updated: %s", card.ticket_id, type(error).__name__)
        return True

    def find(self, channel: str, ticket_id: int, since: float) -> str | None:
        """Look in a channel's recent history for a ticket's card posted since a moment."""
        cursor = None
        for _ in range(HISTORY_PAGES):
            try:
                answer = self.pacer.client.conversations_history(
                    channel=channel,
                    oldest=f"{since - CLOCK_SLACK:.6f}",
                    limit=HISTORY_PAGE,
                    include_all_metadata=True,
                    cursor=cursor,
                )
            except SlackApiError as error:
                log.warning(
                    "channel=%s history not read (%s): the card of ticket=%s may be posted again",
                    channel,
                    error.response.get("error"),
                    ticket_id,
                )
                return None
            except OSError as error:
                log.warning("channel=%s history not read: %s", channel, type(error).__name__)
                return None
            for message in answer.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (
                    metadata.get("event_type") == CARD_EVENT
                    and payload.get("ticket_id") == ticket_id
                ):
                    return str(message.get("ts"))
            cursor = (answer.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    def deleted(self, card: Card) -> None:
        """Thread a line under a card whose ticket was deleted in WHMCS."""
        self.thread(card, [texts.TRIAGE_DELETED])

    def thread(self, card: Card, lines: Sequence[str]) -> None:
        """Post lines in a card's thread, in order."""
        for line in lines:
            try:
                self.pacer.call("chat.postMessage", card.channel, thread_ts=card.ts, text=line)
            except SlackApiError as error:
                log.warning("thread line not posted: %s", error.response.get("error"))
            except OSError as error:
                log.warning("thread line not posted: %s", type(error).__name__)

    def _line(self, change: Change) -> str:
        """Say one change made outside Slack, and what the value was."""
        line = texts.TRIAGE_IN_WHMCS.format(changes=card_notes.change_phrase(change))
        if change.before is None or change.field not in (
            "Status",
            "Priority",
            "Department",
            "Flag",
        ):
            return line
        return texts.CARD_WAS.format(line=line, before=inline(change.before, NAME_LIMIT))

    def _left(self, ticket: Ticket, news: News) -> str:
        """Say where a ticket went when it left the card's route."""
        moved = next((c for c in news.changes if c.field == "Department"), None)
        if moved is not None:
            return texts.TRIAGE_LEFT_MOVED.format(department=inline(moved.after, NAME_LIMIT))
        if any(c.field == "Status" for c in news.changes):
            return texts.TRIAGE_LEFT_STATUS.format(status=inline(ticket.status, NAME_LIMIT))
        return texts.TRIAGE_LEFT.format(
            status=inline(ticket.status, NAME_LIMIT), priority=inline(ticket.priority, NAME_LIMIT)
        )

    def _usable(self, channel: str) -> bool:
        with self._lock:
            until = self._unusable.get(channel)
            if until is None:
                return True
            if self.clock() < until:
                return False
            del self._unusable[channel]
            return True

    def _refused(self, channel: str, code: str) -> None:
        """Log why a card was not posted; an unusable channel once, then skip it for a while."""
        fix = UNUSABLE_CHANNEL.get(code)
        if fix is None:
            log.warning("triage card not posted in channel=%s: Slack answered %s", channel, code)
            return
        with self._lock:
            known = channel in self._unusable
            self._unusable[channel] = self.clock() + RETRY_UNUSABLE
        if not known:
            log.error(
                "triage channel %s cannot receive cards (%s): %s; tickets for it wait and are "
                "posted once it works (tried again every %d minutes)",
                channel,
                code,
                fix,
                RETRY_UNUSABLE // 60,
            )


def _became_high(changes: Sequence[Change]) -> bool:
    return any(c.field == "Priority" and squash(c.after) == "high" for c in changes)

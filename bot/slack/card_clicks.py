"""The listeners of a ticket card's buttons and menus: ack at once, then hand the work on.

Slack drops a click not acknowledged within 3 seconds, so each listener acks before any WHMCS
call; the change or refresh runs on the follow-up pool. Edit opens the ticket form with the
click's trigger_id, which expires 3 seconds after the click.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.config import SLACK_USER_ID
from bot.slack import card_values as cv
from bot.slack.blocks import text_message
from bot.slack.card_deps import CardDeps
from bot.slack.card_payload import Click, clicked_action, read_click
from bot.slack.card_reply import Private
from bot.slack.card_work import CardWork
from bot.slack.texts import CARD_EDIT_REFUSED, CARD_UNREADABLE

log = logging.getLogger(__name__)


class CardClicks:
    """Take one click on a card or on its take-over question."""

    def __init__(self, deps: CardDeps) -> None:
        self.deps = deps
        self.work = CardWork(deps)

    def __call__(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Ack the click, then do what it asks."""
        ack()
        click = read_click(body)
        if click is None:
            action = clicked_action(body) or {}
            log.warning("card click %s refused: unreadable payload", action.get("action_id"))
            self._unreadable(body, client)
            return
        # Slack gives every click its own trigger_id: a second sight of one is a replay.
        if click.trigger_id and not self.deps.triggers.first_time(click.trigger_id):
            log.info("user=%s card click refused: trigger_id seen before", click.user)
            return

        work = self.work
        if click.action_id == cv.EDIT:
            self._edit(click, client)
        elif click.action_id == cv.REFRESH:
            self.deps.followups.submit(
                lambda: work.refresh(click, client), lambda: work.failed(click, client)
            )
        else:
            self.deps.followups.submit(
                lambda: work.change(click, client), lambda: work.failed(click, client)
            )

    def _edit(self, click: Click, client: WebClient) -> None:
        """Open the ticket form, which checks on its own that the person may view the ticket."""
        form = self.deps.form
        if form is None or click.trigger_id is None:
            self.work.private(click, client).say(text_message(CARD_EDIT_REFUSED, self.deps.footer))
            return
        log.info("card of ticket=%s: user=%s opens the form", click.ticket_id, click.user)

        def refused() -> None:
            self.work.private(click, client).say(text_message(CARD_EDIT_REFUSED, self.deps.footer))

        form.open(
            client,
            click.trigger_id,
            click.ref.label,
            click.user,
            click.channel,
            on_refused=refused,
        )

    def _unreadable(self, body: dict[str, Any], client: WebClient) -> None:
        """Tell the clicker that the button could not be read, when Slack said who it was."""
        user = (body.get("user") or {}).get("id")
        channel = (body.get("container") or {}).get("channel_id")
        response_url = body.get("response_url")
        if not isinstance(user, str) or not SLACK_USER_ID.fullmatch(user):
            return
        private = Private(
            client,
            user,
            channel if isinstance(channel, str) else None,
            response_url if isinstance(response_url, str) else None,
            self.deps.api_url,
        )
        private.say(text_message(CARD_UNREADABLE, self.deps.footer))


def _ack_link(ack: Ack) -> None:
    """Acknowledge the "Open in WHMCS" link button; the browser opens the page."""
    ack()


def register(app: App, deps: CardDeps) -> None:
    """Attach the listeners of ticket cards to the Bolt app."""
    clicks = CardClicks(deps)
    for action_id in cv.ALL:
        app.action(action_id)(clicks)
    app.action(cv.OPEN_IN_WHMCS)(_ack_link)

"""What ticket cards need from the rest of the bot."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.access import Identity, Unlinked
from bot.settings import DEFAULT_SLACK_API_URL
from bot.slack.answers import Answers
from bot.slack.followup import Followups
from bot.slack.form_open import FormOpener
from bot.slack.pacing import Pacer
from bot.slack.replay import RecentTriggers
from bot.tickets.problems import problem_from_error
from bot.tickets.result import Problem, ProblemKind
from bot.whmcs import WhmcsError


@dataclass(frozen=True)
class CardDeps:
    """The services, pools and settings that posting cards and handling their clicks share.

    Args:
        admin_url: WHMCS's admin area, for the link from a card to its ticket.
        api_url: the Slack Web API in use; a click's response_url must be on Slack's hosts
            (or, for a custom API URL, on its host).
        form: opens the ticket form for Edit; without it cards offer no Edit.
        pacer: makes a click's channel calls (card redraws, thread lines, private answers) in
            order with the channel's other calls, waiting out Slack's rate limits (HTTP 429
            Retry-After); without it a click calls Slack directly.
    """

    answers: Answers
    followups: Followups
    admin_url: str
    timezone: ZoneInfo
    api_url: str = DEFAULT_SLACK_API_URL
    form: FormOpener | None = None
    triggers: RecentTriggers = field(default_factory=RecentTriggers)
    pacer: Pacer | None = None

    def serialised(self, ticket_id: int) -> AbstractContextManager[None]:
        """Hold the ticket's lock, the one commands and forms hold too, while a click is handled.

        A double click, or two people clicking at once, would otherwise read the same ticket
        and both write; held around read, write and card update, the second sees the first.
        """
        return self.answers.service.serialised(ticket_id)

    @property
    def footer(self) -> str | None:
        """Return the footer the bot's messages carry (the sandbox notice), if any."""
        return self.answers.footer

    def identify(self, slack_user: str) -> Identity | Problem:
        """Return whom a Slack user acts as, or the problem that stops them."""
        try:
            found = self.answers.directory.identify(slack_user)
        except WhmcsError as error:
            return problem_from_error(error)
        if isinstance(found, Unlinked):
            return Problem(found.reason, found.hint, ProblemKind.NOT_LINKED)
        return found

"""What the ticket form's listeners need from the rest of the bot."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.slack.answers import Answers
from bot.slack.followup import Followups
from bot.slack.form_revisions import FormRevisions
from bot.slack.replay import RecentTriggers

# Slack drops a view submission or options request not acknowledged within 3 seconds; a form's
# listener waits at most this long for WHMCS before it acks with a "working" view instead.
ACK_WAIT = 2.0
# After acking with a "working" view, wait this long before views.update replaces it.
ACK_SETTLE = 1.0


@dataclass(frozen=True)
class FormDeps:
    """The services, pools and settings the form's listeners share.

    Args:
        slack_calls: a small pool for Slack Web API calls (views.open must not wait behind
            WHMCS work); `followups` runs the WHMCS work.
        signing_secret: the Slack signing secret, which also signs each form's metadata.
        admin_url: WHMCS's admin area, for the "Open in WHMCS" button.
        deadline: seconds after which a form still loading says WHMCS is too slow.
        revisions: the latest revision of each open form, and the revisions saved.
    """

    answers: Answers
    followups: Followups
    slack_calls: Followups
    signing_secret: str
    admin_url: str
    timezone: ZoneInfo
    customfield_labels: Mapping[int, str] = field(default_factory=dict)
    deadline: float = 11.0
    triggers: RecentTriggers = field(default_factory=RecentTriggers)
    ack_wait: float = ACK_WAIT
    ack_settle: float = ACK_SETTLE
    revisions: FormRevisions = field(default_factory=FormRevisions)

    @property
    def footer(self) -> str | None:
        """Return the footer the bot's messages carry (the sandbox notice), if any."""
        return self.answers.footer

"""Build the short views a ticket form turns into: saved, or refused as untrustworthy."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.slack import texts
from bot.slack.blocks import section
from bot.slack.form_inputs import plain_text
from bot.slack.form_views import CALLBACK_ID, TITLE_LIMIT
from bot.slack.mrkdwn import escape, inline
from bot.tickets.result import Problem, ProblemKind

# A permission refusal's hint names who can grant it as Slack mentions; only those are kept.
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def _notice(text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text(texts.FORM_TITLE, TITLE_LIMIT),
        "close": plain_text(texts.FORM_CLOSE, TITLE_LIMIT),
        "blocks": [section(text)],
    }


def build_saved_view(ticket_label: str) -> dict[str, Any]:
    """Return the view that replaces a form saved after it could no longer be closed."""
    return _notice(texts.FORM_SAVED.format(ticket=inline(ticket_label, 100)))


def build_untrusted_view() -> dict[str, Any]:
    """Return the view for a submission whose metadata or submitter does not match its opener."""
    return _notice(texts.FORM_UNTRUSTED)


def problem_lines(problems: Sequence[Problem]) -> str:
    """Return mrkdwn stating each problem and what to do about it."""
    lines = []
    for problem in problems:
        hint = escape(problem.hint)
        if problem.kind is ProblemKind.PERMISSION:
            hint = _ESCAPED_MENTION.sub(r"<@\1>", hint)
        lines.append(f":no_entry: *{escape(problem.message)}*\n{hint}")
    return "\n".join(lines)

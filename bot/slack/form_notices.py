"""Build the short views a ticket form turns into: saved, partly saved, not confirmed, refused."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.slack import form_texts
from bot.slack.blocks import section, ticket_name, update_message
from bot.slack.form_inputs import plain_text
from bot.slack.form_views import (
    BUTTON_TEXT_LIMIT,
    CALLBACK_ID,
    OPEN_ACTION_ID,
    TITLE_LIMIT,
    VIEW_BLOCK_LIMIT,
)
from bot.slack.mrkdwn import escape, inline
from bot.slack.ticket_facts import ticket_url
from bot.tickets.result import Outcome, Problem, ProblemKind, UpdateResult

# A permission refusal's hint names who can grant it as Slack mentions; only those are kept.
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def _notice(text: str, close: str = form_texts.FORM_CLOSE) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain_text(form_texts.FORM_TITLE, TITLE_LIMIT),
        "close": plain_text(close, TITLE_LIMIT),
        "blocks": [section(text)],
    }


def build_saved_view(ticket_label: str) -> dict[str, Any]:
    """Return the view that replaces a form saved after it could no longer be closed."""
    return _notice(form_texts.FORM_SAVED.format(ticket=inline(ticket_label, 100)))


def build_outcome_view(result: UpdateResult, slack_user: str, admin_url: str) -> dict[str, Any]:
    """Return the view for a save WHMCS only partly took, or whose outcome is unknown.

    It says which fields changed, which WHMCS refused or which could not be confirmed, as the
    confirmation message does, with a button to the ticket in WHMCS.
    """
    ticket = result.ticket
    label = inline(ticket_name(ticket), 100) if ticket else "?"
    template = form_texts.FORM_PARTLY_SAVED
    if result.outcome is not Outcome.PARTIAL:
        template = form_texts.FORM_NOT_CONFIRMED
    view = _notice(template.format(ticket=label))
    said = update_message(result, slack_user, result.actor, False, None)["blocks"]
    view["blocks"].extend(said[: VIEW_BLOCK_LIMIT - 2])
    url = ticket_url(admin_url, ticket.id) if ticket else None
    if url:
        button = {
            "type": "button",
            "action_id": OPEN_ACTION_ID,
            "text": plain_text(form_texts.FORM_OPEN_IN_WHMCS, BUTTON_TEXT_LIMIT),
            "url": url,
        }
        view["blocks"].append({"type": "actions", "elements": [button]})
    return view


def build_outdated_view() -> dict[str, Any]:
    """Return the view pushed over a form submitted from a revision that was since reloaded."""
    return _notice(form_texts.FORM_OUTDATED, form_texts.FORM_BACK)


def build_already_saved_view(ticket_ref: str) -> dict[str, Any]:
    """Return the view for a form submitted again after it was saved."""
    return _notice(
        form_texts.FORM_ALREADY_SAVED.format(ticket=inline(ticket_ref, 100)), form_texts.FORM_BACK
    )


def build_untrusted_view() -> dict[str, Any]:
    """Return the view for a submission whose metadata or submitter does not match its opener."""
    return _notice(form_texts.FORM_UNTRUSTED)


def problem_lines(problems: Sequence[Problem]) -> str:
    """Return mrkdwn stating each problem and what to do about it."""
    lines = []
    for problem in problems:
        hint = escape(problem.hint)
        if problem.kind is ProblemKind.PERMISSION:
            hint = _ESCAPED_MENTION.sub(r"<@\1>", hint)
        lines.append(f":no_entry: *{escape(problem.message)}*\n{hint}")
    return "\n".join(lines)

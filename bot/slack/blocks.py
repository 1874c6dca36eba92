"""Build the Block Kit messages the bot sends for `/ticket`.

Slack's limits are enforced here, where blocks are built: header text 150 characters, section
text 3000, 50 blocks per message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from bot.slack import texts
from bot.slack.mrkdwn import cut, escape, inline, plain
from bot.tickets.grammar import GrammarError
from bot.tickets.result import FieldResult, Outcome, Problem, ProblemKind, ShowResult, UpdateResult
from bot.tickets.service import ticket_label
from bot.whmcs import Ticket

Block = dict[str, Any]
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50


def header(text: str) -> Block:
    """Return a header block (plain text, at most 150 characters)."""
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, HEADER_LIMIT)}}


def section(mrkdwn: str) -> Block:
    """Return a section of mrkdwn text (at most 3000 characters)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(mrkdwn, SECTION_LIMIT)}}


def context(mrkdwn: str) -> Block:
    """Return a context block with one line of small mrkdwn text."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(mrkdwn, SECTION_LIMIT)}]}


def message(blocks: Sequence[Block], fallback: str, footer: str | None) -> dict[str, Any]:
    """Wrap blocks into a message with its notification text and the optional footer."""
    items = list(blocks)
    if footer:
        items.append(context(footer))
    if len(items) > MESSAGE_BLOCK_LIMIT:
        items = items[: MESSAGE_BLOCK_LIMIT - 1] + [context("…")]
    # The notification text is mrkdwn too: escape it so no WHMCS text can mention or link.
    return {"text": cut(escape(fallback), SECTION_LIMIT) or "ticketbot", "blocks": items}


def ticket_name(ticket: Ticket) -> str:
    """Return `#ABC-123456 (id 42)` for a ticket."""
    return ticket_label(ticket)


# Anything shaped like an email address; channel messages show none (customers put them in
# subjects).
_EMAIL = re.compile(r"(?<![^\s<>@])[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")


def without_emails(text: str) -> str:
    """Replace anything shaped like an email address with a placeholder."""
    return _EMAIL.sub(texts.CARD_EMAIL_HIDDEN, text)


def _subject_line(ticket: Ticket, public: bool = False) -> str:
    subject = without_emails(ticket.subject) if public else ticket.subject
    return f"*{inline(subject or texts.NO_SUBJECT, 300)}*"


def usage_message(error: GrammarError, footer: str | None) -> dict[str, Any]:
    """Return the answer to a command that could not be parsed."""
    lines = [f":warning: {escape(error.message)}"]
    if error.hint:
        lines.append(escape(error.hint))
    lines.append(texts.USAGE_SEE_HELP)
    return message([section("\n".join(lines))], error.message, footer)


def text_message(text: str, footer: str | None, fallback: str | None = None) -> dict[str, Any]:
    """Return a one-section message whose text is already mrkdwn; `fallback` is plain text."""
    # The notification text is escaped again by message(): give it the text unescaped, so an
    # entity such as `&lt;ticket&gt;` is not shown as written.
    return message([section(text)], fallback or html.unescape(text), footer)


# A permission refusal's hint names who can grant it as Slack mentions; nothing else in it
# comes from outside, so those mentions (and only those) are kept.
_ESCAPED_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def hint_mrkdwn(problem: Problem) -> str:
    """Return a problem's hint as mrkdwn: escaped, with a permission refusal's granters kept."""
    hint = escape(problem.hint)
    if problem.kind is ProblemKind.PERMISSION:
        hint = _ESCAPED_MENTION.sub(r"<@\1>", hint)
    return hint


def _problem_lines(problems: Sequence[Problem]) -> str:
    return "\n".join(f":no_entry: *{escape(p.message)}*\n{hint_mrkdwn(p)}" for p in problems)


def problem_message(
    problem: Problem, footer: str | None, nothing_changed: bool = False
) -> dict[str, Any]:
    """Return a message that states one problem and what to do about it."""
    items = [section(_problem_lines([problem]))]
    if nothing_changed:
        items.append(context(texts.NOTHING_CHANGED))
    return message(items, problem.message, footer)


def _value(text: str | None, limit: int, public: bool = False) -> str:
    if text is None or text == "":
        return "_empty_"
    return inline(without_emails(text) if public else text, limit)


def field_line(change: FieldResult, requester: str, public: bool, limit: int) -> str:
    """Describe one field: before → after, set to, unchanged, unconfirmed, or hidden."""
    label = f"*{escape(change.label)}*"
    if not change.changed:
        # The channel's copy names an unchanged contact detail without its value, too.
        shown = "" if public and change.private else f"{_value(change.after, limit, public)} "
        return f"• {label}: {shown}(unchanged)"
    if public and change.private:
        return f"• {label}: " + texts.HIDDEN.format(user=requester)
    if not change.readable:
        line = texts.SET_TO.format(after=_value(change.after, limit, public))
    else:
        before, after = _value(change.before, limit, public), _value(change.after, limit, public)
        line = f"{before} → {after}"
    if not change.verified:
        line = texts.UNCONFIRMED.format(change=line)
    return f"• {label}: {line}"


def line_sections(lines: Sequence[str]) -> list[Block]:
    """Put whole lines into sections of at most 3000 characters: no line is cut between two."""
    sections: list[Block] = []
    taken: list[str] = []
    for line in lines:
        if taken and sum(len(x) + 1 for x in taken) + len(line) > SECTION_LIMIT:
            sections.append(section("\n".join(taken)))
            taken = []
        taken.append(line)
    if taken:
        sections.append(section("\n".join(taken)))
    return sections


def _field_sections(fields: Sequence[FieldResult], requester: str, public: bool) -> list[Block]:
    """List fields, one line each, over as many sections as Slack's 3000 characters need."""
    return line_sections([cut(field_line(f, requester, public, 700), 1500) for f in fields])


def update_message(
    result: UpdateResult, requester: str, actor: str, public: bool, footer: str | None
) -> dict[str, Any]:
    """Return the answer to an update: a confirmation, a partial result or a refusal.

    Args:
        public: True for the channel's copy, which names private fields without their values.
    """
    ticket = result.ticket
    name = ticket_name(ticket) if ticket else ""
    blocks: list[Block] = []
    if result.outcome is Outcome.DONE:
        title = texts.UPDATED_TITLE.format(ticket=name)
    elif result.outcome is Outcome.PARTIAL:
        title = texts.PARTIAL_TITLE.format(ticket=name)
    elif result.outcome is Outcome.UNKNOWN:
        title = texts.UNKNOWN_TITLE.format(ticket=name)
    elif result.outcome is Outcome.DENIED:
        # Say nothing of a ticket the person may not see: not its number, not its subject.
        title, ticket = texts.DENIED_TITLE, None
    elif ticket is None:
        title = texts.REFUSED_NO_TICKET
    else:
        title = texts.REFUSED_TITLE.format(ticket=name)
    blocks.append(header(title))
    if ticket is not None:
        blocks.append(section(_subject_line(ticket, public)))
    for note in (result.notice, *result.notes):
        if note:
            blocks.append(context(escape(note)))
    if result.outcome is Outcome.UNKNOWN:
        blocks.append(section(texts.UNKNOWN_EXPLAIN.format(reason=escape(result.reason or "?"))))
    elif result.reason:
        blocks.append(context(texts.READ_BACK.format(reason=escape(result.reason))))
    if result.outcome is Outcome.PARTIAL:
        blocks.append(section(texts.PARTIAL_EXPLAIN))
    if result.outcome in (Outcome.DONE, Outcome.PARTIAL, Outcome.UNKNOWN) and result.fields:
        blocks.extend(_field_sections(result.fields, requester, public))
    if result.problems and not public:
        blocks.append(section(_problem_lines(result.problems)))
        if result.outcome in (Outcome.REFUSED, Outcome.DENIED):
            blocks.append(context(texts.NOTHING_CHANGED))
    if result.outcome in (Outcome.DONE, Outcome.PARTIAL):
        blocks.append(context(texts.CHANGED_BY.format(user=requester, admin=escape(actor))))
    return message(blocks, title, footer)


def no_change_message(result: UpdateResult, footer: str | None) -> dict[str, Any]:
    """Return the answer to an update whose values the ticket already had."""
    assert result.ticket is not None
    values = ", ".join(
        texts.ALREADY.format(field=escape(f.label.lower()), value=_value(f.after, 100))
        for f in result.fields
        if f.readable
    )
    name = escape(ticket_name(result.ticket))
    text = texts.NO_CHANGE.format(ticket=name, values=values)
    blocks = [section(text)]
    if result.notice:
        blocks.append(context(escape(result.notice)))
    return message(
        blocks, texts.NO_CHANGE.format(ticket=ticket_name(result.ticket), values="…"), footer
    )


def ticket_message(result: ShowResult, footer: str | None) -> dict[str, Any]:
    """Return `/ticket <ref>`: the ticket's summary, for the person who asked only."""
    if result.ticket is None:
        return message(
            [section(_problem_lines(result.problems))], result.problems[0].message, footer
        )
    ticket = result.ticket
    title = texts.SHOW_TITLE.format(ticket=ticket_name(ticket))
    owner = f"client {ticket.userid}" if ticket.userid > 0 else texts.GUEST
    flagged = inline(result.flagged_to, 100)
    facts = [
        f"*Status*: {inline(ticket.status, 100)}",
        f"*Priority*: {inline(ticket.priority, 100)}",
        f"*Department*: {inline(ticket.deptname, 100)}",
        f"*Flag*: {flagged}",
        f"*From*: {inline(ticket.name, 100)} ({owner})",
        f"*Created*: {inline(ticket.date, 40)}",
        f"*Last reply*: {inline(ticket.lastreply, 40)}",
    ]
    blocks = [header(title), section(_subject_line(ticket)), section("\n".join(facts))]
    if result.notice:
        blocks.append(context(escape(result.notice)))
    if ticket.message:
        blocks.append(section(texts.SHOW_OPENING.format(message=cut(escape(ticket.message), 2000))))
    return message(blocks, title, footer)

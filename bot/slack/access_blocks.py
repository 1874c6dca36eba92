"""Build the messages about people: help for what they may run, whoami, history, unlinked."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from bot.access import Identity, Unlinked
from bot.slack import texts
from bot.slack.blocks import Block, context, header, line_sections, message, section
from bot.slack.mrkdwn import cut, escape, inline
from bot.store import AuditEntry

HISTORY_LIMIT = 15
HISTORY_LINE_LIMIT = 1500  # the line's mention of who acted comes first, so a cut keeps it
PRIVATE_LABELS = {"Name", "Email", "CC", "Opening message"}
# Which help line each permission unlocks.
HELP_ACTIONS = {
    "status": ("status",),
    "priority": ("priority",),
    "dept": ("dept",),
    "subject": ("subject",),
    "flag": ("flag_self", "flag_others", "unflag_self", "unflag_others"),
    "contact": ("contact",),
    "client": ("client",),
    "created": ("created",),
    "message": ("message",),
    "markdown": ("markdown",),
    "customfields": ("customfields",),
    "client_close": ("client_close",),
}


def help_message(allowed: Collection[str] | None, footer: str | None) -> dict[str, Any]:
    """Return `/ticket help`, listing only the fields the person may change when that is known.

    Args:
        allowed: the person's permissions, or None when who they are is not known yet.
    """
    if allowed is None:
        lines = [texts.HELP_UNKNOWN_ROLE, *texts.HELP_FIELD_LINES.values()]
    else:
        shown = [
            line
            for key, line in texts.HELP_FIELD_LINES.items()
            if any(action in allowed for action in HELP_ACTIONS[key])
        ]
        lines = [texts.HELP_YOU_MAY, *shown] if shown else [texts.HELP_NOTHING]
    examples = [
        line
        for needs, line in texts.HELP_EXAMPLES
        if allowed is None or all(action in allowed for action in needs)
    ]
    blocks = [
        header(texts.HELP_TITLE),
        section(texts.HELP_USAGE),
        section("\n".join(lines)),
        section(texts.HELP_VALUES + "\n" + texts.HELP_MORE),
    ]
    if examples:
        blocks.append(section("\n".join([texts.HELP_EXAMPLES_TITLE, *examples])))
    return message(blocks, texts.HELP_TITLE, footer)


def action_words(actions: Iterable[str]) -> str:
    """Say in plain words what a set of permissions lets someone do."""
    return "; ".join(texts.ACTION_WORDS[a] for a in texts.ACTION_WORDS if a in set(actions))


def whoami_message(
    identity: Identity,
    allowed: Collection[str],
    departments: Sequence[str],
    department_scope: bool,
    footer: str | None,
) -> dict[str, Any]:
    """Return `/ticket whoami`: the admin, how the match was made, role, departments, rights."""
    admin = identity.admin
    title = texts.WHOAMI_TITLE.format(admin=admin.full_name, admin_id=admin.id)
    facts = [
        texts.WHOAMI_ROLE.format(role=escape(identity.role)),
        texts.WHOAMI_DEPARTMENTS.format(departments=inline(", ".join(departments), 1500))
        if departments
        else texts.WHOAMI_NO_DEPARTMENTS,
    ]
    if not department_scope:
        facts[-1] += texts.WHOAMI_ANY_DEPARTMENT
    words = action_words(allowed)
    facts.append(texts.WHOAMI_MAY.format(actions=words) if words else texts.WHOAMI_MAY_NOTHING)
    blocks: list[Block] = [
        header(title),
        context(texts.WHOAMI_HOW[identity.how]),
        section("\n".join(facts)),
    ]
    return message(blocks, title, footer)


def unlinked_message(unlinked: Unlinked, footer: str | None) -> dict[str, Any]:
    """Return the answer to someone ticketbot cannot act for, with what to ask for."""
    text = f"*{escape(unlinked.reason)}*\n{escape(unlinked.hint)}"
    return message([header(texts.UNLINKED_TITLE), section(text)], texts.UNLINKED_TITLE, footer)


def _changes(entry: AuditEntry) -> str:
    asked = entry.outcome not in ("done", "partial")
    parts = []
    for change in entry.changes:
        if change.field in PRIVATE_LABELS:
            parts.append(f"{escape(change.field)} {texts.HISTORY_HIDDEN}")
        elif change.before is None:
            parts.append(f"{escape(change.field)} set to {inline(change.after, 80)}")
        else:
            parts.append(
                f"{escape(change.field)} {inline(change.before, 80)} → {inline(change.after, 80)}"
            )
    listed = "; ".join(parts) or "-"
    return texts.HISTORY_ASKED.format(changes=listed) if asked and parts else listed


def history_message(
    ticket_name: str, entries: Sequence[AuditEntry], footer: str | None
) -> dict[str, Any]:
    """Return `/ticket <ref> history`: the newest attempts from Slack, newest first."""
    title = texts.HISTORY_TITLE.format(ticket=ticket_name)
    if not entries:
        return message([header(title), section(texts.HISTORY_NONE)], title, footer)
    lines = [
        cut(
            texts.HISTORY_LINE.format(
                at=entry.at.replace("T", " ").removesuffix("Z") + " UTC",
                user=entry.slack_user,
                outcome=texts.OUTCOME_WORDS.get(entry.outcome, escape(entry.outcome)),
                source=texts.HISTORY_SOURCES.get(entry.source, escape(entry.source)),
                changes=_changes(entry) if entry.changes else inline(entry.detail or "-", 300),
            ),
            HISTORY_LINE_LIMIT,
        )
        for entry in entries[:HISTORY_LIMIT]
    ]
    return message([header(title), *line_sections(lines)], title, footer)

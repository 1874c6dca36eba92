"""Save a submitted ticket form: re-read the ticket, guard others' changes, write, say what came.

The write goes through the same service and permission gate as `/ticket`. A field someone
changed in WHMCS while the form was open is never overwritten silently: nothing is saved and
the form comes back showing the new value. The ticket's lock is held from the re-read to the
write, so two saves of one ticket (two people, or a double click) run one after the other,
and the second sees the first's change.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from bot.access import Identity
from bot.slack import form_fields as ff
from bot.slack import form_texts, texts, trail
from bot.slack.blocks import ticket_name
from bot.slack.form_again import block_ids, clean, filled_in, refilled, renamed, with_notes
from bot.slack.form_deps import FormDeps
from bot.slack.form_fill import FormFiller
from bot.slack.form_notices import (
    build_already_saved_view,
    build_outcome_view,
    build_outdated_view,
    problem_lines,
)
from bot.slack.form_opened import Opened
from bot.slack.form_state import read_submission
from bot.slack.form_submission import NO_CHANGE_DETAIL, SaveOutcome, Submission, refusal_record
from bot.slack.gate import make_gate
from bot.slack.mrkdwn import inline, plain
from bot.tickets import hints
from bot.tickets.fields import client_label
from bot.tickets.grammar import FieldChange, UpdateRequest
from bot.tickets.problems import problem_from_error
from bot.tickets.refs import TicketRef
from bot.tickets.result import Outcome, Problem, ProblemKind, UpdateResult
from bot.whmcs import Ticket, WhmcsError

log = logging.getLogger(__name__)

View = dict[str, Any]
ERROR_LIMIT = 500
# A change to one field, as the input that holds it; an unflag clashes with a new flag.
_CHANGE_BLOCKS = {"created": "created_date", "client-close": "client_close", "unflag": "flag"}
_PROBLEM_BLOCKS = {"created": "created_date", "client-close": "client_close"}
# Inputs that show the same value as another, and must be renamed with it.
_COMPANIONS = {"created_date": ("created_time",), "flag": ("unflag",)}
# WHMCS's own refusals, which name no field, by the field they are about.
_REFUSAL_BLOCKS = {
    hints.PRIORITY_INVALID: "priority",
    hints.DEPARTMENT_NOT_FOUND: "dept",
    hints.FLAG_ADMIN_INVALID: "flag",
    hints.DATE_INVALID: "created_date",
    hints.DATE_IN_FUTURE: "created_date",
    hints.GUEST_NEEDS_CONTACT: "client",
    hints.EMAIL_INVALID: "email",
    hints.CLIENT_NOT_FOUND: "client",
}
# Outcomes that close the form, and those that replace it with what is known of the ticket.
_CLOSING = (Outcome.DONE, Outcome.NO_CHANGE)
_UNCLEAR = (Outcome.PARTIAL, Outcome.UNKNOWN)


def change_blocks(changes: Collection[FieldChange]) -> set[str]:
    """Return the inputs that hold these changes."""
    blocks = set()
    for change in changes:
        if change.field == "customfield" and change.custom_field_id is not None:
            blocks.add(ff.customfield_block(change.custom_field_id))
        else:
            blocks.add(_CHANGE_BLOCKS.get(change.field, change.field))
    return blocks


def problem_block(problem: Problem) -> str | None:
    """Return the input a refusal is about, or None when it is about none."""
    if problem.field is not None:
        return _PROBLEM_BLOCKS.get(problem.field, problem.field)
    if problem.message.startswith("Invalid Ticket Status"):
        return "status"
    return _REFUSAL_BLOCKS.get(problem.message)


def keep_seconds(changes: tuple[FieldChange, ...], date: str) -> tuple[FieldChange, ...]:
    """Keep the seconds of the created time when the person changed only the date.

    Slack's time picker has no seconds, so a created time whose hours and minutes are as
    they were keeps the seconds WHMCS had.
    """
    seconds = date[16:19] if len(date) >= 19 and date[16] == ":" else ""
    kept = []
    for change in changes:
        if change.field == "created" and seconds and change.value[11:16] == date[11:16]:
            change = FieldChange("created", change.value + seconds)
        kept.append(change)
    return tuple(kept)


class FormSave:
    """Do the WHMCS work of one submitted ticket form."""

    def __init__(self, deps: FormDeps, filler: FormFiller) -> None:
        self.deps = deps
        self.filler = filler

    def _record(
        self,
        sub: Submission,
        admin_id: int | None,
        outcome: str,
        detail: str,
        entry_id: int | None = None,
    ) -> None:
        store = self.deps.answers.store
        trail.record_failure(
            store, sub.meta.user, admin_id, sub.ref, outcome, detail, "form", entry_id
        )

    def record_refusal(self, sub: Submission, outcome: str, detail: str) -> None:
        """Record a submission refused in its ack, as the admin the form was filled for."""
        self._record(sub, sub.meta.admin_id, outcome, detail)

    def superseded(self, sub: Submission) -> tuple[SaveOutcome, str] | None:
        """Return the answer to a form out of date or saved already, with the record's detail.

        The bot keeps the latest revision it issued for each view and the revisions saved:
        only the latest may be saved, and only once (a replay would write again).
        """
        revisions, revision = self.deps.revisions, sub.meta.revision
        if revisions.outdated(sub.view_id, revision):
            latest = revisions.latest(sub.view_id)
            detail = f"form out of date: revision {revision}, latest {latest}"
            return SaveOutcome(view=build_outdated_view(), push=True), detail
        if revisions.saved(sub.view_id, revision):
            view = build_already_saved_view(sub.ref)
            return SaveOutcome(view=view, push=True), "form saved already"
        return None

    def run(self, sub: Submission) -> SaveOutcome:
        """Check the submission, re-read the ticket, and write the changes if nothing clashes."""
        answers = self.deps.answers
        identity = self.filler.identify(sub.meta.user)
        if isinstance(identity, Problem):
            linked = identity.kind is not ProblemKind.NOT_LINKED
            self._record(sub, None, "failed" if linked else "unlinked", identity.message)
            return self.marked(sub, problem_lines([identity]))
        admin_id = identity.admin.id
        changes, errors = read_submission(sub.values, sub.opened, answers.policy.allowed(identity))
        if errors:
            self._record(sub, admin_id, *refusal_record(errors))
            return self.marked(sub, None, errors, under_inputs=True)
        if not changes:
            self._record(sub, admin_id, "no_change", NO_CHANGE_DETAIL)
            return self.marked(sub, form_texts.FORM_NOTHING_TO_SAVE)
        with answers.service.serialised(sub.opened.ticket_id):
            return self._save(sub, identity, changes)

    def _save(
        self, sub: Submission, identity: Identity, changes: tuple[FieldChange, ...]
    ) -> SaveOutcome:
        """Re-read, check for clashes and write, holding the ticket's lock."""
        answers, admin_id = self.deps.answers, identity.admin.id
        superseded = self.superseded(sub)
        if superseded is not None:
            self._record(sub, admin_id, "refused", superseded[1])
            return superseded[0]
        try:
            fresh = answers.service.client.get_ticket(ticket_id=sub.opened.ticket_id)
        except WhmcsError as error:
            problem = problem_from_error(error)
            self._record(sub, admin_id, "failed", problem.message)
            return self.marked(sub, problem_lines([problem]))
        others = Opened.from_ticket(fresh).differences(sub.opened)
        clashes = [block for block in others if block in change_blocks(changes)]
        if clashes:
            log.info("ticket form ticket=%s clashes with WHMCS on %s", fresh.id, ",".join(clashes))
            self._record(
                sub, admin_id, "refused", "changed in WHMCS meanwhile: " + ",".join(clashes)
            )
            return self.again(
                sub, identity, fresh, others, clashes, form_texts.FORM_CHANGED_MEANWHILE
            )

        changes = keep_seconds(changes, fresh.date)
        request = UpdateRequest(TicketRef(sub.ref, sub.opened.ticket_id, None), changes)
        gate = make_gate(answers.policy, identity, sub.meta.channel)
        entry_id = trail.begin(answers.store, sub.meta.user, admin_id, sub.ref, "form")
        try:
            result = answers.service.update(request, identity.admin, sub.requester, gate)
        except Exception:
            self._record(sub, admin_id, "failed", "internal error", entry_id)
            raise
        trail.record_update(
            answers.store, sub.meta.user, admin_id, sub.ref, result, "form", entry_id
        )
        answers.keep_cards(result, sub.meta.user)
        if result.outcome in _CLOSING or result.outcome in _UNCLEAR:
            self.deps.revisions.mark_saved(sub.view_id, sub.meta.revision)
        if result.outcome in _UNCLEAR:
            view = build_outcome_view(result, sub.meta.user, self.deps.admin_url)
            return SaveOutcome(result=result, view=view)
        if result.outcome in _CLOSING:
            return SaveOutcome(result=result)
        return self.refused(sub, identity, fresh, others, result)

    def refused(
        self,
        sub: Submission,
        identity: Identity,
        fresh: Ticket,
        others: Collection[str],
        result: UpdateResult,
    ) -> SaveOutcome:
        """Show refusals under their inputs, and the others (WHMCS down, access) as a banner."""
        shown = block_ids(sub.view)
        notes: dict[str, str] = {}
        loose: list[Problem] = []
        for problem in result.problems:
            block = problem_block(problem)
            if block in shown and problem.kind is ProblemKind.INPUT and block not in notes:
                notes[block] = _sentence(problem)
            else:
                loose.append(problem)
        banner = form_texts.FORM_NOT_SAVED.format(ticket=inline(ticket_name(fresh), 100))
        if loose:
            banner += "\n" + problem_lines(loose)
        if others:
            return self.again(sub, identity, fresh, others, (), banner, notes)
        return self.marked(sub, banner, notes, under_inputs=not loose)

    def marked(
        self,
        sub: Submission,
        banner: str | None,
        notes: Mapping[str, str] | None = None,
        under_inputs: bool = False,
    ) -> SaveOutcome:
        """Return the submitted form again, the person's entries kept, with a banner and notes.

        With `under_inputs`, an ack in time shows the notes as errors under their inputs instead.
        """
        notes = dict(notes or {})
        view = with_notes(refilled(clean(sub.view), sub.values), banner, notes)
        shown = block_ids(sub.view)
        errors = None
        if notes and under_inputs and all(block in shown for block in notes):
            errors = {shown[block]: plain(note, ERROR_LIMIT) for block, note in notes.items()}
        return SaveOutcome(view=view, errors=errors)

    def again(
        self,
        sub: Submission,
        identity: Identity,
        fresh: Ticket,
        others: Collection[str],
        clashes: Collection[str],
        banner: str,
        notes: Mapping[str, str] | None = None,
    ) -> SaveOutcome:
        """Return the form filled anew from the ticket, fields changed meanwhile marked."""
        flagged = self._flagged_name(fresh)
        marked = {
            block: (
                form_texts.FORM_CLASHED if block in clashes else form_texts.FORM_CHANGED
            ).format(now=_now(block, fresh, flagged))
            for block in others
        }
        marked.update(notes or {})
        revision = sub.meta.revision + 1
        try:
            meta = replace(sub.meta, revision=revision)
            view = self.filler.form(fresh, identity, meta, entered=filled_in(sub.values))
        except WhmcsError as error:
            return self.marked(sub, problem_lines([problem_from_error(error)]))
        moved = set(others) | {c for block in others for c in _COMPANIONS.get(block, ())}
        view = refilled(renamed(view, moved, revision), sub.values, keep=moved)
        return SaveOutcome(view=with_notes(view, banner, marked))

    def _flagged_name(self, ticket: Ticket) -> str:
        if ticket.flag <= 0:
            return texts.UNFLAGGED
        try:
            admin = self.deps.answers.service.catalog.admin(ticket.flag)
        except WhmcsError:
            admin = None
        return admin.full_name if admin else form_texts.FORM_ADMIN_ID.format(id=ticket.flag)


def _sentence(problem: Problem) -> str:
    """Join a refusal and its hint into one plain text."""
    message = problem.message.strip()
    stop = "" if message.endswith((".", "!", "?")) else "."
    return f"{message}{stop} {problem.hint}".strip()


def _now(block: str, ticket: Ticket, flagged: str) -> str:
    """Say what a field holds now, for the note under its input ("" for the opening message)."""
    values = {
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "dept": ticket.deptname or form_texts.FORM_DEPARTMENT_ID.format(id=ticket.deptid),
        "flag": flagged,
        "client": client_label(ticket.userid),
        "name": ticket.name,
        "email": ticket.email,
        "cc": ticket.cc,
        "created_date": ff.shown_created(ticket.date),
    }
    value = ff.shown_line(values.get(block, ""), 100)
    return form_texts.FORM_NOW.format(value=value) if value else ""

"""Fill a ticket form: read the ticket and the lists it needs, check the person may view it."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from bot.access import Identity, Unlinked
from bot.slack import form_texts
from bot.slack.blocks import hint_mrkdwn
from bot.slack.form_deps import FormDeps
from bot.slack.form_opened import Opened
from bot.slack.form_seal import FormMeta, seal
from bot.slack.form_views import build_failed_view, build_form_view
from bot.slack.gate import make_gate
from bot.slack.mrkdwn import escape
from bot.tickets.problems import problem_from_error
from bot.tickets.refs import parse_ticket_ref
from bot.tickets.result import Problem, ProblemKind
from bot.tickets.service import RefusedError
from bot.whmcs import Ticket, WhmcsError

log = logging.getLogger(__name__)

View = dict[str, Any]


class FormFiller:
    """Build the ticket form for the person who opened it, or the view that says why not."""

    def __init__(self, deps: FormDeps) -> None:
        self.deps = deps

    def identify(self, slack_user: str) -> Identity | Problem:
        """Return whom a Slack user acts as, or the problem that stops them."""
        try:
            found = self.deps.answers.directory.identify(slack_user)
        except WhmcsError as error:
            return problem_from_error(error)
        if isinstance(found, Unlinked):
            return Problem(found.reason, found.hint, ProblemKind.NOT_LINKED)
        return found

    def view_for(self, meta: FormMeta) -> View:
        """Return the form for the ticket `meta` names, if the person may view it."""
        answers = self.deps.answers
        identity = self.identify(meta.user)
        if isinstance(identity, Problem):
            return self.failed(meta, identity)
        ref = parse_ticket_ref(meta.ref)
        if ref is None:
            return self.failed(meta, Problem(form_texts.FORM_REF_INVALID, form_texts.FORM_REF_HINT))
        try:
            ticket, notice = answers.service.resolve(ref)
        except RefusedError as refused:
            return self.failed(meta, refused.problems[0])
        except WhmcsError as error:
            return self.failed(meta, problem_from_error(error))
        denial = make_gate(answers.policy, identity, meta.channel)(ticket, frozenset({"view"}))
        if denial is not None:
            log.info("ticket form user=%s not shown ticket=%s: denied", meta.user, ticket.id)
            return self.failed(meta, denial)
        try:
            view = self.form(ticket, identity, meta, escape(notice) if notice else None)
        except WhmcsError as error:
            return self.failed(meta, problem_from_error(error))
        log.info("ticket form user=%s shows ticket=%s", meta.user, ticket.id)
        return view

    def form(
        self,
        ticket: Ticket,
        identity: Identity,
        meta: FormMeta,
        banner: str | None = None,
        marked: Mapping[str, str] | None = None,
        entered: Collection[str] = (),
    ) -> View:
        """Return the form for a ticket already read; raise WhmcsError when a list cannot be.

        Once `meta` names its view, the form becomes that view's latest revision: a submission
        of an earlier one is refused.
        """
        deps = self.deps
        catalog = deps.answers.service.catalog
        statuses = [status.title for status in catalog.statuses.get()]
        departments = catalog.departments.get()
        flagged = catalog.admin(ticket.flag) if ticket.flag > 0 else None
        opened = Opened.from_ticket(ticket)
        sealed = replace(meta, ticket_id=ticket.id, opened=opened, admin_id=identity.admin.id)
        view = build_form_view(
            ticket,
            statuses,
            departments,
            deps.answers.policy.allowed(identity),
            identity.admin.id,
            flagged.full_name if flagged else "",
            deps.timezone,
            deps.customfield_labels,
            seal(sealed, deps.signing_secret),
            deps.admin_url,
            banner=banner,
            marked=marked,
            entered=entered,
        )
        if meta.view_id is not None:
            deps.revisions.issue(meta.view_id, meta.revision)
        return view

    def failed(self, meta: FormMeta, problem: Problem) -> View:
        """Return the view that states a problem, with "Try again" to load the ticket anew."""
        log.info("ticket form user=%s ref=%s failed: %s", meta.user, meta.ref, problem.kind.value)
        blank = replace(meta, ticket_id=None, opened=None, admin_id=None)
        return build_failed_view(
            problem.message,
            hint_mrkdwn(problem),
            seal(blank, self.deps.signing_secret),
            hint_is_mrkdwn=True,
        )

    def too_slow(self, meta: FormMeta) -> View:
        """Return the view for a ticket WHMCS did not deliver in time."""
        message = form_texts.FORM_TOO_SLOW.format(seconds=self.deps.deadline)
        return self.failed(
            meta, Problem(message, form_texts.FORM_TOO_SLOW_HINT, ProblemKind.UNAVAILABLE)
        )

    def broken(self, meta: FormMeta) -> View:
        """Return the view for a fill that failed unexpectedly."""
        return self.failed(meta, Problem(form_texts.FORM_BROKEN, form_texts.FORM_BROKEN_HINT))

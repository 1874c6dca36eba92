"""Serve the options of the ticket form's external selects: whom to flag, which department."""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Any

from slack_bolt import Ack, App

from bot.access import ALL, Identity
from bot.slack import form_fields as ff
from bot.slack import form_texts
from bot.slack.form_again import base_block_id
from bot.slack.form_deps import FormDeps
from bot.slack.form_fill import FormFiller
from bot.slack.form_handoff import Handoff
from bot.slack.form_inputs import option
from bot.slack.form_seal import FormMeta, unseal
from bot.slack.form_views import CALLBACK_ID
from bot.tickets.fields import squash
from bot.whmcs import Admin, Department, WhmcsError

log = logging.getLogger(__name__)

Option = dict[str, Any]
# Slack shows at most 100 options in an external select.
OPTIONS_LIMIT = 100
QUERY_LIMIT = 100
# The external selects of the form; every other block gets no options.
_SERVED = ("flag", "dept")


def _has(allowed: Collection[str], action: str) -> bool:
    return ALL in allowed or action in allowed


def flag_options(
    identity: Identity, allowed: Collection[str], admins: Sequence[Admin], query: str
) -> list[Option]:
    """Return "me" first, then the enabled admins whose name or username holds the typed words.

    Only "me" when the person may flag tickets to themselves alone.
    """
    me = identity.admin
    options: list[Option] = []
    if _has(allowed, "flag_self"):
        options.append(option(form_texts.FORM_FLAG_ME.format(name=me.full_name), ff.ME))
    if not _has(allowed, "flag_others"):
        return options
    words = query.casefold().split()
    for admin in admins:
        if admin.disabled or admin.id == me.id or admin.id <= 0:
            continue
        names = f"{admin.full_name} {admin.username}".casefold()
        if all(word in names for word in words):
            shown = admin.full_name
            if admin.username and admin.username != admin.full_name:
                shown = form_texts.FORM_ADMIN_OPTION.format(
                    name=admin.full_name, username=admin.username
                )
            options.append(
                option(shown, str(admin.id), form_texts.FORM_ADMIN_ID.format(id=admin.id))
            )
        if len(options) >= OPTIONS_LIMIT:
            break
    return options[:OPTIONS_LIMIT]


def department_options(departments: Sequence[Department], query: str) -> list[Option]:
    """Return the departments whose name holds the typed text, or whose id it is."""
    wanted, typed = squash(query), query.strip()
    options: list[Option] = []
    for department in departments:
        if department.id <= 0:
            continue
        if wanted and wanted not in squash(department.name) and typed != str(department.id):
            continue
        fallback = form_texts.FORM_DEPARTMENT_ID.format(id=department.id)
        options.append(option(department.name or fallback, str(department.id), fallback))
        if len(options) >= OPTIONS_LIMIT:
            break
    return options


class FormOptions:
    """Answer Slack's requests for the options of the flag and department selects."""

    def __init__(self, deps: FormDeps) -> None:
        self.deps = deps
        self.filler = FormFiller(deps)

    def __call__(self, ack: Ack, body: dict[str, Any]) -> None:
        """Answer one options request within Slack's 3 seconds; "me" alone if WHMCS is slow.

        Options are served only for a filled form (its signed metadata names the ticket and
        the values it showed, and the view), to the person who opened it, and only if they may
        still view that ticket and change the field; anyone else gets an empty list.
        """
        view = body.get("view") or {}
        user = (body.get("user") or {}).get("id")
        meta = unseal(view.get("private_metadata"), self.deps.signing_secret)
        field = base_block_id(str(body.get("block_id") or ""))
        if (
            view.get("callback_id") != CALLBACK_ID
            or meta is None
            or meta.user != user
            or meta.opened is None
            or meta.ticket_id is None
            or meta.view_id != view.get("id")
        ):
            log.warning("options request from user=%s refused: metadata mismatch", user)
            ack(options=[])
            return
        if field not in _SERVED:
            ack(options=[])
            return
        query = str(body.get("value") or "")[:QUERY_LIMIT]
        handoff: Handoff[list[Option]] = Handoff()
        filled = meta

        def job() -> None:
            handoff.offer(self._options(filled, field, query))

        def failed() -> None:
            handoff.offer([])

        self.deps.followups.submit(job, failed)
        found = handoff.wait(self.deps.ack_wait)
        if found is None:
            # The form was filled for this person, who was let view the ticket then, and it
            # shows the flag select only to those who may flag; a save checks again.
            log.warning("options for block=%s not ready in time", field)
            found = (
                [option(form_texts.FORM_FLAG_ME.format(name="you"), ff.ME)]
                if field == "flag"
                else []
            )
        ack(options=found)

    def _options(self, meta: FormMeta, field: str, query: str) -> list[Option]:
        catalog = self.deps.answers.service.catalog
        policy = self.deps.answers.policy
        try:
            identity = self.filler.identify(meta.user)
            if not isinstance(identity, Identity) or meta.opened is None:
                return []
            allowed = policy.allowed(identity)
            if not ff.may_edit(field, allowed):
                return []
            # The department the form showed: an options request reads no ticket.
            decision = policy.decide(identity, ("view",), meta.opened.deptid, "", meta.channel)
            if not decision.allowed:
                return []
            if field == "dept":
                return department_options(catalog.departments.get(), query)
            return flag_options(identity, allowed, catalog.admins.get(), query)
        except WhmcsError as error:
            log.warning("options for block=%s unavailable: %s", field, type(error).__name__)
            return []


def register(app: App, options: FormOptions) -> None:
    """Attach the options listener of the form's external selects to the Bolt app."""
    app.block_suggestion(ff.ACTION_ID)(options)

"""Take a submitted ticket form: refuse what needs no WHMCS in the ack, then save and confirm.

Slack waits 3 seconds for a view submission's ack. The listener waits up to ACK_WAIT for the
save: done in time, the ack closes the form (or shows what to fix); otherwise the ack shows a
"saving" view and the outcome follows through views.update.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import blocks, form_texts, trail
from bot.slack import form_fields as ff
from bot.slack.form_again import block_ids, normalized_values
from bot.slack.form_deps import FormDeps
from bot.slack.form_handoff import Handoff
from bot.slack.form_notices import build_saved_view, build_untrusted_view
from bot.slack.form_open import FormOpener
from bot.slack.form_save import FormSave
from bot.slack.form_seal import unseal
from bot.slack.form_state import read_submission
from bot.slack.form_submission import NO_CHANGE_DETAIL, SaveOutcome, Submission, refusal_record
from bot.slack.form_views import CALLBACK_ID, build_saving_view
from bot.tickets.result import Outcome, UpdateResult

log = logging.getLogger(__name__)


class FormSubmit:
    """Handle the submission of a ticket form."""

    def __init__(self, deps: FormDeps, opener: FormOpener) -> None:
        self.deps = deps
        self.opener = opener
        self.save = FormSave(deps, opener.filler)

    def __call__(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Check and ack one submission; save it on the follow-up pool.

        Nothing here calls WHMCS: the ack must reach Slack within 3 seconds however slow WHMCS
        is. A refusal is recorded as the admin the form was filled for.
        """
        view = body.get("view") or {}
        user = body.get("user") or {}
        user_id = str(user.get("id") or "")
        view_id = str(view.get("id") or "")
        meta = unseal(view.get("private_metadata"), self.deps.signing_secret)
        if meta is None or meta.user != user_id or meta.opened is None or meta.view_id != view_id:
            log.warning("ticket form from user=%s refused: metadata or opener mismatch", user_id)
            ref = str(meta.ticket_id or meta.ref) if meta else "?"
            detail = "the form's metadata did not match its signature, its opener or its view"
            store = self.deps.answers.store
            trail.record_failure(store, user_id, None, ref, "refused", detail, "form")
            ack(response_action="update", view=build_untrusted_view())
            return

        user_name = str(user.get("username") or user.get("name") or "")
        values = normalized_values((view.get("state") or {}).get("values"))
        sub = Submission(meta, meta.opened, view, values, user_name)
        superseded = self.save.superseded(sub)
        if superseded is not None:
            log.info("ticket form view=%s refused: %s", view_id, superseded[1])
            self.save.record_refusal(sub, "refused", superseded[1])
            ack(**superseded[0].ack_args())
            return
        # What needs no WHMCS call is refused in the ack itself, under its input. The inputs
        # the form shows are what the person's role allowed when it opened; WHMCS is asked
        # again after the ack.
        offered = {action for block in block_ids(view) for action in ff.block_actions(block)}
        changes, errors = read_submission(values, meta.opened, offered)
        if errors:
            self.save.record_refusal(sub, *refusal_record(errors))
            ack(**self.save.marked(sub, None, errors, under_inputs=True).ack_args())
            return
        if not changes:
            self.save.record_refusal(sub, "no_change", NO_CHANGE_DETAIL)
            ack(**self.save.marked(sub, form_texts.FORM_NOTHING_TO_SAVE).ack_args())
            return

        handoff: Handoff[SaveOutcome] = Handoff()

        def job() -> None:
            try:
                outcome = self.save.run(sub)
            except Exception:
                log.exception("saving the ticket form of user=%s failed", user_id)
                outcome = self.save.marked(sub, form_texts.FORM_SAVE_BROKEN)
            self._deliver(client, sub, view_id, handoff, outcome)

        self.deps.followups.submit(job, _nothing)
        outcome = handoff.wait(self.deps.ack_wait)
        if outcome is None:
            saving = build_saving_view(meta.ref, str(view.get("private_metadata") or ""))
            ack(response_action="update", view=saving)
        else:
            ack(**outcome.ack_args())

    def _deliver(
        self,
        client: WebClient,
        sub: Submission,
        view_id: str,
        handoff: Handoff[SaveOutcome],
        outcome: SaveOutcome,
    ) -> None:
        """Hand the outcome to the waiting ack, or show it with views.update; then confirm."""
        # A pushed notice is only for the ack: the view already shows the newer state.
        if not handoff.offer(outcome) and not outcome.push:
            handoff.settle(self.deps.ack_settle)
            late = outcome.view
            if late is None:
                ticket = outcome.result.ticket if outcome.result else None
                late = build_saved_view(blocks.ticket_name(ticket) if ticket else sub.meta.ref)
            self.opener.update(client, view_id, late)
        if outcome.result is not None:
            self.confirm(client, sub, outcome.result)

    def confirm(self, client: WebClient, sub: Submission, result: UpdateResult) -> None:
        """Tell the person what changed: in the form's channel only to them, else by DM."""
        footer = self.deps.footer
        if result.outcome is Outcome.NO_CHANGE and result.ticket is not None:
            message = blocks.no_change_message(result, footer)
        else:
            message = blocks.update_message(result, sub.meta.user, result.actor, False, footer)
        user, channel = sub.meta.user, sub.meta.channel
        if channel:
            try:
                client.chat_postEphemeral(channel=channel, user=user, **message)
                return
            except SlackApiError as error:
                log.info(
                    "confirmation in channel=%s refused (%s); sending it by direct message",
                    channel,
                    error.response.get("error"),
                )
            except OSError as error:
                log.warning("confirmation in channel=%s failed: %s", channel, type(error).__name__)
        try:
            client.chat_postMessage(channel=user, **message)
        except (SlackApiError, OSError) as error:
            log.warning("confirmation to user=%s failed: %s", user, type(error).__name__)


def _nothing() -> None:
    """The job handles its own failures."""


def register(app: App, submit: FormSubmit) -> None:
    """Attach the ticket form's submission listener to the Bolt app."""
    app.view(CALLBACK_ID)(submit)

"""Open the ticket form: from `/ticket 42`, the two shortcuts, the ticket picker and "Try again".

trigger_id expires 3 seconds after the click, so views.open goes first, with a loading view,
on a pool of its own; the ticket is read on the follow-up pool and fills the view after.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import form_texts
from bot.slack.form_deps import FormDeps
from bot.slack.form_fill import FormFiller
from bot.slack.form_handoff import Handoff, Once
from bot.slack.form_notices import build_untrusted_view
from bot.slack.form_refs import message_text, refs_in_message
from bot.slack.form_seal import FormMeta, seal, unseal
from bot.slack.form_views import (
    OPEN_ACTION_ID,
    REF_BLOCK_ID,
    REF_CALLBACK_ID,
    RETRY_ACTION_ID,
    build_loading_view,
    build_pick_view,
    build_ref_view,
)
from bot.slack.pacing import retry_after
from bot.tickets.refs import parse_ticket_ref

log = logging.getLogger(__name__)

View = dict[str, Any]
GLOBAL_SHORTCUT = "update_ticket"
MESSAGE_SHORTCUT = "update_ticket_from_message"


def _nothing() -> None:
    """Do nothing more when a Slack call fails: the pool has logged it."""


class FormOpener:
    """Open ticket forms and fill them once WHMCS has answered."""

    def __init__(self, deps: FormDeps) -> None:
        self.deps = deps
        self.filler = FormFiller(deps)

    def _seal(self, meta: FormMeta) -> str:
        return seal(meta, self.deps.signing_secret)

    def open(
        self,
        client: WebClient,
        trigger_id: str,
        ref: str,
        user: str,
        channel: str | None,
        on_refused: Callable[[], None] = _nothing,
    ) -> None:
        """Open the form for one ticket; `on_refused` runs when Slack would not open it."""
        meta = FormMeta(user, channel, ref)

        def job() -> None:
            loading = build_loading_view(ref, self._seal(meta))
            view_id = self._open_view(client, trigger_id, loading)
            if view_id is None:
                on_refused()
            else:
                self.fill_later(client, meta, view_id)

        self.deps.slack_calls.submit(job, _nothing)

    def ask_which(
        self, client: WebClient, trigger_id: str, refs: list[str], user: str, channel: str | None
    ) -> None:
        """Open the view that asks which ticket: a text input, or a choice of `refs`."""
        metadata = self._seal(FormMeta(user, channel, ""))
        view = build_pick_view(refs, metadata) if refs else build_ref_view(metadata)

        def job() -> None:
            self._open_view(client, trigger_id, view)

        self.deps.slack_calls.submit(job, _nothing)

    def _open_view(self, client: WebClient, trigger_id: str, view: View) -> str | None:
        """Call views.open; return the view's id, or None when Slack refused or failed."""
        try:
            opened = client.views_open(trigger_id=trigger_id, view=view)
        except SlackApiError as error:
            log.warning("views.open refused: %s", error.response.get("error"))
            return None
        except OSError as error:
            log.warning("views.open failed: %s", type(error).__name__)
            return None
        view_id = (opened.get("view") or {}).get("id")
        return view_id if isinstance(view_id, str) else None

    def update(
        self, client: WebClient, view_id: str, view: View, view_hash: str | None = None
    ) -> bool:
        """Call views.update; return False when Slack refused or failed (the form was closed).

        A rate limit (HTTP 429) is waited out for the seconds of its Retry-After, once, so the
        form does not stay on "Loading" for good.
        """
        for attempt in (1, 2):
            try:
                client.views_update(view_id=view_id, view=view, hash=view_hash)
            except SlackApiError as error:
                code = error.response.get("error")
                seconds = retry_after(error)
                if seconds is None:
                    log.info("views.update view=%s refused: %s", view_id, code)
                    return False
                if attempt == 2:
                    log.warning("views.update view=%s refused: %s", view_id, code)
                    return False
                log.warning(
                    "Slack rate limit on views.update view=%s: waiting %.1f s", view_id, seconds
                )
                time.sleep(seconds)
            except OSError as error:
                log.warning("views.update view=%s failed: %s", view_id, type(error).__name__)
                return False
            else:
                return True
        return False

    def fill_later(
        self,
        client: WebClient,
        meta: FormMeta,
        view_id: str,
        handoff: Handoff[View] | None = None,
    ) -> None:
        """Read the ticket on the follow-up pool and show the form, or say WHMCS was too slow.

        With a handoff, a listener still waiting takes the view into its ack instead. The
        form's metadata is sealed with the view's id, so it is good for this view alone.
        """
        meta = replace(meta, view_id=view_id)
        once = Once()

        def give(view: View) -> None:
            if not once.claim():
                return
            timer.cancel()
            if handoff is not None:
                if handoff.offer(view):
                    return
                handoff.settle(self.deps.ack_settle)
            self.update(client, view_id, view)

        timer = threading.Timer(self.deps.deadline, lambda: give(self.filler.too_slow(meta)))
        timer.daemon = True
        timer.start()
        self.deps.followups.submit(
            lambda: give(self.filler.view_for(meta)), lambda: give(self.filler.broken(meta))
        )

    # -- listeners ---------------------------------------------------------------------------

    def on_global_shortcut(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Ask which ticket to open ("Update a WHMCS ticket")."""
        ack()
        trigger_id = body.get("trigger_id")
        if not isinstance(trigger_id, str) or not self.deps.triggers.first_time(trigger_id):
            return
        self.ask_which(client, trigger_id, [], _user(body), None)

    def on_message_shortcut(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Open the form for the ticket a message names ("Update ticket"), or ask which."""
        ack()
        trigger_id = body.get("trigger_id")
        if not isinstance(trigger_id, str) or not self.deps.triggers.first_time(trigger_id):
            return
        user = _user(body)
        channel = (body.get("channel") or {}).get("id") or None
        refs = refs_in_message(message_text(body.get("message") or {}))
        log.info("message shortcut user=%s names %d ticket(s)", user, len(refs))
        if len(refs) == 1:
            self.open(client, trigger_id, refs[0], user, channel)
        else:
            self.ask_which(client, trigger_id, refs, user, channel)

    def on_ref_submission(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Load the ticket picked or typed in the "which ticket" view."""
        view = body.get("view") or {}
        meta = unseal(view.get("private_metadata"), self.deps.signing_secret)
        if meta is None or meta.user != _user(body):
            log.warning("ticket picker from user=%s refused: metadata mismatch", _user(body))
            ack(response_action="update", view=build_untrusted_view())
            return
        ref = parse_ticket_ref(_ref_text((view.get("state") or {}).get("values")))
        if ref is None:
            ack(response_action="errors", errors={REF_BLOCK_ID: form_texts.FORM_REF_INVALID})
            return

        chosen = replace(meta, ref=ref.label)
        handoff: Handoff[View] = Handoff()
        self.fill_later(client, chosen, str(view.get("id")), handoff)
        filled = handoff.wait(self.deps.ack_wait)
        ack(
            response_action="update",
            view=filled or build_loading_view(ref.label, self._seal(chosen)),
        )

    def on_retry(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """Load the ticket again after the form said WHMCS failed."""
        ack()
        view = body.get("view") or {}
        meta = unseal(view.get("private_metadata"), self.deps.signing_secret)
        view_id, view_hash = str(view.get("id")), view.get("hash")
        if (
            meta is None
            or meta.user != _user(body)
            or not meta.ref
            or meta.view_id not in (None, view_id)
        ):
            log.warning("form retry from user=%s refused: metadata mismatch", _user(body))
            return

        def job() -> None:
            loading = build_loading_view(meta.ref, self._seal(meta))
            # The view's hash makes a second click on "Try again" fail here, not load twice.
            if self.update(
                client, view_id, loading, view_hash if isinstance(view_hash, str) else None
            ):
                self.fill_later(client, meta, view_id)

        self.deps.slack_calls.submit(job, _nothing)


def _user(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    found = user.get("id") if isinstance(user, Mapping) else None
    return found if isinstance(found, str) else ""


def _ref_text(values: object) -> str:
    """Return the ticket reference typed or picked in the "which ticket" view."""
    block = values.get(REF_BLOCK_ID) if isinstance(values, Mapping) else None
    states = block.values() if isinstance(block, Mapping) else ()
    for state in states:
        if not isinstance(state, Mapping):
            continue
        picked = state.get("selected_option")
        text = picked.get("value") if isinstance(picked, Mapping) else state.get("value")
        if isinstance(text, str):
            return text.strip()
    return ""


def _ack_link(ack: Ack) -> None:
    """Acknowledge the "Open in WHMCS" link button; the browser opens the page."""
    ack()


def register(app: App, opener: FormOpener) -> None:
    """Attach the listeners that open ticket forms to the Bolt app."""
    app.shortcut(GLOBAL_SHORTCUT)(opener.on_global_shortcut)
    app.shortcut(MESSAGE_SHORTCUT)(opener.on_message_shortcut)
    app.view(REF_CALLBACK_ID)(opener.on_ref_submission)
    app.action(RETRY_ACTION_ID)(opener.on_retry)
    app.action(OPEN_ACTION_ID)(_ack_link)

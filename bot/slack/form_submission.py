"""A submitted ticket form, what its save came to, and how a refusal in its ack is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.slack import form_texts
from bot.slack.form_opened import Opened
from bot.slack.form_seal import FormMeta
from bot.tickets.result import UpdateResult

View = dict[str, Any]
NO_CHANGE_DETAIL = "nothing changed in the form"


@dataclass(frozen=True)
class Submission:
    """One submitted ticket form whose metadata passed its checks."""

    meta: FormMeta
    opened: Opened
    view: Mapping[str, Any]  # the view as Slack sent it with the submission
    values: Mapping[str, Any]  # its state, keyed by the fields' own block ids
    user_name: str

    @property
    def ref(self) -> str:
        """Return the ticket as the record names it: its id."""
        return str(self.opened.ticket_id)

    @property
    def view_id(self) -> str:
        """Return the id of the Slack view that was submitted."""
        return str(self.view.get("id") or "")

    @property
    def requester(self) -> str:
        """Name the person for the staff-only note: Slack name and id."""
        user = self.meta.user
        return f"{self.user_name} ({user})" if self.user_name else user


@dataclass(frozen=True)
class SaveOutcome:
    """What a save came to: the result of a write, or the form to show again.

    `errors` (keyed by the block ids the submitted view has) is set when the ack can show
    every problem under its input; a later views.update shows `view` instead. With `push`, the
    submission was overtaken by another of the same form: the ack pushes `view` over the form,
    which already shows the newer state, and too late for the ack nothing is shown.
    """

    result: UpdateResult | None = None
    view: View | None = None
    errors: Mapping[str, str] | None = None
    push: bool = False

    def ack_args(self) -> dict[str, Any]:
        """Return the acknowledgement that shows this outcome."""
        if self.view is None:
            return {"response_action": "clear"}
        if self.push:
            return {"response_action": "push", "view": self.view}
        if self.errors:
            return {"response_action": "errors", "errors": dict(self.errors)}
        return {"response_action": "update", "view": self.view}


def refusal_record(errors: Mapping[str, str]) -> tuple[str, str]:
    """Return the audit outcome and detail of a form refused before any WHMCS call."""
    hidden = [block for block, error in errors.items() if error == form_texts.FORM_NOT_OFFERED]
    if hidden:
        return "denied", "fields not offered by the form: " + ",".join(hidden)
    return "refused", "form values refused: " + ",".join(errors)

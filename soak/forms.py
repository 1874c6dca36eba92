"""Open the ticket form with `/ticket N`, change a field or two, and save it, as a person would."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from bot.slack.form_views import RETRY_ACTION_ID
from soak import gestures
from soak.ledger import Ledger
from soak.rig import ADMIN_NAMES, CARDS, DEPARTMENT_NAMES, Rig
from tests.fakeslack import FakeSlack
from tests.scenario import formkit as fk

View = dict[str, Any]
PRIORITIES = ("Low", "Medium", "High")
# View ids are numbered as Slack's fake creates them; views.update uses up numbers too, so a
# run of this many missing numbers ends the search for new views.
VIEW_GAP = 400
LOADED = "Open in WHMCS"
LOAD_SECONDS = 12.0


class ViewFinder:
    """Find the views opened since the last look (only the form worker opens views)."""

    def __init__(self, slack: FakeSlack) -> None:
        self.slack = slack
        self.highest = 0

    def new_views(self) -> list[str]:
        """Return the ids of views opened since the last call, oldest first."""
        found = []
        number, misses = self.highest + 1, 0
        while misses < VIEW_GAP:
            view_id = f"V{number:08d}"
            try:
                self.slack.view(view_id)
            except KeyError:
                misses += 1
            else:
                found.append(view_id)
                self.highest, misses = number, 0
            number += 1
        return found

    def wait_new(self, timeout: float) -> str | None:
        """Wait for a view to open; return the newest one's id, or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.new_views()
            if found:
                return found[-1]
            time.sleep(0.05)
        return None


def inputs(view: View) -> set[str]:
    """Return the fields a form lets one change, by their block ids without the revision."""
    return {b["block_id"].split("~")[0] for b in view.get("blocks", []) if b["type"] == "input"}


def has_retry(view: View) -> bool:
    """Tell whether the view says WHMCS failed and offers "Try again"."""
    return any(
        element.get("action_id") == RETRY_ACTION_ID
        for block in view.get("blocks", [])
        for element in block.get("elements", [])
        if isinstance(element, dict)
    )


def wait_loaded(slack: FakeSlack, view_id: str, timeout: float = LOAD_SECONDS) -> View | None:
    """Wait until the form shows the ticket, or offers "Try again"; None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = slack.view(view_id)
        if has_retry(view) or (inputs(view) and LOADED in fk.view_text(view)):
            return view
        time.sleep(0.05)
    return None


class FormFiller:
    """Pick the changes one form submission makes."""

    def __init__(
        self, rng: random.Random, statuses: list[str], subjects: Callable[[int], str]
    ) -> None:
        self.rng = rng
        self.statuses = statuses
        self.subjects = subjects

    def fill(self, view: View, admin_id: int, ticket_id: int) -> fk.Values:
        """Return the form's values with one or two fields changed."""
        values = fk.values_of(view)
        present = inputs(view)
        names = ("status", "priority", "subject", "flag", "dept", "unflag")
        choices = [name for name in names if name in present]
        for name in self.rng.sample(choices, k=min(len(choices), self.rng.choice((1, 1, 2)))):
            self._put(values, name, admin_id, ticket_id)
        return values

    def _put(self, values: fk.Values, name: str, admin_id: int, ticket_id: int) -> None:
        rng = self.rng
        if name == "status":
            fk.put(values, "status", selected_option=fk.choice(rng.choice(self.statuses)))
        elif name == "priority":
            fk.put(values, "priority", selected_option=fk.choice(rng.choice(PRIORITIES)))
        elif name == "subject":
            fk.put(values, "subject", value=self.subjects(ticket_id))
        elif name == "flag":
            fk.put(values, "flag", selected_option=fk.choice(str(admin_id), ADMIN_NAMES[admin_id]))
        elif name == "dept":
            dept_id = rng.choice((1, 2, 2, 3, 3))
            fk.put(
                values, "dept", selected_option=fk.choice(str(dept_id), DEPARTMENT_NAMES[dept_id])
            )
        else:
            fk.put(values, "unflag", selected_options=[fk.choice("remove")])


def save_form(
    rig: Rig,
    finder: ViewFinder,
    filler: FormFiller,
    ledger: Ledger,
    ticket_id: int,
    user: str,
    admin_id: int,
    twice: bool,
) -> None:
    """Open a ticket's form, wait for it to load (trying again once), change it and save it."""
    acks = gestures.command(rig, str(ticket_id), user, CARDS)
    ledger.count("form opened")
    if not gestures.ack_ok(acks):
        ledger.problem(f"/ticket {ticket_id} (form) was acked with HTTP {acks}")
        return
    view_id = finder.wait_new(timeout=5)
    if view_id is None:
        ledger.problem(f"/ticket {ticket_id} opened no form within 5 s")
        return
    view = wait_loaded(rig.slack, view_id)
    if view is not None and has_retry(view):
        ledger.count("form try again")
        fk.click(rig.harness, view, RETRY_ACTION_ID, user)
        time.sleep(0.3)
        view = wait_loaded(rig.slack, view_id)
    if view is None or has_retry(view):
        ledger.count("form not loaded")
        return

    values = filler.fill(view, admin_id, ticket_id)
    for _ in range(2 if twice else 1):
        fk.submit(rig.harness, view, values, user)
        ledger.count("submission")
    if twice:
        ledger.count("submission repeated")

"""The soak's staff in Slack: they type commands, click cards and save ticket forms."""

from __future__ import annotations

import logging
import threading
import time

from bot.slack import card_values as cv
from soak import gestures
from soak.forms import FormFiller, ViewFinder, save_form
from soak.rig import ALICE, BILLING, BOB, CARDS, TECH
from soak.worker import PRIORITIES, STATUSES, Run, Worker

log = logging.getLogger(__name__)

ADMIN_OF = {ALICE: 1, BOB: 2}
# Menus and buttons a click worker presses, and how often, relative to one another.
CLICKS = {
    cv.FLAG_ME: 3,
    cv.UNFLAG: 2,
    cv.CLOSE: 1,
    cv.REOPEN: 3,
    cv.STATUS: 2,
    cv.PRIORITY: 2,
    cv.REFRESH: 1,
}


class Commands(Worker):
    """Type `/ticket` commands, some twice within seconds, some sent twice by Slack."""

    pause = (0.8, 2.4)
    reserve = 2.0

    def act(self) -> None:
        """Send one command, now and then again."""
        rig, ledger, rng = self.shared.rig, self.shared.ledger, self.rng
        ticket_id, user = self.ticket(), self.user()
        if rng.random() < 0.05:
            acks = gestures.command(rig, f"{ticket_id} card", user, CARDS)
            ledger.count("card command")
            self._check(acks, "card")
            return
        text = self.text(ticket_id)
        replay = rng.random() < 0.05
        self._check(gestures.command(rig, text, user, CARDS, replay=replay), text)
        ledger.count("command")
        if replay:
            ledger.count("command sent twice by Slack")
        if rng.random() < 0.2:
            time.sleep(rng.uniform(0.2, 2.0))
            self._check(gestures.command(rig, text, user, CARDS), text)
            ledger.count("command")
            ledger.count("command repeated")

    def text(self, ticket_id: int) -> str:
        """Return the text of a command that changes one or two fields (or asks for nonsense)."""
        rng = self.rng
        kind = rng.choices(
            ["status", "priority", "flag", "subject", "dept", "two", "invalid"],
            weights=[5, 3, 4, 2, 2, 2, 1],
        )[0]
        if kind == "status":
            return f"{ticket_id} status {rng.choice(STATUSES)}"
        if kind == "priority":
            return f"{ticket_id} priority {rng.choice(PRIORITIES)}"
        if kind == "flag":
            return rng.choice(
                [f"{ticket_id} flag me", f"{ticket_id} unflag", f"{ticket_id} flag 3"]
            )
        if kind == "subject":
            return f'{ticket_id} subject "{self.shared.subjects(ticket_id)}"'
        if kind == "dept":
            department = rng.choice(["Technical Support", "Billing", "General Support"])
            return f"{ticket_id} dept {department}"
        if kind == "two":
            return f"{ticket_id} status {rng.choice(STATUSES)} priority {rng.choice(PRIORITIES)}"
        return rng.choice([f"{ticket_id} status Pending-Vendor", f"{ticket_id} priority urgent"])

    def _check(self, acks: list[int], what: str) -> None:
        if not gestures.ack_ok(acks):
            self.shared.ledger.problem(f"/ticket {what} was acked with HTTP {acks}")


class Clicks(Worker):
    """Click the buttons and menus of triage cards and of `/ticket N card` cards."""

    pause = (0.8, 2.4)
    reserve = 3.0

    def act(self) -> None:
        """Click one control of one card; sometimes twice at once."""
        rig, ledger, rng = self.shared.rig, self.shared.ledger, self.rng
        shown = [
            card
            for channel in (TECH, BILLING, CARDS)
            for card in gestures.cards(rig.slack, channel)
        ]
        if not shown:
            return
        card = rng.choice(shown)
        present = gestures.controls(card.message)
        actions = [action for action in CLICKS if action in present]
        action = rng.choices(actions, weights=[CLICKS[a] for a in actions])[0]
        pick = None
        if action in (cv.STATUS, cv.PRIORITY):
            _, menu = present[action]
            pick = rng.choice([option["text"]["text"] for option in menu["options"]])
        user = self.user()
        if rng.random() < 0.15:
            self._double(card, action, user, pick)
            return
        response_url = gestures.click(rig, card, action, user, pick)
        ledger.count("click")
        if action == cv.FLAG_ME and rng.random() < 0.6:
            self._take_over(card, response_url, user)

    def _double(self, card: gestures.Card, action: str, user: str, pick: str | None) -> None:
        """Click twice at once, as a double click does."""

        def press() -> None:
            try:
                gestures.click(self.shared.rig, card, action, user, pick)
            except Exception as error:
                log.exception("%s failed to click", self.name)
                self.shared.ledger.problem(f"{self.name}: {type(error).__name__}: {error}")

        presses = [threading.Thread(target=press) for _ in range(2)]
        for pressing in presses:
            pressing.start()
        for pressing in presses:
            pressing.join()
        self.shared.ledger.count("click", 2)
        self.shared.ledger.count("double click")

    def _take_over(self, card: gestures.Card, response_url: str, user: str) -> None:
        """Answer "Take it over" when the click was answered with that question."""
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            question = gestures.question_of(self.shared.rig.slack, response_url)
            if question is not None:
                gestures.take_over(self.shared.rig, question, card.channel, user)
                self.shared.ledger.count("click")
                self.shared.ledger.count("take over")
                return
            time.sleep(0.1)


class Forms(Worker):
    """Open ticket forms, change a field or two and save; now and then save one twice."""

    pause = (1.0, 3.0)
    reserve = 8.0

    def __init__(self, name: str, run: Run, seed: int) -> None:
        super().__init__(name, run, seed)
        self.finder = ViewFinder(run.rig.slack)
        self.filler = FormFiller(self.rng, STATUSES, run.subjects)

    def act(self) -> None:
        """Save one form."""
        user = self.user()
        twice = self.rng.random() < 0.1
        save_form(
            self.shared.rig,
            self.finder,
            self.filler,
            self.shared.ledger,
            self.ticket(),
            user,
            ADMIN_OF[user],
            twice,
        )

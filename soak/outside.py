"""Changes made outside the bot: staff in WHMCS's admin area, and customers replying."""

from __future__ import annotations

import random
import time

from soak.ledger import Direct
from soak.rig import ADMIN_NAMES, CLIENT_ID, DEPARTMENT_NAMES
from soak.worker import PRIORITIES, STATUSES, Run, Worker

MAX_TICKETS = 40


class AdminArea(Worker):
    """Change tickets in WHMCS itself, as staff in its admin area do, and open new ones."""

    pause = (1.5, 4.5)

    def act(self) -> None:
        """Set one field of one ticket, or open a ticket."""
        run, rng = self.shared, self.rng
        if rng.random() < 0.08 and len(run.ledger.tickets()) < MAX_TICKETS:
            open_ticket(run, rng)
            return
        ticket_id = self.ticket()
        field, stored, label = self.change(ticket_id)
        started = time.time()
        run.rig.control("POST", f"tickets/{ticket_id}", {field: stored})
        run.ledger.direct(
            Direct(ticket_id, label, self.shown(field, stored), started, time.time(), "admin area")
        )
        run.ledger.count("admin area change")

    def change(self, ticket_id: int) -> tuple[str, object, str]:
        """Pick a field and a value: (stored field, stored value, the record's field name)."""
        rng = self.rng
        field = rng.choices(["status", "priority", "flag", "deptid", "subject"], [4, 3, 3, 1, 1])[0]
        if field == "status":
            return field, rng.choice(STATUSES), "Status"
        if field == "priority":
            return field, rng.choice(PRIORITIES), "Priority"
        if field == "flag":
            return field, rng.choice([0, 0, 1, 2, 3, 5]), "Flag"
        if field == "deptid":
            return field, rng.choice([1, 2, 2, 3, 3]), "Department"
        return (
            field,
            f"Admin area edit of {ticket_id}, {self.shared.subjects(ticket_id)}",
            "Subject",
        )

    @staticmethod
    def shown(field: str, stored: object) -> str:
        """Return a stored value as the audit record would write it."""
        if field == "flag":
            return ADMIN_NAMES[int(str(stored))] if stored else "unflagged"
        if field == "deptid":
            return DEPARTMENT_NAMES[int(str(stored))]
        return str(stored)


class Customers(Worker):
    """Reply to tickets as their customers, which sets them to Customer-Reply."""

    pause = (4.0, 10.0)

    def act(self) -> None:
        """Add one customer reply."""
        run = self.shared
        ticket_id = self.ticket()
        started = time.time()
        run.rig.api("AddTicketReply", ticketid=ticket_id, clientid=CLIENT_ID, message="Any news?")
        change = Direct(
            ticket_id, "Status", "Customer-Reply", started, time.time(), "customer reply"
        )
        run.ledger.direct(change)
        run.ledger.count("customer reply")


def open_ticket(run: Run, rng: random.Random, deptid: int | None = None) -> int:
    """Open a ticket as a customer would, log its first values and add it to the pool."""
    deptid = deptid or rng.choice([2, 2, 3, 1])
    priority = rng.choice(PRIORITIES)
    subject = f"Soak ticket opened as number {len(run.ledger.tickets()) + 1}"
    started = time.time()
    answer = run.rig.api(
        "OpenTicket",
        deptid=deptid,
        subject=subject,
        message="It broke.",
        clientid=CLIENT_ID,
        priority=priority,
    )
    ended = time.time()
    ticket_id = int(answer["id"])
    first = {
        "Status": "Open",
        "Priority": priority,
        "Department": DEPARTMENT_NAMES[deptid],
        "Subject": subject,
        "Flag": "unflagged",
    }
    for field, value in first.items():
        run.ledger.direct(Direct(ticket_id, field, value, started, ended, "opened"))
    run.ledger.add_ticket(ticket_id)
    run.ledger.count("ticket opened")
    return ticket_id

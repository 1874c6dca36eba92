"""OpenTicket, AddTicketReply and AddTicketNote."""

from __future__ import annotations

from bot.sandbox.actions.call import ActionError, Answer, ApiCall
from bot.sandbox.actions.catalog import (
    PRIORITIES,
    admin_name,
    client,
    department,
    new_ticket_key,
    new_ticket_number,
    priority_error,
    status_error,
    status_titles,
    valid_email,
)
from bot.sandbox.actions.tickets import find_ticket, ticket_by_id, write_ticket
from bot.sandbox.php import htmlspecialchars, intval, is_truthy, trim


def add_ticket_note(call: ApiCall) -> Answer:
    """Answer AddTicketNote: a staff-only note, written as the API admin."""
    ticket = find_ticket(call.db, call.params)
    if ticket is None:
        # NOTE: this action spells its not-found error with a lower-case "not found".
        raise ActionError("Ticket ID not found")
    if not trim(call.raw("message")):
        raise ActionError("Message is required")
    call.db.execute(
        "INSERT INTO notes (ticket_id, admin, date, message) VALUES (?, ?, ?, ?)",
        (ticket["id"], admin_name(call.db, call.admin_id), call.stamp, call.text("message")),
    )
    return {"result": "success"}


def add_ticket_reply(call: ApiCall) -> Answer:
    """Answer AddTicketReply: a reply the customer sees; it moves the last reply time."""
    ticket = ticket_by_id(call.db, intval(call.raw("ticketid")))
    if ticket is None:
        raise ActionError("Ticket ID Not Found")
    if not trim(call.raw("message")):
        raise ActionError("Message is required")
    status = call.text("status")
    if status and status not in status_titles(call.db):
        raise status_error(call.db)
    staff = call.text("adminusername")
    if staff:
        author = (0, "", "")
    elif intval(call.raw("clientid")):
        found = client(call.db, intval(call.raw("clientid")))
        if found is None:
            raise ActionError("Client ID Not Found")
        author = (found["id"], found["name"], found["email"])
    else:
        author = (
            ticket["userid"],
            call.text("name") or ticket["name"],
            call.text("email") or ticket["email"],
        )
    call.db.execute(
        "INSERT INTO replies (ticket_id, userid, name, email, admin, date, message)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ticket["id"], *author, staff, call.stamp, call.text("message")),
    )
    after = status or ("Answered" if staff else "Customer-Reply")
    write_ticket(call.db, ticket["id"], {"status": after, "lastreply": call.stamp})
    return {"result": "success"}


def open_ticket(call: ApiCall) -> Answer:
    """Answer OpenTicket: a new ticket for a client, or for a guest given name and email."""
    client_id = intval(call.raw("clientid"))
    if client_id:
        found = client(call.db, client_id)
        if found is None:
            raise ActionError("Client ID Not Found")
        name, email = found["name"], found["email"]
    else:
        if not trim(call.raw("name")) or not trim(call.raw("email")):
            raise ActionError("Name and email address are required if not a client")
        if not valid_email(trim(call.raw("email"))):
            raise ActionError("Email Address Invalid")
        name, email = call.text("name"), call.text("email")
    dept = department(call.db, intval(call.raw("deptid")))
    if dept is None:
        raise ActionError("Department ID Not Found")
    if not trim(call.raw("subject")):
        raise ActionError("Subject is required")
    if not trim(call.raw("message")):
        raise ActionError("Message is required")
    priority = call.raw("priority") or "Medium"
    if priority not in PRIORITIES:
        raise priority_error()

    number, key = new_ticket_number(call.db), new_ticket_key()
    opener = admin_name(call.db, call.admin_id) if is_truthy(call.raw("admin")) else ""
    cursor = call.db.execute(
        "INSERT INTO tickets (tid, c, deptid, userid, name, email, date, subject, message,"
        " status, priority, admin, lastreply, markdown, prevent_client_closure)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'Open', ?, ?, ?, ?, ?)",
        (
            number,
            key,
            dept["id"],
            client_id,
            name,
            email,
            call.stamp,
            htmlspecialchars(trim(call.raw("subject"))),
            call.text("message"),
            priority,
            opener,
            call.stamp,
            int(is_truthy(call.raw("markdown"))),
            dept["prevent_client_closure"],
        ),
    )
    return {"result": "success", "id": cursor.lastrowid, "tid": number, "c": key}

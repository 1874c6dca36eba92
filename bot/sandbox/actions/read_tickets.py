"""GetTicket and GetTickets."""

from __future__ import annotations

from typing import Any

from bot.sandbox.actions.call import ActionError, Answer, ApiCall
from bot.sandbox.actions.catalog import admin_department_ids, statuses
from bot.sandbox.actions.ticket_shapes import ticket_detail, ticket_summary
from bot.sandbox.actions.tickets import find_ticket
from bot.sandbox.php import intval, is_truthy

DEFAULT_PAGE_SIZE = 25


def get_ticket(call: ApiCall) -> Answer:
    """Answer GetTicket: one ticket by `ticketnum` or `ticketid`, with replies and notes."""
    row = find_ticket(call.db, call.params)
    if row is None:
        raise ActionError("Ticket ID Not Found")
    return ticket_detail(call.db, row)


def get_tickets(call: ApiCall) -> Answer:
    """Answer GetTickets: filtered, newest last reply first, one page."""
    clauses, args = _filters(call)
    where = " AND ".join(clauses) or "1"
    total = call.db.execute(f"SELECT COUNT(*) FROM tickets WHERE {where}", args).fetchone()[0]
    start = max(intval(call.raw("limitstart")), 0)
    size = intval(call.raw("limitnum"))
    if size <= 0:
        size = DEFAULT_PAGE_SIZE
    rows = call.db.execute(
        f"SELECT * FROM tickets WHERE {where} ORDER BY lastreply DESC, id DESC LIMIT ? OFFSET ?",
        (*args, size, start),
    ).fetchall()
    answer: Answer = {
        "result": "success",
        "totalresults": total,
        "startnumber": start,
        "numreturned": len(rows),
    }
    if rows:
        # WHMCS leaves the `tickets` key out entirely when the page is empty.
        answer["tickets"] = {"ticket": [ticket_summary(row) for row in rows]}
    return answer


def _filters(call: ApiCall) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if not is_truthy(call.raw("ignore_dept_assignments")):
        # Without ignore_dept_assignments=1 the API admin sees only their own departments.
        depts = admin_department_ids(call.db, call.admin_id)
        clauses.append(f"deptid IN ({','.join('?' * len(depts))})" if depts else "0")
        args += depts
    if intval(call.raw("deptid")):
        clauses.append("deptid = ?")
        args.append(intval(call.raw("deptid")))
    if intval(call.raw("clientid")):
        clauses.append("userid = ?")
        args.append(intval(call.raw("clientid")))
    if call.raw("email"):
        clauses.append("email = ?")
        args.append(call.text("email"))
    if call.raw("subject"):
        clauses.append("subject LIKE ? ESCAPE '\\'")
        pattern = call.text("subject").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args.append(f"%{pattern}%")
    status = call.text("status")
    if status:
        titles = _status_filter(call, status)
        clauses.append(f"status IN ({','.join('?' * len(titles))})" if titles else "0")
        args += titles
        if status == "My Flagged Tickets":
            clauses.append("flag = ?")
            args.append(call.admin_id)
    return clauses, args


def _status_filter(call: ApiCall, status: str) -> list[str]:
    """Return the statuses a status filter stands for (a plain title stands for itself)."""
    rows = statuses(call.db)
    if status == "Awaiting Reply":
        return [row["title"] for row in rows if row["show_awaiting"]]
    if status in ("All Active Tickets", "My Flagged Tickets"):
        return [row["title"] for row in rows if row["show_active"]]
    return [status]

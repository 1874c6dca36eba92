"""Stored tickets in the shapes GetTicket and GetTickets answer with.

Types vary the way they do in WHMCS answers: some ids are JSON numbers, others strings.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.sandbox.actions.catalog import department
from bot.sandbox.actions.tickets import notes, replies


def _requestor(row: sqlite3.Row) -> dict[str, str]:
    return {
        "requestor_name": row["name"],
        "requestor_email": row["email"],
        "requestor_type": "Owner" if row["userid"] else "Guest",
    }


def ticket_summary(row: sqlite3.Row) -> dict[str, Any]:
    """Return one ticket as a GetTickets entry."""
    return {
        "id": row["id"],
        "tid": row["tid"],
        "deptid": str(row["deptid"]),
        "userid": row["userid"],
        "name": row["name"],
        "email": row["email"],
        "cc": row["cc"],
        "c": row["c"],
        "date": row["date"],
        "subject": row["subject"],
        "status": row["status"],
        "priority": row["priority"],
        "admin": row["admin"],
        "attachment": "",
        "lastreply": row["lastreply"],
        "flag": str(row["flag"]),
        "service": row["service"],
        **_requestor(row),
    }


def ticket_detail(db: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    """Return one ticket as GetTicket answers it, replies and notes included."""
    dept = department(db, row["deptid"])
    opening = {
        "replyid": "0",
        "userid": str(row["userid"]),
        "contactid": "0",
        "name": row["name"],
        "email": row["email"],
        **_requestor(row),
        "date": row["date"],
        "message": row["message"],
        "attachment": "",
        "attachments": [],
        "attachments_removed": False,
        "admin": row["admin"],
        "rating": "0",
    }
    thread = [opening] + [
        {
            "replyid": str(reply["id"]),
            "userid": str(reply["userid"]),
            "contactid": "0",
            "name": reply["name"],
            "email": reply["email"],
            "requestor_name": reply["admin"] or reply["name"],
            "requestor_email": reply["email"],
            "requestor_type": "Operator" if reply["admin"] else _requestor(row)["requestor_type"],
            "date": reply["date"],
            "message": reply["message"],
            "attachment": "",
            "attachments": [],
            "attachments_removed": False,
            "admin": reply["admin"],
            "rating": "0",
        }
        for reply in replies(db, row["id"])
    ]
    staff_notes = [
        {
            "noteid": str(note["id"]),
            "admin": note["admin"],
            "date": note["date"],
            "message": note["message"],
            "attachments": [],
            "attachments_removed": False,
        }
        for note in notes(db, row["id"])
    ]
    return {
        "result": "success",
        "id": row["id"],
        "ticketid": str(row["id"]),
        "tid": row["tid"],
        "c": row["c"],
        "deptid": str(row["deptid"]),
        "deptname": dept["name"] if dept else "",
        "userid": str(row["userid"]),
        "contactid": row["contactid"],
        "name": row["name"],
        "email": row["email"],
        **_requestor(row),
        "cc": row["cc"],
        "date": row["date"],
        "subject": row["subject"],
        "status": row["status"],
        "priority": row["priority"],
        "admin": row["admin"],
        "lastreply": row["lastreply"],
        "flag": str(row["flag"]),
        "service": row["service"],
        "replies": {"reply": thread},
        # An empty list of notes is `[]`, a filled one `{"note": [...]}`.
        "notes": {"note": staff_notes} if staff_notes else [],
    }

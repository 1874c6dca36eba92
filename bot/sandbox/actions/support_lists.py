"""GetSupportStatuses, GetSupportDepartments and GetAdminUsers."""

from __future__ import annotations

import uuid

from bot.sandbox.actions.call import Answer, ApiCall
from bot.sandbox.actions.catalog import admin_department_ids, id_list, statuses
from bot.sandbox.php import intval, is_truthy

# Fixed namespace so every admin keeps the same uuid across restarts.
_ADMIN_UUIDS = uuid.UUID("6f1c1a52-3d0e-4c57-9b8e-2f0b5d1e7a10")


def get_support_statuses(call: ApiCall) -> Answer:
    """Answer GetSupportStatuses: every status in sort order with its ticket count."""
    dept_id = intval(call.raw("deptid"))
    entries = []
    for row in statuses(call.db):
        sql = "SELECT COUNT(*) FROM tickets WHERE status = ?"
        args: tuple[object, ...] = (row["title"],)
        if dept_id:
            sql += " AND deptid = ?"
            args += (dept_id,)
        count = call.db.execute(sql, args).fetchone()[0]
        entries.append({"title": row["title"], "count": count, "color": row["color"]})
    return {"result": "success", "totalresults": len(entries), "statuses": {"status": entries}}


def get_support_departments(call: ApiCall) -> Answer:
    """Answer GetSupportDepartments: the API admin's departments (all with the flag set)."""
    rows = call.db.execute("SELECT * FROM departments ORDER BY sort, id").fetchall()
    if not is_truthy(call.raw("ignore_dept_assignments")):
        mine = set(admin_department_ids(call.db, call.admin_id))
        rows = [row for row in rows if row["id"] in mine]
    entries = [
        {
            "id": str(row["id"]),
            "name": row["name"],
            "awaitingreply": str(_count(call, row["id"], "show_awaiting")),
            "opentickets": str(_count(call, row["id"], "show_active")),
        }
        for row in rows
    ]
    answer: Answer = {"result": "success", "totalresults": len(entries)}
    if entries:
        # With no departments WHMCS leaves the `departments` key out.
        answer["departments"] = {"department": entries}
    return answer


def _count(call: ApiCall, dept_id: int, flag_column: str) -> int:
    return int(
        call.db.execute(
            "SELECT COUNT(*) FROM tickets WHERE deptid = ? AND status IN"
            f" (SELECT title FROM statuses WHERE {flag_column} = 1)",
            (dept_id,),
        ).fetchone()[0]
    )


def get_admin_users(call: ApiCall) -> Answer:
    """Answer GetAdminUsers; its answer has no `result` key."""
    sql = "SELECT * FROM admins WHERE 1"
    args: list[object] = []
    if intval(call.raw("roleid")):
        sql += " AND role_id = ?"
        args.append(intval(call.raw("roleid")))
    if call.raw("email"):
        sql += " AND instr(lower(email), lower(?)) > 0"
        args.append(call.text("email"))
    if not is_truthy(call.raw("include_disabled")):
        sql += " AND disabled = 0"
    rows = call.db.execute(sql + " ORDER BY id", args).fetchall()
    users = [
        {
            "id": row["id"],
            "uuid": str(uuid.uuid5(_ADMIN_UUIDS, row["username"])),
            "roleId": row["role_id"],
            "username": row["username"],
            "twoFactorAuthModule": "",
            "firstname": row["firstname"],
            "lastname": row["lastname"],
            "email": row["email"],
            "signature": "",
            "notes": "",
            "template": "blend",
            "language": "english",
            "isDisabled": bool(row["disabled"]),
            "loginAttempts": 0,
            "supportDepartmentIds": [str(d) for d in id_list(row["department_ids"])],
            # An empty setting comes back as a list holding one empty string.
            "receivesTicketNotifications": [str(d) for d in id_list(row["notify_department_ids"])]
            or [""],
        }
        for row in rows
    ]
    return {"count": len(users), "admin_users": users}

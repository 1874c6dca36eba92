"""The demo install's configuration: departments, admins, statuses, custom fields, clients."""

from __future__ import annotations

import sqlite3

from bot.sandbox.php import htmlspecialchars

# id, name, department email, preventClientClosure default
DEPARTMENTS = (
    (1, "General Support", "support@example.com", False),
    (2, "Technical Support", "tech@example.com", False),
    (3, "Billing", "billing@example.com", True),
    (4, "Sales & Pre-Sales", "sales@example.com", False),
)

# id, username, first name, last name, email, role id, disabled, departments, notified departments
ADMINS = (
    (1, "alice", "Alice", "Admin", "alice@example.com", 1, False, (1, 2, 3, 4), (1, 2)),
    (2, "bob", "Bob", "Builder", "bob@example.com", 2, False, (1, 2), ()),
    (3, "carol", "Carol", "Counter", "carol@example.com", 3, False, (3,), (3,)),
    (4, "dave", "Dave", "Dormant", "dave@example.com", 2, True, (1, 2), ()),
    (5, "erin", "Erin", "Escalation", "erin@example.com", 2, False, (1, 2, 4), (4,)),
)

# title, colour, shown among active tickets, counted as awaiting reply; in sort order.
# WHMCS ships the first five and Closed; "Waiting on Vendor" is a custom status.
STATUSES = (
    ("Open", "#779500", True, True),
    ("Answered", "#000000", True, False),
    ("Customer-Reply", "#ff6600", True, True),
    ("On Hold", "#224488", True, False),
    ("In Progress", "#cc0000", True, False),
    ("Waiting on Vendor", "#9933cc", True, False),
    ("Closed", "#888888", False, False),
)

PRIORITIES = ("Low", "Medium", "High")

CUSTOM_FIELDS = ((1, "Affected domain"), (2, "Server hostname"), (7, "Order number"))

# id, full name, email
CLIENTS = (
    (1, "Jonas Weber", "jonas.weber@example.net"),
    (2, "Zoë O'Brien", "zoe.obrien@example.org"),
    (3, "Łukasz Nowak", "lukasz@example.pl"),
    (4, "佐藤 花子", "hanako.sato@example.jp"),
    (5, "Олег Смирнов", "oleg@example.ru"),
    (6, "Amélie Durand", "amelie@example.fr"),
    (7, "Rahul Mehta", "rahul@example.in"),
    (8, "Grace Okafor", "grace@example.com"),
    (9, "Tom & Jerry Studios", "office@tomjerry.example"),
    (10, "Mia Fischer", "mia.fischer@example.de"),
)

# Visitors who wrote in without an account.
GUESTS = (
    ("Pat Prospect", "pat@prospect.example"),
    ("Sam Lee", "sam.lee@example.org"),
    ('Chris "CJ" Jones', "cj@example.net"),
    ("Nora Brandt", "nora@brandt.example"),
)


def seed_catalog(db: sqlite3.Connection) -> None:
    """Write the install's configuration; every string is stored HTML-entity-encoded."""
    for dept_id, name, email, closure in DEPARTMENTS:
        db.execute(
            "INSERT INTO departments (id, name, email, prevent_client_closure, sort)"
            " VALUES (?, ?, ?, ?, ?)",
            (dept_id, htmlspecialchars(name), email, int(closure), dept_id),
        )
    for admin_id, username, first, last, email, role, disabled, depts, notify in ADMINS:
        db.execute(
            "INSERT INTO admins (id, username, firstname, lastname, email, role_id, disabled,"
            " department_ids, notify_department_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                admin_id,
                username,
                first,
                last,
                email,
                role,
                int(disabled),
                ",".join(map(str, depts)),
                ",".join(map(str, notify)),
            ),
        )
    for sort, (title, color, active, awaiting) in enumerate(STATUSES, start=1):
        db.execute(
            "INSERT INTO statuses (title, color, sort, show_active, show_awaiting)"
            " VALUES (?, ?, ?, ?, ?)",
            (htmlspecialchars(title), color, sort, int(active), int(awaiting)),
        )
    for client_id, name, email in CLIENTS:
        db.execute(
            "INSERT INTO clients (id, name, email) VALUES (?, ?, ?)",
            (client_id, htmlspecialchars(name), htmlspecialchars(email)),
        )
    for field_id, name in CUSTOM_FIELDS:
        db.execute(
            "INSERT INTO custom_fields (id, name) VALUES (?, ?)", (field_id, htmlspecialchars(name))
        )

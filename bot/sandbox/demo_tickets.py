"""The demo install's 48 tickets, generated deterministically with dates relative to now."""

from __future__ import annotations

import random
import sqlite3
import string
from datetime import datetime, timedelta

from bot.sandbox.demo_catalog import ADMINS, CLIENTS, DEPARTMENTS, GUESTS
from bot.sandbox.php import htmlspecialchars
from bot.sandbox.store import DATE_FORMAT

# subject, department, what the customer wrote; ticket n uses entry n - 1.
TICKETS = (
    (
        "Website down after DNS change",
        2,
        "Since I changed the A record my site shows a blank page.",
    ),
    ("Invoice #10442 charged twice", 3, "My card was charged twice for the same invoice."),
    ("Can't log in to cPanel", 1, "The password reset link says it has expired."),
    ("SSL certificate not renewing for shop.example.com", 2, "AutoSSL keeps failing."),
    (
        "Migrate WordPress site from old host",
        2,
        "Can you move my blog over? I have the old FTP login.",
    ),
    ('Email bouncing: "550 mailbox unavailable"', 2, "Mail to info@ bounces since this morning."),
    ("Upgrade from Shared <Starter> to VPS", 4, "What does it cost to move to a VPS mid-term?"),
    (
        "Refund request & account closure",
        3,
        "Please close my account and refund the unused months.",
    ),
    ("Сайт не открывается после переноса", 2, "После переноса сайт выдаёт ошибку 403."),
    ('Domain transfer stuck at "pending"', 1, "The transfer has been pending for six days."),
    ("PHP 8.2 upgrade broke my plugins", 2, "Two plugins throw fatal errors since the upgrade."),
    ("Backups missing since last Tuesday", 2, "The backup list stops at last Tuesday."),
    ("Pre-sales: do you offer Windows VPS?", 4, "We need Windows Server for an old .NET app."),
    ("Billing address change", 3, "We moved offices; please update the invoice address."),
    ("Server load high on vps-204", 2, "Load average is above 20 and the site crawls."),
    ("Can't send mail from Outlook", 1, "Outlook asks for the password again and again."),
    ("请帮忙恢复数据库", 2, "我不小心删除了数据库, 能从昨天的备份恢复吗?"),
    (
        "Question about reseller pricing & limits",
        4,
        "How many cPanel accounts can a reseller create?",
    ),
    ("Cron job not running", 2, "My nightly cron has not run since Friday."),
    ("Tax ID missing on invoices", 3, "Our VAT number does not appear on the invoices."),
    ("Mailbox quota full - can't receive", 1, "The mailbox says 100% used after cleaning up."),
    ("500 error on /checkout", 2, "Customers get an Internal Server Error when paying."),
    ("Need a dedicated IP for O'Reilly's store", 4, "Do you sell extra IPv4 addresses?"),
    ("Nameservers for example.org not propagating", 1, "It has been 48 hours now."),
    ("Payment failed: card declined", 3, "The card works everywhere else."),
    ("Firewall blocking port 2083", 2, "I get a timeout on port 2083 from the office."),
    ("Request: increase upload_max_filesize", 2, "Please raise it to 256M for my site."),
    ("DDoS alert on 203.0.113.10", 2, "Monitoring shows a traffic spike on our IP."),
    ("Cancel hosting plan at end of term", 3, "Please do not renew the plan next month."),
    (
        "Discount code <SPRING24> not applied",
        3,
        "The code was accepted but the total did not change.",
    ),
    ("Datenbank-Export schlägt fehl", 2, "phpMyAdmin bricht den Export nach 30 Sekunden ab."),
    ('Webmail shows "session expired"', 1, "I am logged out of webmail every few minutes."),
    ("Add SPF & DKIM records", 2, "Gmail marks our newsletters as spam."),
    ("Slow site speed since Monday", 2, "Pages take eight seconds to load."),
    ("Quote for 5 VPS + managed backups", 4, "Please send a quote for a yearly contract."),
    ("Credit card on file expired", 3, "How do I add a new card before the renewal?"),
    ("FTP login failing", 1, "FileZilla says 530 Login incorrect."),
    ("Restore deleted files from yesterday", 2, "I deleted public_html/images by mistake."),
    ("ドメイン更新の確認 (domain renewal)", 3, "ドメインの更新料金を確認したいです。"),
    ("Change primary contact email", 1, "Please send everything to my new address."),
    (
        "Let's Encrypt wildcard certificate",
        2,
        "Can I get a wildcard certificate for *.example.net?",
    ),
    ("Website returns 502 Bad Gateway", 2, "Every page returns 502 since about an hour ago."),
    ("Overcharged for domain renewal", 3, "The renewal cost more than the price list says."),
    ("Is Node.js supported on shared plans?", 4, "We want to run a small Express app."),
    ("Suspended account - please reactivate", 3, "I paid the overdue invoice this morning."),
    ("Move account to another client profile", 1, "The site now belongs to my business partner."),
    ("Mail queue stuck on mx2", 2, "Outgoing mail sits in the queue for hours."),
    ("Partner program & affiliate payout", 4, "When is the affiliate commission paid out?"),
)

STAFF_REPLIES = (
    "Thanks for reaching out. We are looking into this now.",
    "We have applied a fix on our side; could you check again?",
    "Could you send us the exact error message & a screenshot?",
    "This is with our upstream provider; we will update you as soon as we hear back.",
)

CLIENT_FOLLOW_UPS = (
    "Still not working, I'm afraid.",
    "Thanks, that did it!",
    "Any news on this? It's getting urgent.",
)

NOTES = (
    "Checked the mail logs: greylisting on the recipient's side.",
    'Customer is on the legacy plan <Starter> & gets 10% off, see "pricing" doc.',
    "Escalated to the datacentre, case number DC-55120.",
    "Refund approved by Carol.",
)

# ticket id -> admin id, for the tickets flagged in the demo (4 is the disabled admin)
FLAGS = {3: 1, 7: 4, 11: 2, 15: 5, 22: 1, 28: 2, 34: 1, 40: 5, 47: 2}

STATUS_WEIGHTS = {
    "Open": 6,
    "Answered": 4,
    "Customer-Reply": 4,
    "On Hold": 1,
    "In Progress": 3,
    "Waiting on Vendor": 1,
    "Closed": 4,
}

DIGITS_MASK_TICKETS = range(1, 6)


def seed_tickets(db: sqlite3.Connection, now: datetime) -> None:
    """Write the demo tickets, their replies, notes and custom field values."""
    rng = random.Random(482913)
    closure = {dept_id: closes for dept_id, _, _, closes in DEPARTMENTS}
    admin_names = {a[0]: f"{a[2]} {a[3]}" for a in ADMINS}
    numbers: set[str] = set()
    for ticket_id, (subject, dept_id, body) in enumerate(TICKETS, start=1):
        if ticket_id == 42:
            status, priority, client = "Open", "Medium", 4
        else:
            status = rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            priority = rng.choice(("Low", "Medium", "Medium", "High"))
            client = rng.randrange(len(CLIENTS) + len(GUESTS))
        if client < len(CLIENTS):
            userid, name, email = CLIENTS[client]
        else:
            userid, (name, email) = 0, GUESTS[client - len(CLIENTS)]
        opened = now - timedelta(minutes=rng.randint(90, 60 * 24 * 20))
        message = f"Hello,\n\n{body}\n\nKind regards,\n{name}"
        tid = _ticket_number(rng, numbers, digits_only=ticket_id in DIGITS_MASK_TICKETS)
        opener = admin_names[1] if ticket_id % 13 == 0 else ""
        db.execute(
            "INSERT INTO tickets (id, tid, c, deptid, userid, name, email, cc, date, subject,"
            " message, status, priority, admin, lastreply, flag, service, markdown,"
            " prevent_client_closure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?, ?)",
            (
                ticket_id,
                tid,
                "".join(rng.choices(string.ascii_letters + string.digits, k=8)),
                dept_id,
                userid,
                htmlspecialchars(name),
                htmlspecialchars(email),
                "accounts@example.com" if ticket_id % 11 == 0 else "",
                opened.strftime(DATE_FORMAT),
                htmlspecialchars(subject),
                htmlspecialchars(message),
                status,
                priority,
                htmlspecialchars(opener),
                opened.strftime(DATE_FORMAT),
                FLAGS.get(ticket_id, 0),
                f"S{ticket_id + 100}" if userid and ticket_id % 3 == 0 else "",
                int(ticket_id % 4 == 0),
                int(closure[dept_id]),
            ),
        )
        if ticket_id != 42:
            _seed_conversation(db, rng, ticket_id, status, opened, now, (userid, name, email))
        if dept_id == 2 and ticket_id % 2 == 0:
            db.execute(
                "INSERT INTO ticket_fields (ticket_id, field_id, value) VALUES (?, 1, ?), (?, 2, ?)",
                (ticket_id, f"site{ticket_id}.example.net", ticket_id, f"web{ticket_id % 5}.host"),
            )
    for index, ticket_id in enumerate((3, 12, 20, 33)):
        noted = now - timedelta(minutes=30 + index * 47)
        db.execute(
            "INSERT INTO notes (ticket_id, admin, date, message) VALUES (?, ?, ?, ?)",
            (
                ticket_id,
                htmlspecialchars(admin_names[1 + index % 2]),
                noted.strftime(DATE_FORMAT),
                htmlspecialchars(NOTES[index]),
            ),
        )


def _ticket_number(rng: random.Random, taken: set[str], digits_only: bool) -> str:
    while True:
        number = (
            f"00{rng.randint(0, 9999):04d}" if digits_only else f"ABC-{rng.randint(0, 999999):06d}"
        )
        if number not in taken:
            taken.add(number)
            return number


def _seed_conversation(
    db: sqlite3.Connection,
    rng: random.Random,
    ticket_id: int,
    status: str,
    opened: datetime,
    now: datetime,
    client: tuple[int, str, str],
) -> None:
    """Add the replies that make a ticket's status believable, and move its last reply."""
    userid, name, email = client
    turns: list[str] = []
    if status in ("Answered", "Closed", "On Hold", "In Progress", "Waiting on Vendor"):
        turns = ["staff"]
    elif status == "Customer-Reply":
        turns = ["staff", "client"]
    if status == "Closed" and rng.random() < 0.5:
        turns += ["client", "staff"]
    stamp = opened
    for turn in turns:
        stamp = min(stamp + timedelta(minutes=rng.randint(10, 600)), now - timedelta(minutes=5))
        if turn == "staff":
            admin = ADMINS[rng.choice((0, 1, 2, 4))]
            row = (0, "", "", f"{admin[2]} {admin[3]}", rng.choice(STAFF_REPLIES))
        else:
            row = (userid, name, email, "", rng.choice(CLIENT_FOLLOW_UPS))
        db.execute(
            "INSERT INTO replies (ticket_id, userid, name, email, admin, message, date)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, row[0], *map(htmlspecialchars, row[1:]), stamp.strftime(DATE_FORMAT)),
        )
    if turns:
        db.execute(
            "UPDATE tickets SET lastreply = ? WHERE id = ?",
            (stamp.strftime(DATE_FORMAT), ticket_id),
        )

"""Every sentence the bot says in Slack, in one place."""

from __future__ import annotations

HELP_TITLE = "ticketbot: update WHMCS tickets from Slack"
HELP_USAGE = (
    "*Usage*\n"
    "`/ticket <ticket> <field> <value> [<field> <value> …]` changes a ticket\n"
    "`/ticket <ticket>` shows a ticket\n"
    "`/ticket help` shows this help\n\n"
    "A ticket is its id (`42`) or its ticket number (`#ABC-123456`)."
)
HELP_VALUES = (
    "`subject` and `message` take the rest of the line; put other values with spaces in quotes "
    "or let them run to the next field."
)
HELP_EXAMPLES_TITLE = "*Examples*"
# Each example with the permissions it needs.
HELP_EXAMPLES = (
    (("status",), "`/ticket 42 status Closed`"),
    (("priority", "dept"), "`/ticket #ABC-123456 priority High dept Billing`"),
    (("flag_self",), "`/ticket 42 flag me`"),
    (("flag_others",), "`/ticket 42 flag @alice`"),
    (("unflag_self",), "`/ticket 42 unflag`"),
    (("subject",), "`/ticket 42 subject Server down since 09:00`"),
    (
        ("created", "markdown", "client_close"),
        "`/ticket 42 created 2026-03-01 09:30 markdown on client-close prevent`",
    ),
    (("client", "contact"), '`/ticket 42 client 0 name "Jo Bloggs" email jo@example.com`'),
    (("customfields",), '`/ticket 42 cf.7 "rack B4"`'),
)
USAGE_SEE_HELP = "Type `/ticket help` for the fields and examples."
WORKING = "Working on ticket {ref}…"
WORKING_WHOAMI = "Looking you up…"
MALFORMED_COMMAND = "That request lacked details Slack always sends, so nothing was done."
REPLAYED_COMMAND = "That command was already handled, so nothing was done this time."
NOT_LINKED = (
    "Your Slack account (<@{user}>) is not linked to a WHMCS admin, so ticketbot cannot act "
    "for you. Ask whoever runs ticketbot to add `{user} = <your WHMCS admin id>` under "
    "`[users]` in ticketbot.toml."
)
NOTHING_CHANGED = "Nothing was changed."
NO_CHANGE = "Nothing to change on ticket {ticket}: {values}."
ALREADY = "{field} is already {value}"
REFUSED_TITLE = "Ticket {ticket} was not changed"
REFUSED_NO_TICKET = "No ticket was changed"
UPDATED_TITLE = "Ticket {ticket} updated"
PARTIAL_TITLE = "Ticket {ticket} was only partly changed"
PARTIAL_EXPLAIN = (
    "WHMCS refused the change after it had already written some fields (WHMCS updates are not "
    "all-or-nothing). The ticket now stands as below."
)
UNKNOWN_TITLE = "Ticket {ticket}: outcome unknown"
UNKNOWN_EXPLAIN = (
    "What changed could not be confirmed: {reason}. Check the ticket in WHMCS before you try "
    "again; the change was not sent twice."
)
READ_BACK = "WHMCS's answer was lost ({reason}); the ticket was read back to confirm what changed."
UNCONFIRMED = "asked: {change}, not confirmed"
CHANGED_BY = "Changed by <@{user}> (linked WHMCS admin: {admin})"
SET_TO = "set to {after}"
HIDDEN = "changed (value shown only to <@{user}>)"
NO_SUBJECT = "(no subject)"
FAILED = (
    "Something went wrong while handling that command, and it was not finished. Check the ticket "
    "in WHMCS before trying again."
)
SANDBOX_FOOTER = (
    ":test_tube: Built-in sandbox WHMCS with demo data, not your WHMCS. "
    "Set WHMCS_URL to connect your own."
)
SHOW_TITLE = "Ticket {ticket}"
SHOW_LAST_REPLY = "Last reply {when}"
SHOW_OPENING = "*Opening message*\n{message}"
GUEST = "guest"
UNFLAGGED = "unflagged"

# Who is who, and what they may do
HELP_FIELD_LINES = {
    "status": "`status <status>`: a status configured in WHMCS",
    "priority": "`priority Low|Medium|High`",
    "dept": "`dept <department name or id>`",
    "subject": "`subject <text>`: takes the rest of the line",
    "flag": "`flag me`, `flag @someone` or `flag <admin id>`; `unflag`",
    "contact": "`name`, `email`, `cc <addresses>`: the ticket's contact details",
    "client": "`client <client id>`; `client 0` makes it a guest ticket (needs name and email)",
    "created": "`created YYYY-MM-DD HH:MM` in WHMCS server time",
    "message": "`message <text>`: replaces the opening message",
    "markdown": "`markdown on|off`",
    "customfields": "`cf.<id> <value>`: a custom field",
    "client_close": "`client-close allow|prevent`",
}
HELP_YOU_MAY = "*You may change*"
HELP_NOTHING = "Your role lets you change no fields. Type `/ticket whoami` to see why."
HELP_UNKNOWN_ROLE = "*Fields* (type `/ticket whoami` to see which of them you may change)"
HELP_MORE = "`/ticket <ticket> history` shows recent changes made from Slack; `/ticket whoami` shows who you act as."
WHOAMI_TITLE = "You act as {admin} (WHMCS admin {admin_id})"
WHOAMI_HOW = {
    "config": "Linked in ticketbot.toml",
    "email": "Matched by your Slack email to the WHMCS admin with the same email",
}
WHOAMI_ROLE = "*Role*: {role}"
WHOAMI_DEPARTMENTS = "*Departments*: {departments}"
WHOAMI_NO_DEPARTMENTS = "*Departments*: none assigned in WHMCS"
WHOAMI_ANY_DEPARTMENT = " (department limits are off: any ticket)"
WHOAMI_MAY = "*You may*: {actions}"
WHOAMI_MAY_NOTHING = "*You may*: nothing yet"
UNLINKED_TITLE = "You are not linked to a WHMCS admin"
HISTORY_TITLE = "Changes to {ticket} made from Slack"
HISTORY_NONE = "No change to this ticket has been made from Slack yet."
HISTORY_LINE = "{at} <@{user}> {outcome}: {changes}"
HISTORY_HIDDEN = "changed"
ACTION_WORDS = {
    "view": "view tickets",
    "status": "change the status",
    "priority": "change the priority",
    "dept": "move tickets to another department",
    "subject": "change the subject",
    "flag_self": "flag tickets to yourself",
    "flag_others": "flag tickets to others",
    "unflag_self": "unflag tickets flagged to you",
    "unflag_others": "unflag tickets flagged to others",
    "contact": "change contact details (name, email, cc)",
    "client": "change the client",
    "created": "change the created date",
    "message": "replace the opening message",
    "markdown": "switch markdown",
    "customfields": "set custom fields",
    "client_close": "set whether the client may close",
}

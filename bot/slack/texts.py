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
HELP_FIELDS = (
    "*Fields*\n"
    "`status` `priority` `dept` `subject` `flag` `unflag` `cc` `name` `email` `client` "
    "`created` `message` `markdown` `client-close` `cf.<id>`\n"
    "`subject` and `message` take the rest of the line; put other values with spaces in quotes "
    "or let them run to the next field."
)
HELP_EXAMPLES = (
    "*Examples*\n"
    "`/ticket 42 status Closed`\n"
    "`/ticket #ABC-123456 priority High dept Billing`\n"
    "`/ticket 42 flag me`   `/ticket 42 flag @alice`   `/ticket 42 unflag`\n"
    "`/ticket 42 subject Server down since 09:00`\n"
    "`/ticket 42 created 2026-03-01 09:30 markdown on client-close prevent`\n"
    '`/ticket 42 client 0 name "Jo Bloggs" email jo@example.com`\n'
    '`/ticket 42 cf.7 "rack B4"`'
)
USAGE_SEE_HELP = "Type `/ticket help` for the fields and examples."
WORKING = "Working on ticket {ref}…"
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

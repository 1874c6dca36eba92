"""Every sentence the bot says in Slack, in one place."""

from __future__ import annotations

HELP_TITLE = "ticketbot: update WHMCS tickets from Slack"
HELP_USAGE = (
    "*Usage*\n"
    "`/ticket &lt;ticket&gt; &lt;field&gt; &lt;value&gt; [&lt;field&gt; &lt;value&gt; …]` changes a ticket\n"
    "`/ticket &lt;ticket&gt;` opens a form to view and change the ticket\n"
    "`/ticket &lt;ticket&gt; card` posts the ticket's card, with buttons, in this channel\n"
    "`/ticket &lt;ticket&gt; history` shows its recent changes made from Slack\n"
    "`/ticket whoami` shows whom you act as in WHMCS\n"
    "`/ticket triage` shows which triage routes post tickets in this channel\n"
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
NOTHING_CHANGED = "Nothing was changed."
NO_CHANGE = "Nothing to change on ticket {ticket}: {values}."
ALREADY = "{field} is already {value}"
REFUSED_TITLE = "Ticket {ticket} was not changed"
REFUSED_NO_TICKET = "No ticket was changed"
DENIED_TITLE = "Not allowed"
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
    "status": "`status &lt;status&gt;`: a status configured in WHMCS",
    "priority": "`priority Low|Medium|High`",
    "dept": "`dept &lt;department name or id&gt;`",
    "subject": "`subject &lt;text&gt;`: takes the rest of the line",
    "flag": "`flag me`, `flag @someone` or `flag &lt;admin id&gt;`; `unflag`",
    "contact": "`name`, `email`, `cc &lt;addresses&gt;`: the ticket's contact details",
    "client": "`client &lt;client id&gt;`; `client 0` makes it a guest ticket (needs name and email)",
    "created": "`created YYYY-MM-DD HH:MM` in WHMCS server time",
    "message": "`message &lt;text&gt;`: replaces the opening message",
    "markdown": "`markdown on|off`",
    "customfields": "`cf.&lt;id&gt; &lt;value&gt;`: a custom field",
    "client_close": "`client-close allow|prevent`",
}
HELP_YOU_MAY = "*You may change*"
HELP_NOTHING = "Your role lets you change no fields. Type `/ticket whoami` to see why."
HELP_UNKNOWN_ROLE = "*Fields* (type `/ticket whoami` to see which of them you may change)"
HELP_MORE = (
    "`/ticket &lt;ticket&gt; history` shows recent changes made from Slack; "
    "`/ticket whoami` shows who you act as."
)
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
HISTORY_LINE = "{at} <@{user}> {outcome} ({source}): {changes}"
HISTORY_SOURCES = {"command": "/ticket", "form": "form", "button": "card"}
HISTORY_HIDDEN = "changed"
HISTORY_ASKED = "asked for {changes}"
OUTCOME_WORDS = {
    "done": "changed",
    "partial": "partly changed",
    "no_change": "no change",
    "denied": "not allowed",
    "refused": "refused",
    "unknown": "outcome unknown",
    "failed": "failed",
    "unlinked": "not linked",
    "started": "in progress",
}
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

# Ticket cards
CARD_TITLE = "Ticket {ticket}"
CARD_FALLBACK = "Ticket {ticket}: {subject}"
CARD_FROM = "*From*\n{name} ({owner})"
CARD_DEPARTMENT = "*Department*\n{department}"
CARD_STATUS = "*Status*\n{status}"
CARD_PRIORITY = "*Priority*\n{priority}"
CARD_FLAG = "*Flagged to*\n{flag}"
CARD_LAST_REPLY = "*Last reply*\n{age}"
CARD_LAST_REPLY_AT = "*Last reply*\n{age} ({when})"
CARD_EMAIL_HIDDEN = "(email address hidden)"
CARD_OPEN_IN_WHMCS = "Open in WHMCS"
CARD_FLAG_ME = "Flag to me"
CARD_UNFLAG = "Unflag"
CARD_CLOSE = "Close"
CARD_REOPEN = "Reopen"
CARD_EDIT = "Edit"
CARD_REFRESH = "Refresh"
CARD_STATUS_PLACEHOLDER = "Set status"
CARD_PRIORITY_PLACEHOLDER = "Set priority"
CARD_CLOSE_CONFIRM_TITLE = "Close this ticket?"
CARD_CLOSE_CONFIRM = "Ticket {ticket} will be set to {status} in WHMCS."
CARD_CLOSE_CONFIRM_YES = "Close it"
CARD_CLOSE_CONFIRM_NO = "Cancel"
CARD_BY = "{changes} by {user}"
CARD_BY_AT = "{changes} by {user}, {when}"
CARD_FLAGGED_TO = "Flagged to {admin}"
CARD_UNFLAGGED = "Unflagged"
CARD_SET = "{field} set to {value}"
CARD_MOVED = "Moved to {department}"
CARD_FIELD_CHANGED = "{field} changed"
CARD_WAS = "{line} (was {before})"
CARD_POSTED = "Posted the card of ticket {ticket} in this channel."
CARD_NOT_IN_CHANNEL = (
    "ticketbot is not in this channel, so it cannot post the card here. Type "
    "`/invite @ticketbot` in this channel, then try again."
)
CARD_POST_REFUSED = "Slack refused the card ({error}), so it was not posted."
CARD_SETTER = " (by {user})"
CARD_TAKE_OVER_ASK = "Ticket {ticket} is already flagged to {admin}{by}. Take it over?"
CARD_TAKE_OVER = "Take it over"
CARD_TAKE_OVER_DONE = "You took over ticket {ticket} from {admin}."
CARD_ALREADY_FLAGGED = "Ticket {ticket} is already flagged to {admin}{by}."
CARD_ALREADY_UNFLAGGED = "Ticket {ticket} is already unflagged{by}."
CARD_ALREADY_STATUS = "Ticket {ticket} is already {value}{by}."
CARD_ALREADY_PRIORITY = "Ticket {ticket} already has priority {value}{by}."
CARD_NOT_REDRAWN = (
    "The change was made, but the card could not be redrawn: press Refresh on it to see the "
    "ticket as it is now."
)
CARD_EDIT_REFUSED = "Slack would not open the form (it waits only 3 seconds): click Edit again."
CARD_UNREADABLE = (
    "This button could not be read, so nothing was done. Post a fresh card with "
    "`/ticket &lt;ticket&gt; card`."
)
CARD_FAILED = (
    "Something went wrong while handling that click, and it may not have finished. Check the "
    "ticket in WHMCS before trying again."
)
CARD_REFRESH_FAILED = (
    "The card could not be redrawn. Post a fresh one with `/ticket &lt;ticket&gt; card`."
)

# Triage: cards kept current with changes made anywhere
TRIAGE_IN_WHMCS = "{changes} in WHMCS"
TRIAGE_REPLY_FROM_CLIENT = "New reply from {author}"
TRIAGE_REPLY_FROM_STAFF = "{author} replied"
TRIAGE_REPLY = "New reply"
TRIAGE_LEFT_MOVED = "Moved to {department}: no longer in this channel's triage"
TRIAGE_LEFT_STATUS = "Now {status}: no longer in this channel's triage"
TRIAGE_LEFT = "No longer in this channel's triage ({status}, priority {priority})"
TRIAGE_HIGH_PRIORITY = "{mention} High priority ticket"
TRIAGE_DELETED = "This ticket was deleted in WHMCS"

# /ticket triage
WORKING_TRIAGE = "Looking up this channel's triage routes…"
TRIAGE_TITLE = "Triage routes for this channel"
TRIAGE_INTRO_ONE = "One `[[triage]]` route in ticketbot.toml posts tickets in <#{channel}>."
TRIAGE_INTRO = "{count} `[[triage]]` routes in ticketbot.toml post tickets in <#{channel}>."
TRIAGE_POLLED = "WHMCS is checked for new and changed tickets {every}."
TRIAGE_EVERY = "every {duration}"
TRIAGE_EVERY_ONE = {"hour": "every hour", "minute": "every minute", "second": "every second"}
TRIAGE_UNITS = {
    "hour": ("1 hour", "{count:g} hours"),
    "minute": ("1 minute", "{count:g} minutes"),
    "second": ("1 second", "{count:g} seconds"),
}
TRIAGE_ROUTE = "*Triage route {number}* in ticketbot.toml"
TRIAGE_DEPARTMENTS = "*Departments*: {departments}"
TRIAGE_DEPARTMENT_ID = "department {id}"
TRIAGE_NOT_IN_WHMCS = "{department} (not in WHMCS)"
TRIAGE_STATUSES = "*Statuses*: {statuses}"
TRIAGE_EVERY_STATUS = "every active status"
TRIAGE_PRIORITIES = "*Priorities*: {priorities}"
TRIAGE_EVERY_PRIORITY = "every priority"
TRIAGE_LEFT_OUT = "*Left out*: {exclusions}"
TRIAGE_LEFT_OUT_STATUSES = "status {statuses}"
TRIAGE_LEFT_OUT_SUBJECTS = "subjects containing {words}"
TRIAGE_QUOTED = "“{text}”"
TRIAGE_PINGS = "*High priority pings*: {mention}"
TRIAGE_PINGS_NOBODY = "*High priority pings*: nobody"
TRIAGE_BACKFILL = (
    "*Backfill*: {hours} (when the channel was first polled, tickets already waiting were "
    "posted if their last activity was that recent)"
)
TRIAGE_NO_BACKFILL = (
    "*Backfill*: none (tickets already waiting when the channel was first polled were not posted)"
)
TRIAGE_MISSING = (
    ":warning: A department marked (not in WHMCS) brings no tickets to this channel: check its "
    "name or id under Support Departments in WHMCS's System Settings."
)
TRIAGE_NAMES_UNCHECKED = (
    ":warning: Department names could not be checked ({reason}), so the departments are shown "
    "as ticketbot.toml lists them."
)
TRIAGE_MORE_ROUTES = "{count} more routes post tickets in this channel; ticketbot.toml lists them."
TRIAGE_NONE_TITLE = "No triage routes post tickets in this channel"
TRIAGE_NONE = (
    "No `[[triage]]` route in ticketbot.toml posts tickets in <#{channel}>. To have new tickets "
    "posted here, add a route like this one, then restart ticketbot:"
)
TRIAGE_EXAMPLE = (
    '```[[triage]]\nchannel = "{channel}"\ndepartments = ["Technical Support"]  '
    "# department names or ids```"
)
TRIAGE_EXAMPLE_KEYS = (
    "A route may also set `statuses`, `priorities`, `exclude_statuses`, "
    "`exclude_subject_contains`, `mention` (a user group or user pinged on High priority) and "
    "`backfill` (hours of already waiting tickets to post on the first poll). Invite ticketbot "
    "to this channel (`/invite @ticketbot`) so it can post here."
)
TRIAGE_CHANNELS = "*Channels with triage routes*: {channels}"
TRIAGE_MORE_CHANNELS = "{channels} and {count} more"
TRIAGE_NO_CHANNELS = "No channel has a triage route yet."
TRIAGE_NOT_A_CHANNEL = (
    "Type `/ticket triage` in a channel: it shows the triage routes that post tickets there. "
    "Tickets are never posted in direct messages."
)

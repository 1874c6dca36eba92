"""What the ticket form says: its labels, hints, placeholders and notices."""

# The ticket form
FORM_TITLE = "Update ticket"
FORM_SUBMIT = "Save"
FORM_CLOSE = "Cancel"
FORM_REF_SUBMIT = "Next"
FORM_HEADER = "Ticket {ticket}"
FORM_LOADING = "Loading ticket {ref} …"
FORM_SAVING = "Saving ticket {ticket} …"
FORM_FAILED = ":warning: *{message}*"
FORM_RETRY = "Try again"
FORM_OPEN_IN_WHMCS = "Open in WHMCS"
FORM_REF_LABEL = "Ticket"
FORM_REF_PLACEHOLDER = "42 or #ABC-123456"
FORM_REF_HINT = "A ticket's internal id, or its ticket number with a #; both are shown in WHMCS."
FORM_PICK_LABEL = "Which ticket?"
FORM_PICK_PLACEHOLDER = "Pick a ticket"
FORM_PICK_HINT = "The message names more than one ticket."
FORM_FROM = "*From*: {name} ({owner})"
FORM_DEPARTMENT = "*Department*: {department}"
FORM_STATUS_PRIORITY = "*Status*: {status}    *Priority*: {priority}"
FORM_FLAG = "*Flag*: {flag}"
FORM_LAST_REPLY = "*Last reply*: {when}"
FORM_LAST_REPLY_AGE = "*Last reply*: {when} ({age})"
FORM_JUST_NOW = "just now"
FORM_MINUTES_AGO = "{count} minutes ago"
FORM_HOURS_AGO = "{count} hours ago"
FORM_DAYS_AGO = "{count} days ago"
FORM_ONE_AGO = {"minutes": "1 minute ago", "hours": "1 hour ago", "days": "1 day ago"}
FORM_DEPARTMENT_ID = "Department {id}"
FORM_ADMIN_ID = "Admin {id}"
FORM_LABELS = {
    "subject": "Subject",
    "status": "Status",
    "priority": "Priority",
    "dept": "Department",
    "flag": "Flag to",
    "unflag": "Flag",
    "client": "Client id",
    "name": "Name",
    "email": "Email",
    "cc": "CC",
    "created_date": "Created: date",
    "created_time": "Created: time",
    "message": "Opening message",
    "markdown": "Markdown",
    "client_close": "Client may close the ticket",
}
FORM_CUSTOMFIELD_LABEL = "{label} (cf.{id})"
FORM_LEAVE = "Leave as it is"
FORM_MARKDOWN_ON = "On"
FORM_MARKDOWN_OFF = "Off"
FORM_FOLLOW_DEPARTMENT = "Follow the department"
FORM_ALLOW = "Allow"
FORM_PREVENT = "Prevent"
FORM_REMOVE_FLAG = "Remove the flag"
FORM_FLAG_PLACEHOLDER = "Pick an admin"
FORM_DEPARTMENT_PLACEHOLDER = "Pick a department"
FORM_STATUS_PLACEHOLDER = "Pick a status"
FORM_PRIORITY_PLACEHOLDER = "Pick a priority"
FORM_CURRENTLY = "Currently: {value}"
FORM_SHORTENED = (
    "Shortened to fit: the current value is longer than {limit} characters. Leave it as it is "
    "to keep it whole."
)
FORM_EMAIL_NOT_SHOWN = "The current address cannot be shown here; leave this empty to keep it."
FORM_FLAG_SELF_ONLY = "Your role lets you flag tickets to yourself only."
FORM_UNFLAG_HINT = "Currently flagged to {admin}."
FORM_CLIENT_HINT = "0 makes it a guest ticket, which needs a name and an email address."
FORM_CC_HINT = "Addresses separated by commas."
FORM_CREATED_HINT = "WHMCS server time ({zone}). Pick both a date and a time."
FORM_MESSAGE_HINT = "Replaces the opening message; the customer gets no reply or email."
FORM_MESSAGE_NOT_SHOWN = (
    "The current opening message has {length} characters, more than this box holds ({limit}), "
    "so it is not shown. Leave this empty to keep it."
)
FORM_MARKDOWN_HINT = "WHMCS does not report whether the ticket uses markdown now."
FORM_CLIENT_CLOSE_HINT = (
    "WHMCS does not report the current setting. When the department changes and this is left "
    "as it is, the ticket takes the new department's setting."
)
FORM_CUSTOMFIELD_HINT = "WHMCS does not report the current value; leave this empty to keep it."
FORM_MORE_CUSTOMFIELDS = (
    "{count} more custom fields do not fit in this form; set them with "
    "`/ticket {ticket} cf.<id> <value>`."
)
FORM_CUSTOMFIELDS_UNLISTED = (
    "Custom fields are set with `/ticket {ticket} cf.<id> <value>`: none are listed under "
    "`[customfields]` in ticketbot.toml, so the form cannot show them."
)
FORM_NOTHING_TO_CHANGE = "Your role lets you change none of this ticket's fields."
FORM_SUBJECT_EMPTY = "A ticket needs a subject: write one, or put back the current one."
FORM_CANNOT_CLEAR = "WHMCS cannot empty this: enter a new value, or put back the current one."
FORM_MESSAGE_EMPTY = (
    "WHMCS cannot empty the opening message: write a new one, or put back the current one."
)
FORM_PICK_TIME = "Pick a time as well, or clear the date."
FORM_PICK_DATE = "Pick a date as well, or clear the time."
FORM_CLIENT_INVALID = "A client id is a whole number, 0 or more (0 makes it a guest ticket)."
FORM_GUEST_NEEDS_CONTACT = "A guest ticket (client 0) needs a name and an email address."
FORM_GUEST_NEEDS_CONTACT_ROLE = (
    "A guest ticket (client 0) needs a name and an email address, and your role does not let "
    "you change contact details."
)
FORM_NEEDED_FOR_GUEST = "Needed for a guest ticket (client 0)."
FORM_FLAG_AND_UNFLAG = "Flag the ticket or remove its flag, not both."
FORM_NOT_OFFERED = "This form does not let you change this field, so nothing was changed."
FORM_NOT_A_CHOICE = "That is not one of the choices this form offered; close it and open it again."
FORM_REF_INVALID = (
    "That is not a ticket reference: type the ticket's id (42) or its ticket number with a # "
    "(#ABC-123456)."
)
FORM_TOO_SLOW = "WHMCS did not answer within {seconds:g} seconds"
FORM_TOO_SLOW_HINT = "Try again in a minute; if it keeps happening, WHMCS may be overloaded."
FORM_BROKEN = "Something went wrong while loading the ticket"
FORM_BROKEN_HINT = "Try again; if it keeps failing, tell whoever runs ticketbot."
FORM_UNTRUSTED = (
    ":no_entry: *This form could not be checked, so nothing was changed.*\n"
    "It was opened by someone else, or it was altered. Close it and open the ticket again."
)
FORM_SAVED = ":white_check_mark: Ticket {ticket} saved. What changed was sent to you in Slack."
FORM_NOTHING_TO_SAVE = (
    ":information_source: Nothing to save: every field still has the value the form opened with."
)
FORM_NOT_SAVED = ":no_entry: *Ticket {ticket} was not changed.*"
FORM_SAVE_BROKEN = (
    ":warning: *Something went wrong while saving, and it may not have finished.* Check the "
    "ticket in WHMCS before you save again."
)
FORM_CHANGED_MEANWHILE = (
    ":warning: *Someone changed this ticket in WHMCS while the form was open, so nothing was "
    "saved.* The marked fields now show the ticket's current values: check them and save again."
)
FORM_CLASHED = (
    "Changed in WHMCS while this form was open{now}. Your change to it was not saved: set it "
    "again if you still mean to."
)
FORM_CHANGED = "Changed in WHMCS while this form was open{now}."
FORM_NOW = "; now {value}"
FORM_FLAG_ME = "Me ({name})"
FORM_ADMIN_OPTION = "{name} ({username})"

# The ticket form: a save that may not go ahead, or whose outcome is not all it seems
FORM_BACK = "Back"
FORM_OUTDATED = (
    ":information_source: *This copy of the form is out of date, so nothing was saved.* The "
    "form was reloaded with the ticket's current values since: go back to it and save from there."
)
FORM_ALREADY_SAVED = (
    ":information_source: *This form was saved already, so it was not saved again.* To change "
    "ticket {ticket} further, open it again with `/ticket {ticket}`."
)
FORM_PARTLY_SAVED = (
    ":warning: *Ticket {ticket} was only partly saved.* Check the fields WHMCS refused before "
    "you change them again."
)
FORM_NOT_CONFIRMED = (
    ":warning: *The change to ticket {ticket} could not be confirmed.* Check the ticket in "
    "WHMCS before you save again: the change was not sent twice."
)
FORM_LEFT_OUT = (
    "Left out to stay within Slack's 100 blocks: {fields}. Close the form and open it again "
    "to see them."
)

"""What the demo console says, in one place."""

BANNER = (
    "ticketbot demo: the real bot, a sandbox WHMCS with demo tickets and a stand-in for Slack,\n"
    "all inside this process: nothing leaves this machine.\n"
    "Try: /ticket 42 status Closed · /ticket 42 card, then click 1 · /ticket 42 (the form)"
    " · /ticket help · help\n"
    "Demo users: {people}.\n"
    "You are {you} in #{channel}; 'as {other}' switches to {other_name}."
)
PERSON = "{user} {name} (WHMCS admin {admin}, role {role})"
HELP = """\
/ticket <anything>      what a Slack user types, e.g. /ticket 42 priority High (/ticket help)
click N | click <text>  press button N (or the one with that text, e.g. click flag to me)
                        of the last message or form that had buttons
select N <option>       pick an option by its text in menu N, e.g. select 5 On Hold
set N <value>           fill input N of the open form (for a menu: an option's text)
submit | cancel | form  save the open form, close it, or show it again
as <user>               act as another demo user: UALICE (lead) or UBOB (agent)
quit                    leave (end of input does too)"""
UNKNOWN = "Not a demo command: type /ticket help for the bot's commands, help for the console's."
ONLY_TICKET = "This demo has one slash command, /ticket; {command} is not installed."
NOT_ACKED = "The bot did not accept the request (HTTP {status})."
STILL_WORKING = "(the bot is still working; its answer shows after the next line)"
NOTHING_TO_CLICK = "Nothing to click yet: /ticket 42 card posts a card with buttons."
NO_SUCH_CONTROL = "Pick a number from 1 to {count}, as numbered in the last message with buttons."
NO_SUCH_BUTTON = "No one button reads {text!r}; the buttons are {buttons}."
IS_BUTTON = "[{number}] is a button: click {number}"
IS_MENU = "[{number}] is a menu: select {number} <option>"
SELECT_WHAT = "Say which option: select N <option text>"
NO_SEARCH_MENUS = "The demo cannot search in this menu."
CONFIRMED = '(Slack asks "{title}" {text} The demo answers "{confirm}".)'
NOT_YOURS = "That message is someone else's: only they can click it."
GONE = "Nothing happened: {reason}."
NO_FORM = "No form is open: /ticket 42 opens one."
NO_SUCH_INPUT = "The form has inputs 1 to {count}: set N <value>"
NOT_SAVED = "The form was not saved:"
NO_SUCH_PERSON = "no such demo user; the demo users are {people}"
NOW_YOU_ARE = "You are now {who}."
IN_DM = "[direct message]"
IN_THREAD = ", thread"
ONLY_YOU = ", only you"
ONLY_FOR = ", only {name}"
REMOVED = "(message removed)"
CARD_UPDATED = "card updated: "
REPLY_UPDATED = "reply updated: "
FORM_OPENED = "[form opened: {title}]"
FORM_UPDATED = "[form updated: {title}]"
FORM_SHOWN = "[form: {title}]"
FORM_CLOSED = "[form closed: {title}]"
FORM_HOWTO = "set N <value> to fill in, then submit ({submit}); cancel closes the form"
SUBMIT = "Submit"

"""Every line `ticketbot check` prints: what was checked and, on failure, what to do."""

from __future__ import annotations

# Settings and ticketbot.toml
SETTINGS_OK = "settings: the environment and .env hold every required setting, well-formed"
SETTINGS_NOT_CHECKED = "{area} not checked: fix the settings above first ({names})"
CONFIG_MISSING = (
    "config file {path} does not exist (TICKETBOT_CONFIG): no Slack user is linked by id and no "
    "triage channel is set; staff are matched to WHMCS admins by email only"
)
CONFIG_OK = (
    "config file {path}: {users} linked Slack user{users_s}, {routes} triage route{routes_s} to "
    "{channels} channel{channels_s}"
)
CONFIG_NOT_CHECKED = "[users] and [[triage]] not checked against Slack and WHMCS: fix {path} first"

# Slack
SLACK_AUTH_OK = (
    "Slack accepted SLACK_BOT_TOKEN (auth.test at {api_url}): workspace {team} ({team_id}), "
    "bot user @{bot} ({bot_id})"
)
SLACK_AUTH_REFUSED = (
    "Slack did not accept SLACK_BOT_TOKEN ({error}): copy the Bot User OAuth Token (xoxb-) again "
    "from your Slack app's OAuth & Permissions page"
)
SLACK_UNREACHABLE = (
    "Slack could not be reached at {api_url} ({reason}): check SLACK_API_URL and this host's "
    "network"
)
SLACK_FAULT = "Slack answered {method} with {error}: try again; if it persists, see Slack's status"
SCOPES_OK = "Slack bot scopes: all {count} the bot needs are granted ({scopes})"
SCOPES_UNKNOWN = (
    "Slack did not list the bot token's scopes (no x-oauth-scopes header on auth.test): compare "
    "them with manifest.yml under OAuth & Permissions by hand"
)
SCOPE_MISSING = (
    "Slack bot scope {scope} is missing (needed for {purpose}): add it under OAuth & Permissions "
    "> Bot Token Scopes, and reinstall the app after adding it"
)
APP_TOKEN_OK = "Slack accepted SLACK_APP_TOKEN (apps.connections.open): Socket Mode can connect"
APP_TOKEN_UNSET = (
    "SLACK_APP_TOKEN is not set: the bot runs in HTTP mode and needs Slack's request URLs set to "
    "https://<your host>/slack/events"
)
APP_TOKEN_REFUSED = (
    "Slack did not accept SLACK_APP_TOKEN ({error}): generate an app-level token with the scope "
    "connections:write under Basic Information > App-Level Tokens, and turn Socket Mode on"
)
CHANNEL_OK = "triage channel {channel} (#{name}): exists and the bot is a member"
CHANNEL_NOT_MEMBER = (
    "triage channel {channel} (#{name}): the bot is not a member: type /invite @{bot} in #{name}"
)
CHANNEL_ARCHIVED = (
    "triage channel {channel} (#{name}) is archived: unarchive it, or route its tickets to "
    "another channel in [[triage]]"
)
CHANNEL_NOT_FOUND = (
    "triage channel {channel}: Slack knows no such channel, or it is private and the bot is not "
    "in it (channel_not_found): check the id (channel name > About > Channel ID), or type "
    "/invite @{bot} in the channel"
)
CHANNEL_NO_SCOPE = (
    "triage channel {channel} could not be read ({error}, needs {needed}): add the scope and "
    "reinstall the app after adding it"
)
CHANNEL_REFUSED = "triage channel {channel} could not be read: Slack answered {error}"

# WHMCS
BUILTIN_SANDBOX = (
    "WHMCS_URL is not set: checking the built-in sandbox WHMCS with demo data instead (no real "
    "ticket is touched); set WHMCS_URL, WHMCS_IDENTIFIER and WHMCS_SECRET to connect your WHMCS"
)
WHMCS_REACHED = "WHMCS answered at {api_url}"
WHMCS_UNREACHABLE = (
    "WHMCS could not be reached at {api_url} ({reason}): check WHMCS_URL (the address of your "
    "install, e.g. https://billing.example.com) and that this host can reach it: firewall, proxy, "
    "DNS"
)
WHMCS_NO_ANSWER = (
    "WHMCS at {api_url} gave no usable answer ({reason}): check that WHMCS_URL is the address of "
    "your WHMCS install (its API is <WHMCS_URL>/includes/api.php)"
)
WHMCS_CREDENTIALS_OK = "WHMCS accepted the API credential"
WHMCS_STOPPED = ". No further call was sent"
WHMCS_STOPPED_LOGIN = (
    ". No further call was sent, so that WHMCS does not ban this host's address for repeated "
    "failed logins"
)
ACCESS_IP = (
    "WHMCS refused this host's address {ip} (Invalid IP {ip}): allow {ip} under Configuration > "
    "System Settings > General Settings, Security tab, API IP Access Restriction, or set an "
    "access key in WHMCS's "
    "configuration.php ($api_access_key) and put the same value in WHMCS_ACCESS_KEY"
)
ACCESS_KEY = (
    "WHMCS did not accept WHMCS_ACCESS_KEY (Invalid Access Key): put the value of $api_access_key "
    "from WHMCS's configuration.php in WHMCS_ACCESS_KEY, or remove it and allow this host's "
    "address under API IP Access Restriction"
)
ACCESS_BANNED = (
    "WHMCS has banned this host's address after repeated failed logins (IP Banned): fix "
    "WHMCS_IDENTIFIER and WHMCS_SECRET, then remove the ban in WHMCS under Configuration > "
    "System Settings > Banned IPs, or wait for it to expire (30 minutes)"
)
ACCESS_CREDENTIALS = (
    "WHMCS did not accept the API credential (Invalid or missing credentials): WHMCS knows no "
    "credential with this WHMCS_IDENTIFIER; copy the identifier and secret again from "
    "Configuration > System Settings > Manage API Credentials"
)
ACCESS_AUTHENTICATION = (
    "WHMCS did not accept the API credential (Authentication Failed): WHMCS_SECRET does not "
    "match WHMCS_IDENTIFIER; generate a new secret under Configuration > System "
    "Settings > Manage API Credentials and put it in WHMCS_SECRET"
)
ACTION_ALLOWED = "WHMCS API role allows {action}"
ACTION_DENIED = (
    "WHMCS API role does not allow {action}: add it to the credential's role under "
    "Configuration > System Settings > Manage API Credentials, API Roles tab"
)
ACTION_UNKNOWN = (
    "WHMCS does not know the API action {action} ({message}): update WHMCS; the bot needs "
    "WHMCS 7.8 or newer"
)
ACTION_REFUSED = "WHMCS refused {action} ({message}): check the API credential and its role"
ACTION_UNUSABLE = "WHMCS's answer to {action} was not usable ({reason}); the outcome is unknown"
STATUSES_OK = "WHMCS has {count} ticket status{es}: {titles}"
DEPARTMENTS_OK = "WHMCS has {count} support department{s}: {names}"
NO_DEPARTMENTS = (
    "WHMCS has no support department: create one under System Settings > Support Departments"
)
TIMEZONE_OK = (
    "WHMCS_TIMEZONE {zone}: now {now} there; the newest ticket, {ticket}, last changed {newest}"
)
TIMEZONE_NO_TICKET = "WHMCS_TIMEZONE {zone}: now {now} there; WHMCS has no ticket to compare with"
TIMEZONE_AHEAD = (
    "WHMCS_TIMEZONE {zone} looks wrong: the newest ticket, {ticket}, last changed {newest}, "
    "{ahead} after now there ({now}): set WHMCS_TIMEZONE to the WHMCS server's time zone"
)

# [users]
USER_OK = "users.{user}: Slack user @{name} acts as WHMCS admin {admin} ({admin_name}), role {role}"
USER_NOT_IN_SLACK = (
    "users.{user}: Slack has no such user ({error}): copy the member id again (Slack profile > "
    "⋮ > Copy member ID)"
)
USER_DEACTIVATED = (
    "users.{user}: Slack user @{name} is deactivated: remove the line, or link the person's new "
    "account"
)
USER_LOOKUP_FAILED = "users.{user}: Slack could not say whether the user exists ({error})"
ADMIN_MISSING = (
    "users.{user} is linked to WHMCS admin {admin}, which WHMCS does not have: use an id from "
    "System Settings > Administrator Users"
)
ADMIN_DISABLED = (
    "users.{user} is linked to WHMCS admin {admin} ({admin_name}), which is disabled in WHMCS: "
    "enable the admin, or link the user to an enabled one"
)
ADMINS_NOT_READ = "[users] not checked against WHMCS's admins: GetAdminUsers could not be read"

# [[triage]] routes against WHMCS
ROUTE_NO_SUCH_NAME = "names department {name!r}, which WHMCS does not have"
ROUTE_NO_SUCH_ID = "names department id {id}, which WHMCS does not have"
ROUTE_DEPARTMENT = (
    "triage route {number} {problem}: its tickets would never reach the channel; WHMCS's "
    "departments are {departments}"
)
ROUTE_STATUS = (
    "triage route {number} names the status {status!r}, which WHMCS does not have: check "
    "Configuration > System Settings > Ticket Statuses"
)
ROUTE_OK = "triage route {number} to {channel}: {count} department(s) found in WHMCS"
CREDENTIAL_WITHOUT_URL = (
    "WHMCS_IDENTIFIER or WHMCS_SECRET is set but WHMCS_URL is not, so the bot would use its "
    "built-in sandbox instead of your WHMCS: set WHMCS_URL in .env"
)

"""Turn WHMCS failures into problems a person can act on."""

from __future__ import annotations

from bot.tickets import hints
from bot.tickets.result import Problem, ProblemKind
from bot.whmcs import (
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsError,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)

OPERATOR = "This is a setup problem for whoever runs ticketbot, not something you typed. "
ACCESS_HINTS = {
    "ip": OPERATOR + "Add the bot's address ({ip}) to the API IP allow-list in WHMCS "
    "(Configuration > System Settings > General Settings, Security tab), or set "
    "WHMCS_ACCESS_KEY.",
    "access_key": OPERATOR + "WHMCS_ACCESS_KEY does not match the access key in WHMCS's "
    "configuration.php.",
    "banned": OPERATOR + "WHMCS banned the bot's address after failed logins. Remove the ban in "
    "WHMCS (Configuration > System Settings > Banned IPs) and fix the credentials.",
    "credentials": OPERATOR + "Check WHMCS_IDENTIFIER and WHMCS_SECRET against Configuration > "
    "System Settings > Manage API Credentials.",
    "authentication": OPERATOR + "WHMCS_SECRET is wrong for this identifier. Generate a new "
    "secret in Configuration > System Settings > Manage API Credentials.",
    "permission": OPERATOR + "Allow the API action {action} in the credential's API role "
    "(Configuration > System Settings > Manage API Credentials, API Roles tab).",
    "unknown_action": OPERATOR + "This WHMCS version does not know an API action the bot uses.",
    "other": OPERATOR + "WHMCS refused the bot's API credential.",
}


def _access(error: WhmcsAccessError) -> Problem:
    # NOTE: the transport already logged the refusal for the operator, in one line.
    hint = ACCESS_HINTS.get(error.kind, ACCESS_HINTS["other"]).format(
        ip=error.ip or "the bot's address", action=error.denied_action or "it needs"
    )
    return Problem(error.message, hint, ProblemKind.CONFIG)


def problem_from_error(error: WhmcsError) -> Problem:
    """Describe a WHMCS failure: WHMCS's own text plus what to do about it."""
    if isinstance(error, WhmcsAccessError):
        return _access(error)
    if isinstance(error, WhmcsUnreachable):
        return Problem(
            "WHMCS could not be reached",
            "Try again in a minute; if it keeps failing, tell whoever runs ticketbot "
            "(WHMCS_URL may be wrong, or WHMCS is down).",
            ProblemKind.UNAVAILABLE,
        )
    if isinstance(error, WhmcsUnknownOutcome):
        return Problem(
            f"WHMCS did not answer clearly ({error.reason})",
            "Try again in a minute; if it keeps failing, WHMCS may be overloaded or showing an "
            "error page.",
            ProblemKind.UNAVAILABLE,
        )
    if isinstance(error, WhmcsApiError):
        return Problem(error.message, _api_hint(error.message))
    return Problem(error.message, "Try again in a minute.", ProblemKind.UNAVAILABLE)


def _api_hint(message: str) -> str:
    if message == hints.TICKET_NOT_FOUND:
        return "The ticket may have been deleted or merged. Check its number in WHMCS."
    if message.startswith("Invalid Ticket Status"):
        return "The list of statuses changed in WHMCS; pick one of those above."
    if message == hints.PRIORITY_INVALID:
        return hints.PRIORITY_HINT
    if message == hints.DEPARTMENT_NOT_FOUND:
        return "The department may have been removed in WHMCS."
    if message == hints.FLAG_ADMIN_INVALID:
        return "The admin may have been disabled in WHMCS a moment ago."
    if message in (hints.DATE_INVALID, hints.DATE_IN_FUTURE):
        return "WHMCS's clock or time zone may differ from WHMCS_TIMEZONE."
    if message in (hints.GUEST_NEEDS_CONTACT, hints.EMAIL_INVALID):
        return hints.guest_hint(())
    return "WHMCS refused the change."

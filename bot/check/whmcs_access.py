"""Explain WHMCS's access errors: what WHMCS refused, and what to change so that it allows it."""

from __future__ import annotations

from bot.check import texts
from bot.whmcs import WhmcsAccessError

# Refusals that every later call would meet too: after one of them the check sends nothing
# more. Three failed logins within 30 minutes get this host's address banned.
STOPPING_KINDS = frozenset({"ip", "access_key", "banned", "credentials", "authentication", "other"})
# Refusals WHMCS gives only after it has accepted the credential.
ROLE_KINDS = frozenset({"permission", "unknown_action"})


def access_line(action: str, error: WhmcsAccessError) -> str:
    """Return the line that explains an access error met on `action`, with the fix."""
    if error.kind == "permission":
        return texts.ACTION_DENIED.format(action=action)
    if error.kind == "unknown_action":
        return texts.ACTION_UNKNOWN.format(action=action, message=error.message)
    if error.kind == "ip":
        return texts.ACCESS_IP.format(ip=error.ip)
    if error.kind == "access_key":
        return texts.ACCESS_KEY
    if error.kind == "banned":
        return texts.ACCESS_BANNED
    if error.kind == "credentials":
        return texts.ACCESS_CREDENTIALS + texts.WHMCS_STOPPED_LOGIN
    if error.kind == "authentication":
        return texts.ACCESS_AUTHENTICATION + texts.WHMCS_STOPPED_LOGIN
    return texts.ACTION_REFUSED.format(action=action, message=error.message) + texts.WHMCS_STOPPED

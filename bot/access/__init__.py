"""Who is who (Slack user to WHMCS admin) and who may change what."""

from bot.access.identity import Directory, Identity, Unlinked
from bot.access.policy import ACTIONS, ALL, DEFAULT_ROLES, Decision, Policy

__all__ = [
    "ACTIONS",
    "ALL",
    "DEFAULT_ROLES",
    "Decision",
    "Directory",
    "Identity",
    "Policy",
    "Unlinked",
]

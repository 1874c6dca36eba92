"""WHMCS API client: transport, error classification, typed records, customfields encoding."""

from bot.whmcs.client import WhmcsClient
from bot.whmcs.customfields import encode_customfields, php_serialize
from bot.whmcs.errors import (
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsError,
    WhmcsUnknownOutcome,
    WhmcsUnreachable,
)
from bot.whmcs.records import Admin, Department, Note, Reply, Status, Ticket, TicketPage
from bot.whmcs.transport import Transport, api_url

__all__ = [
    "Admin",
    "Department",
    "Note",
    "Reply",
    "Status",
    "Ticket",
    "TicketPage",
    "Transport",
    "WhmcsAccessError",
    "WhmcsApiError",
    "WhmcsClient",
    "WhmcsError",
    "WhmcsUnknownOutcome",
    "WhmcsUnreachable",
    "api_url",
    "encode_customfields",
    "php_serialize",
]

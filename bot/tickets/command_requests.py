"""What a `/ticket` command asks for, once its text has been read."""

from dataclasses import dataclass

from bot.tickets.refs import TicketRef


@dataclass(frozen=True)
class FieldChange:
    """Set one ticket field to a value; custom fields also carry their WHMCS id."""

    field: str
    value: str
    custom_field_id: int | None = None


@dataclass(frozen=True)
class HelpRequest:
    """Ask for the /ticket usage text."""


@dataclass(frozen=True)
class ShowRequest:
    """Show one ticket."""

    ref: TicketRef


@dataclass(frozen=True)
class UpdateRequest:
    """Change fields of one ticket, in the order they were typed."""

    ref: TicketRef
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class WhoamiRequest:
    """Show which WHMCS admin the caller acts as, and what they may change."""


@dataclass(frozen=True)
class TriageRequest:
    """Show the triage routes that feed the channel where the command was typed."""


@dataclass(frozen=True)
class HistoryRequest:
    """Show a ticket's recent changes made from Slack."""

    ref: TicketRef


@dataclass(frozen=True)
class CardRequest:
    """Post a ticket's card, with its buttons, in the channel where the command was typed."""

    ref: TicketRef


TicketCommand = (
    HelpRequest
    | WhoamiRequest
    | TriageRequest
    | ShowRequest
    | HistoryRequest
    | CardRequest
    | UpdateRequest
)

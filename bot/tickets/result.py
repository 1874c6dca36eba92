"""What a ticket request came to: each field before and after, or why it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from bot.whmcs import Ticket


class Outcome(Enum):
    """How an update ended."""

    DONE = "done"  # WHMCS accepted every change
    NO_CHANGE = "no_change"  # every value was the one the ticket already had; nothing was sent
    REFUSED = "refused"  # nothing was written (checked before sending, or WHMCS refused it)
    DENIED = "denied"  # the person may not make this change; nothing was sent
    PARTIAL = "partial"  # WHMCS refused the call after writing some fields (it is not atomic)
    UNKNOWN = "unknown"  # the write's answer was lost and the ticket could not be read back


class ProblemKind(Enum):
    """Who can fix a problem: the person asking, or the operator."""

    INPUT = "input"  # a value or reference the person typed
    NOT_LINKED = "not_linked"  # the Slack user has no WHMCS admin
    PERMISSION = "permission"  # the person's role, departments or channel do not allow it
    CONFIG = "config"  # WHMCS refused the bot's credential: the operator must fix the setup
    UNAVAILABLE = "unavailable"  # WHMCS could not be reached or answered nonsense


@dataclass(frozen=True)
class Problem:
    """One reason a request was refused: WHMCS's documented text and what to do about it."""

    message: str
    hint: str
    kind: ProblemKind = ProblemKind.INPUT
    field: str | None = None


@dataclass(frozen=True)
class FieldResult:
    """One field of an update, as it was and as it became.

    `readable` is False for fields WHMCS never returns (markdown, client closure, custom
    fields): those are confirmed as "set to". `private` marks values the channel must not see
    (contact details and the opening message).
    """

    field: str
    label: str
    before: str | None
    after: str
    changed: bool = True
    readable: bool = True
    private: bool = False
    verified: bool = (
        True  # False: asked for, but WHMCS's answer or a read-back could not confirm it
    )


@dataclass(frozen=True)
class UpdateResult:
    """The result of `/ticket <ref> <field> <value> ...`."""

    outcome: Outcome
    ticket: Ticket | None = None
    fields: tuple[FieldResult, ...] = ()
    problems: tuple[Problem, ...] = ()
    notice: str | None = None
    reason: str | None = None  # why the outcome had to be read back (timeout, HTTP 503, ...)
    actor: str = ""  # the WHMCS admin the change was made as
    notes: tuple[str, ...] = ()  # side effects WHMCS has that the person may not expect

    @property
    def changed_fields(self) -> tuple[FieldResult, ...]:
        """Return the fields whose value changed."""
        return tuple(change for change in self.fields if change.changed)


@dataclass(frozen=True)
class ShowResult:
    """The result of `/ticket <ref>`: the ticket, or why it could not be shown."""

    ticket: Ticket | None = None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    notice: str | None = None
    flagged_to: str = "unflagged"

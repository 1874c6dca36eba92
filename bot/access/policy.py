"""Decide whether a linked Slack user may do something to a ticket, and say why not."""

from __future__ import annotations

import difflib
import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from bot.access.identity import Identity
from bot.whmcs import WhmcsError

log = logging.getLogger(__name__)

ALL = "*"
ACTIONS: tuple[str, ...] = (
    "view",
    "status",
    "priority",
    "dept",
    "subject",
    "flag_self",
    "flag_others",
    "unflag_self",
    "unflag_others",
    "contact",
    "client",
    "created",
    "message",
    "markdown",
    "customfields",
    "client_close",
)
DEFAULT_ROLES: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "agent": frozenset(
            {"view", "status", "priority", "dept", "subject", "flag_self", "unflag_self"}
        ),
        "lead": frozenset({ALL}),
    }
)

# What each permission lets a person do, in the words of a refusal: "does not allow <words>".
_WORDS = {
    "view": "viewing tickets",
    "status": "changing the status",
    "priority": "changing the priority",
    "dept": "moving a ticket to another department",
    "subject": "changing the subject",
    "flag_self": "flagging a ticket to yourself",
    "flag_others": "flagging a ticket to someone else",
    "unflag_self": "removing a flag that is yours",
    "unflag_others": "removing someone else's flag",
    "contact": "changing the contact details (name, email, cc)",
    "client": "changing the client",
    "created": "changing the creation date",
    "message": "replacing the opening message",
    "markdown": "switching markdown on or off",
    "customfields": "changing custom fields",
    "client_close": "changing whether the client may close the ticket",
}


@dataclass(frozen=True)
class Decision:
    """The answer to one request: allowed, or the missing permissions with why and who can help.

    `message` is plain text that may quote WHMCS text; `hint` may carry Slack mentions.
    """

    allowed: bool
    missing: tuple[str, ...] = ()
    message: str = ""
    hint: str = ""


def _role_actions(role: str, allow: Iterable[str]) -> frozenset[str]:
    """Check one role's `allow` list and return it with "*" expanded; name an unknown entry."""
    if isinstance(allow, str) or not isinstance(allow, Iterable):
        raise TypeError(
            f'roles.{role}.allow must be a list of permissions, for example ["status", "view"]'
        )
    actions: set[str] = set()
    for action in allow:
        if action == ALL:
            actions.update(ACTIONS)
        elif isinstance(action, str) and action in ACTIONS:
            actions.add(action)
        else:
            closest = difflib.get_close_matches(str(action), ACTIONS, n=1, cutoff=0.6)
            advice = (
                f"did you mean {closest[0]!r}?"
                if closest
                else f'the permissions are {", ".join(ACTIONS)}, and "*" for all of them'
            )
            raise ValueError(f"roles.{role}.allow has an unknown permission {action!r}: {advice}")
    return frozenset(actions)


def _either(items: Sequence[str]) -> str:
    """Join texts as "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _both(items: Sequence[str]) -> str:
    """Join texts as "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ids(ids: Iterable[int]) -> str:
    listed = sorted(set(ids))
    return ("id " if len(listed) == 1 else "ids ") + ", ".join(str(i) for i in listed)


def _department(department_id: int, department_name: str) -> str:
    name = department_name.strip()
    return f"{name} (id {department_id})" if name else f"department id {department_id}"


class Policy:
    """Which actions each role allows, limited to the admin's and the channel's departments.

    Args:
        roles: role name to the permissions it allows ("*" for all); merged over DEFAULT_ROLES,
            a role named here replaces the default of the same name.
        department_scope: when on, a person acts only on tickets in their WHMCS admin's
            support departments.
        channel_departments: channel id to the department ids its triage routes cover;
            commands in such a channel act only on tickets in those departments.
        granters: Slack user ids whose role allows everything, named in refusals.
    """

    def __init__(
        self,
        roles: Mapping[str, Iterable[str]] | None = None,
        department_scope: bool = True,
        channel_departments: Mapping[str, Collection[int]] | None = None,
        granters: Sequence[str] = (),
        department_names: Callable[[], Mapping[int, str]] | None = None,
    ) -> None:
        merged: dict[str, Iterable[str]] = {**DEFAULT_ROLES, **(roles or {})}
        self._roles = {name: _role_actions(name, allow) for name, allow in merged.items()}
        self._department_scope = department_scope
        # Read per decision, not copied: the caller's mapping may look department names up late.
        self._channel_departments = {} if channel_departments is None else channel_departments
        self._granters = tuple(granters)
        self._department_names = department_names

    def knows(self, role: str) -> bool:
        """Return whether a role is defined, by default or in the config."""
        return role in self._roles

    def allowed(self, identity: Identity) -> frozenset[str]:
        """Return the actions a person's role allows; an undefined role allows none."""
        return self.allowed_for_role(identity.role)

    def allowed_for_role(self, role: str) -> frozenset[str]:
        """Return the actions a role allows, "*" expanded; an undefined role allows none."""
        return self._roles.get(role, frozenset())

    def decide(
        self,
        identity: Identity,
        actions: Iterable[str],
        department_id: int,
        department_name: str,
        channel: str | None,
    ) -> Decision:
        """Allow the actions on a ticket in this department only if every check passes.

        Args:
            actions: the permissions the request needs; an unknown name is never allowed. With
                none, only the ticket's department and the channel are checked.
            channel: where the request was made; None when it came from no channel.
        """
        wanted = tuple(dict.fromkeys(actions))

        missing = tuple(action for action in wanted if action not in self.allowed(identity))
        covered = None if channel is None else self._channel_departments.get(channel)
        if missing:
            decision, outcome = self._refuse_role(identity, missing), "missing=" + ",".join(missing)
        elif self._department_scope and department_id not in identity.admin.department_ids:
            decision = self._refuse_department(identity, department_id, department_name)
            outcome = "outside=department"
        elif covered is not None and department_id not in covered:
            decision = self._refuse_channel(covered, department_id, department_name)
            outcome = "outside=channel"
        else:
            decision, outcome = Decision(True), "allowed"

        log.info(
            "policy user=%s admin=%s role=%s dept=%s channel=%s actions=%s %s",
            identity.slack_user,
            identity.admin.id,
            identity.role,
            department_id,
            channel or "-",
            ",".join(wanted),
            outcome if decision.allowed else "denied " + outcome,
        )
        return decision

    def _refuse_role(self, identity: Identity, missing: tuple[str, ...]) -> Decision:
        needs = _either(
            [f"{_WORDS.get(action, action)} (permission: {action})" for action in missing]
        )
        role = identity.role
        if self.knows(role):
            message = f"Your role {role} does not allow {needs}."
        else:
            message = (
                f"Your role {role} is not defined in ticketbot.toml: it does not allow {needs}."
            )
        names = _both([f"`{action}`" for action in missing])
        place = f"under `[roles.{role}] allow` in ticketbot.toml"
        if self._granters:
            mentions = _either([f"<@{user}>" for user in self._granters])
            them = "it" if len(missing) == 1 else "them"
            hint = f"Ask {mentions} to grant {them}, or ask an operator to add {names} {place}."
        else:
            hint = f"Ask an operator to add {names} {place}."
        return Decision(False, missing, message, hint)

    def _refuse_department(
        self, identity: Identity, department_id: int, department_name: str
    ) -> Decision:
        admin = identity.admin
        ticket_in = (
            f"This ticket is in the department {_department(department_id, department_name)}"
        )
        if admin.department_ids:
            message = (
                f"{ticket_in}, which is not one of your WHMCS admin's support departments "
                f"({self._names(admin.department_ids)})."
            )
        else:
            message = f"{ticket_in}, and your WHMCS admin has no support departments."
        hint = (
            "A WHMCS administrator assigns departments: ask one to add department id "
            f"{department_id} to the support departments of WHMCS admin {admin.id}."
        )
        return Decision(False, (), message, hint)

    def _names(self, ids: Iterable[int]) -> str:
        """Name departments, falling back to their ids when the names cannot be read."""
        try:
            names = self._department_names() if self._department_names else {}
        except WhmcsError:
            log.warning("could not read department names for a refusal")
            names = {}
        listed = sorted(set(ids))
        if all(i in names for i in listed):
            return ", ".join(names[i] for i in listed)
        return _ids(listed)

    def _refuse_channel(
        self, covered: Collection[int], department_id: int, department_name: str
    ) -> Decision:
        scope = f"departments with {_ids(covered)}" if covered else "no department"
        message = (
            f"Commands in this channel act only on tickets of the {scope} its triage covers; "
            f"this ticket is in the department {_department(department_id, department_name)}."
        )
        hint = (
            f"Run the command in the channel that receives department id {department_id}'s "
            "tickets, or in a channel that receives no triaged tickets."
        )
        return Decision(False, (), message, hint)

"""The `/_sandbox/` control API that tests use to arrange and inspect the install (JSON in/out).

Routes:
- `GET /_sandbox/tickets/<id>`: everything stored for a ticket, strings entity-encoded.
- `POST /_sandbox/tickets/<id>`: set stored fields directly, as an admin would in the admin
  area; creates the ticket when the id is new. `lastreply` changes only when given.
- `GET|DELETE /_sandbox/calls`: the API calls received, or clear them.
- `GET|DELETE /_sandbox/connections`: `{"accepted": n}`, the TCP connections the server
  accepted (every request, API or control, on a new connection counts), or start from zero.
- `GET|POST|DELETE /_sandbox/faults`: the injected faults (see `bot.sandbox.faults`): one fault
  for matching calls, or `{"random": {"rate": 0.1, "seed": 7, "kinds": [...]}}`.
- `GET /_sandbox/faults/injected`: each fault injected since faults were last set (time, action,
  kind); DELETE of the faults keeps this record.
- `GET|POST /_sandbox/access`: `allowed_ips`, `access_key`, `allowed_actions`, `reset_bans`.
- `POST /_sandbox/admins/<id>`: set `supportDepartmentIds`, `receivesTicketNotifications`,
  `isDisabled`, `roleId`.
- `POST /_sandbox/reset`: back to the seeded state; faults, calls, bans, rules, settings too.
- `GET|POST /_sandbox/settings`: `timezone` (an IANA name), which decides what "now" is.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.sandbox.actions.tickets import stored_ticket
from bot.sandbox.install import Install
from bot.sandbox.store import DEFAULT_TIMEZONE, get_meta, local_now, set_meta
from bot.sandbox.ticket_control import delete_ticket, set_admin, set_ticket, set_tickets

log = logging.getLogger(__name__)

Outcome = tuple[int, Any]


class ControlError(Exception):
    """A control request that cannot be done; answered with its HTTP status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def answer_control(install: Install, method: str, path: str, body: bytes) -> Outcome:
    """Answer one control request with an HTTP status and a JSON-ready value."""
    try:
        payload = json.loads(body) if body.strip() else {}
    except ValueError:
        return 400, {"error": "the body is not JSON"}
    parts = path.strip("/").split("/")[1:]
    try:
        return _route(install, method, parts, payload)
    except ControlError as exc:
        return exc.status, {"error": str(exc)}
    except (ValueError, TypeError, KeyError) as exc:
        return 400, {"error": str(exc)}


def _route(install: Install, method: str, parts: list[str], payload: Any) -> Outcome:
    if method != "GET" and method != "DELETE" and not isinstance(payload, dict):
        raise ControlError(400, "the body must be a JSON object")
    match method, parts:
        case "GET", ["tickets", ticket_id]:
            with install.store.transaction() as db:
                return 200, _found(stored_ticket(db, _number(ticket_id)), "ticket")
        case "POST", ["tickets", ticket_id]:
            with install.store.transaction() as db:
                return 200, set_ticket(db, _number(ticket_id), payload)
        case "DELETE", ["tickets", ticket_id]:
            with install.store.transaction() as db:
                return 200, {"deleted": delete_ticket(db, _number(ticket_id))}
        case "POST", ["tickets"]:
            with install.store.transaction() as db:
                return 200, {"created": set_tickets(db, payload.get("tickets"))}
        case "POST", ["admins", admin_id]:
            with install.store.transaction() as db:
                return 200, _found(set_admin(db, _number(admin_id), payload), "admin")
        case "GET", ["calls"]:
            return 200, install.calls.entries()
        case "DELETE", ["calls"]:
            install.calls.clear()
            return 200, []
        case "GET", ["connections"]:
            return 200, {"accepted": install.connections.total()}
        case "DELETE", ["connections"]:
            install.connections.clear()
            return 200, {"accepted": 0}
        case "GET", ["faults"]:
            return 200, install.faults.describe()
        case "POST", ["faults"]:
            install.faults.set(payload)
            log.info("faults set: %s", install.faults.describe())
            return 200, install.faults.describe()
        case "GET", ["faults", "injected"]:
            return 200, install.faults.injected()
        case "DELETE", ["faults"]:
            install.faults.clear(keep_record=True)
            return 200, install.faults.describe()
        case "GET", ["access"]:
            return 200, _access(install)
        case "POST", ["access"]:
            install.gate.configure(payload)
            if payload.get("reset_bans"):
                install.gate.reset_bans()
            return 200, _access(install)
        case "POST", ["reset"]:
            install.reset()
            return 200, {"reset": True}
        case "GET", ["settings"]:
            return 200, _settings(install)
        case "POST", ["settings"]:
            _set_timezone(install, payload.get("timezone", DEFAULT_TIMEZONE))
            return 200, _settings(install)
    raise ControlError(404, f"no control route {method} /_sandbox/{'/'.join(parts)}")


def _found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise ControlError(404, f"{what} not found")
    return value


def _number(text: str) -> int:
    if not text.isdigit():
        raise ControlError(404, f"not an id: {text!r}")
    return int(text)


def _access(install: Install) -> dict[str, Any]:
    gate = install.gate
    return {
        "allowed_ips": gate.allowed_ips,
        "access_key_set": gate.access_key is not None,
        "allowed_actions": None if gate.allowed_actions is None else sorted(gate.allowed_actions),
    }


def _settings(install: Install) -> dict[str, Any]:
    with install.store.transaction() as db:
        return {
            "timezone": get_meta(db, "timezone", DEFAULT_TIMEZONE),
            "now": local_now(db).isoformat(sep=" "),
        }


def _set_timezone(install: Install, name: object) -> None:
    if not isinstance(name, str):
        raise ControlError(400, "timezone must be a string")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ControlError(400, f"unknown time zone {name!r}") from exc
    with install.store.transaction() as db:
        set_meta(db, "timezone", name)
    log.info("sandbox timezone=%s", name)

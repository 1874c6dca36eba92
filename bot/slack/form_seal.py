"""Seal what a ticket form must remember into its private_metadata, signed so it cannot be forged.

Slack hands a view's private_metadata back with every submission, action and options request;
the bot signs it with HMAC-SHA256, keyed with the Slack signing secret, and trusts none that
fails the check.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from typing import Any

from bot.config import SLACK_USER_ID
from bot.slack.form_opened import Opened

log = logging.getLogger(__name__)

_SIGNATURE_LENGTH = 64  # hex digits of a SHA-256 digest


@dataclass(frozen=True)
class FormMeta:
    """Who opened a ticket form, where, for which ticket, and the values it showed.

    `ref` is the ticket reference as staff write it (42, #ABC-123456); `ticket_id` and `opened`
    are set once the form shows a ticket. `revision` counts how often the form was filled again
    from a re-read ticket, so the inputs that show new values get new block ids. `view_id` is
    the Slack view the metadata was sealed for, once Slack has told it; `admin_id` the WHMCS
    admin the person acted as when the form was filled.
    """

    user: str
    channel: str | None
    ref: str
    ticket_id: int | None = None
    opened: Opened | None = None
    revision: int = 0
    view_id: str | None = None
    admin_id: int | None = None


def _digest(payload: str, secret: str) -> str:
    return hmac.new(secret.encode(), payload.encode("utf-8", "surrogatepass"), "sha256").hexdigest()


def seal(meta: FormMeta, secret: str) -> str:
    """Return private_metadata holding `meta`: its signature, a dot, then its JSON."""
    fields: dict[str, Any] = {
        "u": meta.user,
        "c": meta.channel,
        "r": meta.ref,
        "t": meta.ticket_id,
        "o": None if meta.opened is None else json.loads(meta.opened.to_json()),
        "v": meta.revision,
        "w": meta.view_id,
        "a": meta.admin_id,
    }
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return f"{_digest(payload, secret)}.{payload}"


def unseal(text: object, secret: str) -> FormMeta | None:
    """Return what `seal` wrote, or None when the signature does not match or it is malformed."""
    if not isinstance(text, str) or text[_SIGNATURE_LENGTH : _SIGNATURE_LENGTH + 1] != ".":
        return None
    signature, payload = text[:_SIGNATURE_LENGTH], text[_SIGNATURE_LENGTH + 1 :]
    if not hmac.compare_digest(signature, _digest(payload, secret)):
        log.warning("ticket form metadata failed its signature check")
        return None
    try:
        return _read(json.loads(payload))
    except (ValueError, TypeError) as error:
        # Signed by this bot, yet unreadable: written by another version of it.
        log.warning("ticket form metadata unreadable: %s", error)
        return None


def _read(raw: Any) -> FormMeta:
    if not isinstance(raw, dict):
        raise TypeError("metadata must be an object")
    user, channel, ref = raw.get("u"), raw.get("c"), raw.get("r")
    ticket_id, revision, view_id = raw.get("t"), raw.get("v", 0), raw.get("w")
    admin_id = raw.get("a")
    if not isinstance(user, str) or not SLACK_USER_ID.match(user):
        raise ValueError("metadata names no Slack user")
    if channel is not None and not isinstance(channel, str):
        raise ValueError("metadata channel must be text")
    if not isinstance(ref, str):
        raise TypeError("metadata ref must be text")
    if ticket_id is not None and type(ticket_id) is not int:
        raise ValueError("metadata ticket id must be a number")
    if type(revision) is not int:
        raise ValueError("metadata revision must be a number")
    if view_id is not None and not isinstance(view_id, str):
        raise ValueError("metadata view id must be text")
    if admin_id is not None and type(admin_id) is not int:
        raise ValueError("metadata admin id must be a number")
    opened = None
    if raw.get("o") is not None:
        opened = Opened.from_json(json.dumps(raw["o"]))
    return FormMeta(
        user, channel or None, ref, ticket_id, opened, revision, view_id or None, admin_id
    )

"""Decode UpdateTicket's `customfields`: base64 of a PHP-serialized array of field id => value."""

from __future__ import annotations

import base64
import binascii
import logging
import re

from bot.sandbox.php import UnserializeError, htmlspecialchars, unserialize

log = logging.getLogger(__name__)

_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def decode_customfields(payload: str, known_ids: set[int]) -> dict[int, str]:
    """Return the values for known field ids, encoded for storage; {} when undecodable.

    WHMCS ignores a payload it cannot decode and field ids it does not know, and the call
    still succeeds, so this never raises.
    """
    # PHP's base64_decode skips characters outside the alphabet and tolerates missing padding.
    cleaned = _NOT_BASE64.sub("", payload.split("=", 1)[0])
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4))
        fields = unserialize(raw)
    except (binascii.Error, UnserializeError, ValueError) as exc:
        log.info("customfields ignored: %s", exc)
        return {}
    if not isinstance(fields, dict):
        log.info("customfields ignored: not an array")
        return {}
    values: dict[int, str] = {}
    for key, value in fields.items():
        field_id = key if isinstance(key, int) else _numeric_key(key)
        if field_id not in known_ids or isinstance(value, dict):
            continue
        values[field_id] = htmlspecialchars(_php_string(value))
    return values


def _numeric_key(key: str) -> int | None:
    return int(key) if re.fullmatch(r"-?[1-9]\d*|0", key) else None


def _php_string(value: object) -> str:
    """Convert a scalar the way PHP's string cast does."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

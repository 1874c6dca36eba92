"""Encode ticket custom field values the way UpdateTicket's `customfields` parameter wants."""

from __future__ import annotations

import base64
from collections.abc import Mapping


def php_serialize(values: Mapping[int, str]) -> str:
    """Return PHP's serialize() of an array of field ids to text values.

    PHP counts string lengths in UTF-8 bytes, so `café` is `s:5:"café";`. Quotes, semicolons
    and braces need no escaping: the length says where a string ends.
    """
    parts = []
    for field_id, value in values.items():
        if isinstance(field_id, bool) or not isinstance(field_id, int):
            raise TypeError(f"custom field ids must be int, not {type(field_id).__name__}")
        if not isinstance(value, str):
            raise TypeError(f"custom field values must be str, not {type(value).__name__}")
        parts.append(f'i:{field_id};s:{len(value.encode("utf-8"))}:"{value}";')
    return f"a:{len(parts)}:{{{''.join(parts)}}}"


def encode_customfields(values: Mapping[int, str]) -> str:
    """Return base64(PHP serialize(values)), the form UpdateTicket's `customfields` takes."""
    serialized = php_serialize(values).encode("utf-8")
    return base64.b64encode(serialized).decode("ascii")

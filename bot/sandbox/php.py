"""PHP value rules that WHMCS applies to API input: truthiness, intval, trim, escaping, unserialize."""

from __future__ import annotations

import re

# PHP trim() strips these characters by default.
_PHP_TRIM = " \t\n\r\0\x0b"

_LEADING_INT = re.compile(r"[ \t\n\r\v\f]*([+-]?\d+)")


class UnserializeError(ValueError):
    """Raised when a payload is not a value PHP's unserialize() would accept."""


def htmlspecialchars(text: str) -> str:
    """Escape text like PHP htmlspecialchars() with ENT_QUOTES (double encoding included)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#039;")
    )


def is_truthy(value: str) -> bool:
    """Tell whether a request string is true in PHP: anything but "" and "0"."""
    return value not in ("", "0")


def intval(value: str) -> int:
    """Read the leading integer of a string like PHP (int) does; 0 when there is none."""
    match = _LEADING_INT.match(value)
    return int(match.group(1)) if match else 0


def trim(value: str) -> str:
    """Strip whitespace like PHP trim()."""
    return value.strip(_PHP_TRIM)


def unserialize(payload: bytes) -> object:
    """Decode a PHP serialize() payload: null, bool, int, float, string and array.

    String lengths count bytes, so `s:5:"café";` is valid UTF-8 input. Arrays come back as
    dicts keyed by int or str. Objects and references are refused.
    """
    value, end = _read_value(payload, 0)
    if end != len(payload):
        raise UnserializeError(f"trailing bytes at offset {end}")
    return value


def _read_until(payload: bytes, start: int, stop: bytes) -> tuple[bytes, int]:
    end = payload.find(stop, start)
    if end < 0:
        raise UnserializeError(f"expected {stop!r} after offset {start}")
    return payload[start:end], end + 1


def _read_int(raw: bytes) -> int:
    if not re.fullmatch(rb"[+-]?\d+", raw):
        raise UnserializeError(f"not an integer: {raw!r}")
    return int(raw)


def _read_value(payload: bytes, pos: int) -> tuple[object, int]:
    kind = payload[pos : pos + 2]
    if kind == b"N;":
        return None, pos + 2
    if kind == b"b:":
        raw, pos = _read_until(payload, pos + 2, b";")
        if raw not in (b"0", b"1"):
            raise UnserializeError(f"not a boolean: {raw!r}")
        return raw == b"1", pos
    if kind == b"i:":
        raw, pos = _read_until(payload, pos + 2, b";")
        return _read_int(raw), pos
    if kind == b"d:":
        raw, pos = _read_until(payload, pos + 2, b";")
        try:
            return float(raw), pos
        except ValueError as exc:
            raise UnserializeError(f"not a float: {raw!r}") from exc
    if kind == b"s:":
        return _read_string(payload, pos + 2)
    if kind == b"a:":
        return _read_array(payload, pos + 2)
    raise UnserializeError(f"unsupported value at offset {pos}: {kind!r}")


def _read_string(payload: bytes, pos: int) -> tuple[str, int]:
    raw, pos = _read_until(payload, pos, b":")
    length = _read_int(raw)
    if length < 0 or payload[pos : pos + 1] != b'"':
        raise UnserializeError(f"bad string header at offset {pos}")
    start = pos + 1
    end = start + length
    if payload[end : end + 2] != b'";':
        raise UnserializeError(f"string length {length} does not match at offset {start}")
    try:
        return payload[start:end].decode("utf-8"), end + 2
    except UnicodeDecodeError as exc:
        raise UnserializeError("string is not UTF-8") from exc


def _read_array(payload: bytes, pos: int) -> tuple[dict[int | str, object], int]:
    raw, pos = _read_until(payload, pos, b":")
    count = _read_int(raw)
    if payload[pos : pos + 1] != b"{":
        raise UnserializeError(f"expected '{{' at offset {pos}")
    pos += 1
    items: dict[int | str, object] = {}
    for _ in range(count):
        key, pos = _read_value(payload, pos)
        if not isinstance(key, (int, str)) or isinstance(key, bool):
            raise UnserializeError(f"array key must be int or string, got {key!r}")
        items[key], pos = _read_value(payload, pos)
    if payload[pos : pos + 1] != b"}":
        raise UnserializeError(f"expected '}}' at offset {pos}")
    return items, pos + 1

"""Read WHMCS's loosely typed JSON values: numbers as strings, encoded text, odd list shapes."""

from __future__ import annotations

import html
from typing import Any


def as_int(value: Any, default: int = 0) -> int:
    """Return an id or count whether WHMCS sent it as a number or a string."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else default
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return default
        return int(number) if number.is_integer() else default
    return default


def as_text(value: Any) -> str:
    """Return WHMCS text decoded once; WHMCS entity-encodes every string it stores."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return html.unescape(str(value))


def as_bool(value: Any) -> bool:
    """Return a flag sent as true/false, 1/0 or "1"/"0"."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value) if isinstance(value, (bool, int, float)) else False


def as_int_list(value: Any) -> tuple[int, ...]:
    """Return ids from a list of numbers or strings, or from a comma-separated string."""
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        items = []
    ids = (as_int(item, default=-1) for item in items if str(item).strip())
    return tuple(number for number in ids if number > 0)


def entries(container: Any, key: str) -> list[dict[str, Any]]:
    """Return the entries of a WHMCS list in any of its shapes.

    The list may be absent, `[]`, `""`, a list, `{key: [...]}`, `{key: {...}}` (a single
    entry), `{key: []}`, a single entry dict, or a dict keyed by position (`{"0": {...}}`).
    """
    if isinstance(container, dict) and key in container:
        container = container[key]

    if isinstance(container, list):
        return [item for item in container if isinstance(item, dict)]
    if not isinstance(container, dict) or not container:
        return []

    if all(isinstance(item, dict) for item in container.values()):
        if all(str(name).isdigit() for name in container):
            ordered = sorted(container.items(), key=lambda pair: int(pair[0]))
            return [item for _, item in ordered]
        return []
    return [container]

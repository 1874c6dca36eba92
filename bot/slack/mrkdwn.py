"""Make any text safe for Slack messages and fit it into Slack's size limits."""

from __future__ import annotations

import re

# Slack's control characters in mrkdwn; escaping them keeps WHMCS text from forming
# mentions (<!channel>, <@U…>) or links.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ELLIPSIS = "…"


def escape(text: str) -> str:
    """Escape `&`, `<` and `>` for Slack mrkdwn and drop control characters."""
    text = _CONTROL.sub("", text)
    return "".join(_ESCAPES.get(char, char) for char in text)


def cut(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters at a character boundary, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    kept = text[: limit - 1]
    # Do not leave half of an escape sequence such as `&am` behind.
    amp = kept.rfind("&")
    if amp != -1 and ";" not in kept[amp:] and len(kept) - amp < 6:
        kept = kept[:amp]
    return kept + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """Prepare text for a plain_text element: control characters out, cut to the limit."""
    return cut(_CONTROL.sub("", text), limit)


def inline(text: str, limit: int = 200) -> str:
    """Prepare WHMCS text for one line of mrkdwn: escaped, on one line, cut to the limit."""
    return cut(escape(" ".join(text.split())), limit)

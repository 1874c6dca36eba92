"""Turn Slack mrkdwn into the plain text a person reads in a terminal."""

from __future__ import annotations

import re
from collections.abc import Mapping

# Slack's <...> markup: mentions, channel links, dates, links.
_ANGLED = re.compile(r"<([^<>\n]*)>")
# *bold* and _italic_ between word boundaries, as Slack reads them.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
# The emoji the bot's messages use, as characters a terminal shows.
EMOJI = {
    "warning": "⚠️",
    "no_entry": "⛔",
    "information_source": "ℹ️",
    "white_check_mark": "✅",
    "test_tube": "🧪",
    "lock": "🔒",
}


def emoji(text: str) -> str:
    """Replace the emoji codes the bot uses (`:warning:`) with the characters themselves."""
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def decode_entities(text: str) -> str:
    """Undo Slack's escaping of `&`, `<` and `>`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(mrkdwn: str, names: Mapping[str, str]) -> str:
    """Return mrkdwn as plain text: mentions as @name, dates as their fallback, no markup.

    Args:
        names: display names of Slack users and channels by id, for mentions and links.
    """

    def angled(match: re.Match[str]) -> str:
        return _angled(match.group(1), names)

    text = _ANGLED.sub(angled, mrkdwn)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return emoji(decode_entities(text))


def _angled(inner: str, names: Mapping[str, str]) -> str:
    """Return what Slack shows for one `<...>` markup."""
    target, _, label = inner.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return "@" + (names.get(user) or label or user)
    if target.startswith("#"):
        channel = target[1:]
        return "#" + (names.get(channel) or label or channel)
    if target.startswith("!date^"):
        return label or target
    if target.startswith("!subteam^"):
        return label or "@" + target.split("^", 1)[1]
    if target.startswith("!"):
        return "@" + target[1:]
    return label or target

"""Slack's markup in the text of a command: entities, mentions, channels and links.

Slack sends a command's text with "escape channels, users and links" on: a typed `&`, `<`, `>`
arrives as an entity, and every raw `<` opens markup such as `<@U123|name>`.
"""

from __future__ import annotations

import re

# With "escape channels, users and links" on, every raw "<" in the text opens Slack markup:
# <@U123|name>, <#C123|name>, <!here>, <https://example.com|example.com>, <mailto:a@b.c|a@b.c>.
SLACK_MARKUP = re.compile(r"<([^<>\n]*)>")
_MARKUP_OR_ENTITY = re.compile(r"<([^<>\n]*)>|&(amp|lt|gt);")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}

# Slack's markup for mentions and channels, as it arrives with escaping on.
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(?:subteam\^[A-Z0-9]+\|@?([^>]+)|(here|channel|everyone)(?:\|[^>]*)?)>")


def decode_slack_text(text: str) -> str:
    """Return Slack-escaped text as the user typed it; &amp; &lt; &gt; are decoded once.

    Mentions (<@U123|name>, <#C123|name>, <!here>) stay exactly as sent. Links that Slack made
    of typed addresses (<https://example.com|example.com>, <mailto:a@b.c|a@b.c>) become the
    typed text again.
    """
    return _MARKUP_OR_ENTITY.sub(_decode_markup_or_entity, text)


def _decode_markup_or_entity(match: re.Match[str]) -> str:
    """Decode one entity, keep one mention, or turn one Slack link back into its text."""
    if match[2] is not None:
        return _ENTITIES[match[2]]

    markup = match[1]
    if not markup or markup[0] in "@#!":
        return match[0]
    target, _, label = markup.partition("|")
    typed = label or target.removeprefix("mailto:")
    return _ENTITY.sub(lambda entity: _ENTITIES[entity[1]], typed)


def readable_slack_text(text: str) -> str:
    """Turn Slack's mention markup into what the person saw: `<@U1|bob>` becomes `@bob`."""
    text = _USER.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    return _SPECIAL.sub(lambda m: "@" + (m.group(1) or m.group(2)), text)

"""Every user-facing text reads as written in Slack: no bare angle bracket becomes a link."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.slack import texts

# In mrkdwn, `<...>` is a link or a mention; a literal bracket must be written &lt; or &gt;.
_SLACK_MARKUP = re.compile(r"<(?:[@#!]|https?://)[^<>]*>")
# Texts escaped where they are shown, so they are written with plain brackets.
ESCAPED_WHERE_SHOWN = {"FORM_CUSTOMFIELDS_UNLISTED", "FORM_MORE_CUSTOMFIELDS"}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _strings(item)


def test_no_text_has_a_bare_angle_bracket() -> None:
    offending = []
    for name in dir(texts):
        if not name.isupper() or name in ESCAPED_WHERE_SHOWN:
            continue
        for text in _strings(getattr(texts, name)):
            if "<" in _SLACK_MARKUP.sub("", text) or ">" in _SLACK_MARKUP.sub("", text):
                offending.append(name)
    assert offending == []

"""Parse the text of the /ticket slash command into the request it makes."""

import difflib
import logging
import re

from bot.tickets import hints
from bot.tickets.command_requests import (
    CardRequest,
    FieldChange,
    HelpRequest,
    HistoryRequest,
    ShowRequest,
    TicketCommand,
    TriageRequest,
    UpdateRequest,
    WhoamiRequest,
)
from bot.tickets.markup import SLACK_MARKUP, decode_slack_text
from bot.tickets.refs import MAX_TICKET_ID, TicketRef, parse_ticket_ref

log = logging.getLogger(__name__)

# The request types live in command_requests; the rest of the bot imports them from here.
__all__ = [
    "FIELDS",
    "KEYWORDS",
    "MAX_COMMAND_LENGTH",
    "CardRequest",
    "FieldChange",
    "GrammarError",
    "HelpRequest",
    "HistoryRequest",
    "ShowRequest",
    "TicketCommand",
    "TicketRef",
    "TriageRequest",
    "UpdateRequest",
    "WhoamiRequest",
    "decode_slack_text",
    "parse_command",
]

# Slack caps the text of a slash command at 4000 characters.
MAX_COMMAND_LENGTH = 4000

# Canonical field names, in the order help and error texts list them.
FIELDS: tuple[str, ...] = (
    "status",
    "priority",
    "dept",
    "subject",
    "flag",
    "unflag",
    "cc",
    "name",
    "email",
    "client",
    "created",
    "message",
    "markdown",
    "customfield",
    "client-close",
)

# Keyword as typed (lower case) -> canonical field.
KEYWORDS: dict[str, str] = {field: field for field in FIELDS if field != "customfield"} | {
    "department": "dept",
    "userid": "client",
    "client_close": "client-close",
    "clientclose": "client-close",
}

_REST_OF_TEXT_FIELDS = frozenset({"subject", "message"})
_OPPOSITES = {"flag": "unflag", "unflag": "flag"}
_MARKDOWN_VALUES = dict.fromkeys(("on", "yes", "true", "1"), "on") | dict.fromkeys(
    ("off", "no", "false", "0"), "off"
)
_CLIENT_CLOSE_VALUES = frozenset({"allow", "prevent"})

_CUSTOM_FIELD = re.compile(r"cf\.([0-9]+)", re.IGNORECASE | re.ASCII)
_CUSTOM_FIELD_TYPO = re.compile(r"cf[^0-9]?0*([1-9][0-9]{0,9})", re.IGNORECASE | re.ASCII)
_DIGITS = re.compile(r"[0-9]+")

# Opening quote -> the quotes that close it. Phones type curly quotes, in either direction.
_CLOSING_QUOTES = {
    '"': '"',
    "'": "'",
    "\u201c": "\u201d\u201c",  # “ closed by ” or “
    "\u201d": "\u201d\u201c",  # ”
    "\u201e": "\u201d\u201c",  # „
    "\u2018": "\u2019\u2018",  # ‘ closed by ’ or ‘
    "\u2019": "\u2019\u2018",  # ’
}

_SHOWN_LENGTH = 40


class GrammarError(ValueError):
    """Refuse /ticket text that cannot be read, with a plain-text message and hint for users."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_command(text: str) -> TicketCommand:
    """Read the text of /ticket; raise GrammarError when it cannot be read."""
    if len(text) > MAX_COMMAND_LENGTH:
        raise GrammarError(
            hints.TOO_LONG.format(length=len(text), limit=MAX_COMMAND_LENGTH), hints.TOO_LONG_HINT
        )

    command = text.strip()
    if not command or (command.isascii() and command.lower() == "help"):
        return HelpRequest()
    if command.isascii() and command.lower() == "whoami":
        return WhoamiRequest()
    if command.isascii() and command.lower() == "triage":
        return TriageRequest()

    start = _skip_space(text, 0)
    end = _token_end(text, start)
    ref = parse_ticket_ref(text[start:end])
    if ref is None:
        raise GrammarError(
            hints.NOT_A_REF.format(word=_shown(text[start:end])), hints.NOT_A_REF_HINT
        )

    rest = text[end:].strip()
    if rest.isascii() and rest.lower() == "history":
        return HistoryRequest(ref)
    if rest.isascii() and rest.lower() == "card":
        return CardRequest(ref)
    changes = _parse_changes(text, end)
    log.debug("/ticket %s fields=%s", ref.label, ",".join(c.field for c in changes) or "-")
    if not changes:
        return ShowRequest(ref)
    return UpdateRequest(ref, changes)


def _parse_changes(text: str, pos: int) -> tuple[FieldChange, ...]:
    """Read `<field> <value>` pairs from pos to the end of the text."""
    changes: list[FieldChange] = []
    seen: set[tuple[str, int | None]] = set()
    after_quote = False
    while (start := _skip_space(text, pos)) < len(text):
        end = _token_end(text, start)
        word = text[start:end]
        keyword = _keyword(word)
        if keyword is None:
            raise _unknown_field(word, after_quote)

        field, custom_field_id = keyword
        shown = field if custom_field_id is None else f"cf.{custom_field_id}"
        if (field, custom_field_id) in seen:
            raise GrammarError(
                hints.DUPLICATE_FIELD.format(field=shown), hints.DUPLICATE_FIELD_HINT
            )
        if field in _OPPOSITES and (_OPPOSITES[field], None) in seen:
            raise GrammarError(hints.FLAG_AND_UNFLAG, hints.FLAG_AND_UNFLAG_HINT)
        seen.add((field, custom_field_id))

        if field == "unflag":
            _check_nothing_follows_unflag(text, end)
            value, pos, after_quote = "", end, False
        else:
            value, pos, after_quote = _read_value(text, end, field, shown)
        changes.append(FieldChange(field, _checked_value(field, value), custom_field_id))
    return tuple(changes)


def _keyword(word: str) -> tuple[str, int | None] | None:
    """Return the field and custom field id that a word names, or None for other words."""
    if not word.isascii():
        return None
    field = KEYWORDS.get(word.lower())
    if field is not None:
        return field, None

    custom_field = _CUSTOM_FIELD.fullmatch(word)
    if custom_field is None:
        return None
    digits = custom_field[1]
    if len(digits) > len(str(MAX_TICKET_ID)) or not 1 <= int(digits) <= MAX_TICKET_ID:
        raise GrammarError(
            hints.BAD_CUSTOM_FIELD.format(word=_shown(word)), hints.BAD_CUSTOM_FIELD_HINT
        )
    return "customfield", int(digits)


def _is_keyword(word: str) -> bool:
    """Tell whether a word starts a new field (a field keyword or cf.<digits>)."""
    return word.isascii() and (word.lower() in KEYWORDS or bool(_CUSTOM_FIELD.fullmatch(word)))


def _read_value(text: str, pos: int, field: str, shown: str) -> tuple[str, int, bool]:
    """Read the value after a keyword; return it, where reading stopped, and if it was quoted."""
    start = _skip_space(text, pos)
    if start < len(text) and text[start] in _CLOSING_QUOTES:
        close = _closing_quote(text, start)
        if close is None:
            raise GrammarError(hints.UNCLOSED_QUOTE.format(field=shown), hints.UNCLOSED_QUOTE_HINT)
        value = decode_slack_text(text[start + 1 : close]).strip()
        end, quoted = close + 1, True
    elif field in _REST_OF_TEXT_FIELDS:
        value = decode_slack_text(text[start:]).strip()
        end, quoted = len(text), False
    else:
        words: list[str] = []
        end = pos
        while (word_start := _skip_space(text, end)) < len(text):
            word_end = _token_end(text, word_start)
            if _is_keyword(text[word_start:word_end]):
                break
            words.append(text[word_start:word_end])
            end = word_end
        value = decode_slack_text(" ".join(words)).strip()
        quoted = False

    if not value:
        raise GrammarError(
            hints.EMPTY_VALUE.format(field=shown),
            hints.EMPTY_VALUE_HINT.format(example=hints.EXAMPLES.get(field, f"{shown} value")),
        )
    return value, end, quoted


def _checked_value(field: str, value: str) -> str:
    """Check and normalise the values whose form the grammar itself fixes."""
    if field == "markdown":
        markdown = _MARKDOWN_VALUES.get(value.lower()) if value.isascii() else None
        if markdown is None:
            raise GrammarError(
                hints.BAD_MARKDOWN.format(value=_shown(value)), hints.BAD_MARKDOWN_HINT
            )
        return markdown
    if field == "client-close":
        if not (value.isascii() and value.lower() in _CLIENT_CLOSE_VALUES):
            raise GrammarError(
                hints.BAD_CLIENT_CLOSE.format(value=_shown(value)), hints.BAD_CLIENT_CLOSE_HINT
            )
        return value.lower()
    if field == "client":
        digits = value.lstrip("0") or "0"
        if not _DIGITS.fullmatch(digits) or len(digits) > len(str(MAX_TICKET_ID)):
            raise GrammarError(hints.BAD_CLIENT.format(value=_shown(value)), hints.BAD_CLIENT_HINT)
        if int(digits) > MAX_TICKET_ID:
            raise GrammarError(hints.BAD_CLIENT.format(value=_shown(value)), hints.BAD_CLIENT_HINT)
        return digits
    return value


def _check_nothing_follows_unflag(text: str, pos: int) -> None:
    """Refuse a value after unflag: the next word must be a field or the end."""
    start = _skip_space(text, pos)
    if start == len(text):
        return
    word = text[start : _token_end(text, start)]
    if not _is_keyword(word):
        raise GrammarError(hints.UNFLAG_VALUE.format(word=_shown(word)), hints.UNFLAG_VALUE_HINT)


def _unknown_field(word: str, after_quote: bool) -> GrammarError:
    """Build the error for a word where a field was expected, suggesting a near keyword."""
    message = hints.UNKNOWN_FIELD.format(word=_shown(word))
    suggestion = _suggestion(word)
    if suggestion:
        message += hints.DID_YOU_MEAN.format(suggestion=suggestion)
    return GrammarError(
        message, (hints.AFTER_QUOTE_HINT if after_quote else "") + hints.FIELDS_HINT
    )


def _suggestion(word: str) -> str | None:
    """Return the field keyword a mistyped word most likely meant, if any looks close."""
    if len(word) > 2 * max(len(keyword) for keyword in KEYWORDS):
        return None
    custom_field = _CUSTOM_FIELD_TYPO.fullmatch(word)
    if custom_field:
        return f"cf.{int(custom_field[1])}"
    matches = difflib.get_close_matches(word.lower(), KEYWORDS, n=1)
    return matches[0] if matches else None


def _closing_quote(text: str, start: int) -> int | None:
    """Return where the quote opened at start closes, or None when it never does.

    A quote closes only before whitespace or the end, so O'Brien inside a value is no close.
    """
    closers = _CLOSING_QUOTES[text[start]]
    for pos in range(start + 1, len(text)):
        if text[pos] in closers and (pos + 1 == len(text) or text[pos + 1].isspace()):
            return pos
    return None


def _skip_space(text: str, pos: int) -> int:
    """Return the first position at or after pos that is not whitespace."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _token_end(text: str, start: int) -> int:
    """Return where the word starting at start ends; Slack markup counts as part of a word."""
    pos = start
    while pos < len(text) and not text[pos].isspace():
        markup = SLACK_MARKUP.match(text, pos) if text[pos] == "<" else None
        pos = markup.end() if markup else pos + 1
    return pos


def _shown(text: str) -> str:
    """Return user text fit to quote in an error: decoded and cut to a readable length."""
    shown = decode_slack_text(text)
    if len(shown) > _SHOWN_LENGTH:
        return shown[: _SHOWN_LENGTH - 1] + "\u2026"
    return shown

"""Any `/ticket` text gets a request or a usage answer; neither fails nor speaks for anyone.

test_grammar.py holds the properties of the requests themselves; these add what the person
sees: the acknowledgement or usage answer for any text, in any script, with control
characters, Slack's escapes and markup, quotes, and lengths past Slack's 4000 characters.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack import blocks, texts
from bot.tickets.grammar import (
    MAX_COMMAND_LENGTH,
    CardRequest,
    GrammarError,
    HelpRequest,
    HistoryRequest,
    ShowRequest,
    TicketCommand,
    TriageRequest,
    UpdateRequest,
    WhoamiRequest,
    parse_command,
)
from tests.slack.test_render_properties import check

REQUESTS = (
    HelpRequest,
    WhoamiRequest,
    TriageRequest,
    ShowRequest,
    HistoryRequest,
    CardRequest,
    UpdateRequest,
)
# Each piece as Slack sends it with "escape channels, users and links" on.
PIECES = st.sampled_from(
    [
        "42",
        "#ABC-123456",
        "0042",
        "2147483648",
        "status",
        "Subject",
        "message",
        "flag",
        "unflag",
        "cf.7",
        "cf.99999999999",
        "client-close",
        "markdown",
        "history",
        "card",
        "help",
        "whoami",
        "triage",
        '"',
        "'",
        "\u201c",
        "\u201d",
        "\u201e",
        "\u2018",
        "\u2019",
        "<@U0000002|jane>",
        "<@U0000002>",
        "<#C0000001|general>",
        "<!channel>",
        "<!here|here>",
        "<!subteam^S0000001|@team>",
        "<https://evil.example|x>",
        "<https://evil.example>",
        "<mailto:a@b.co|a@b.co>",
        "&lt;!channel&gt;",
        "&lt;@U0000001&gt;",
        "&amp;lt;",
        "&amp;",
        "&gt;",
        "<",
        ">",
        "&",
        "*bold*",
        "_it_",
        "~s~",
        "`code`",
        "\x00",
        "\x1b",
        "\x7f",
        "\u200f",
        "\u202e",
        "\u2028",
        "\u00a0",
        "\u3000",
        "\ufeff",
        "日本語",
        "🚀",
    ]
)
SEPARATORS = st.sampled_from(["", " ", "  ", "\n", "\r\n", "\t", "\u00a0", "\u2003"])
_any_character = st.characters(exclude_categories=())  # every category, surrogates too
command_text = st.one_of(
    st.text(_any_character, max_size=80),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=40),
    st.lists(st.tuples(PIECES, SEPARATORS), max_size=30).map(
        lambda pieces: "".join(piece + separator for piece, separator in pieces)
    ),
    st.tuples(
        st.sampled_from(["42 subject ", "42 ", "", "42 name \u201c"]), PIECES, st.integers(1, 5000)
    ).map(lambda parts: parts[0] + parts[1] * parts[2]),
)

PROPERTY = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def answer(text: str) -> tuple[TicketCommand | None, dict[str, object]]:
    """Return the request a text makes and the message the person sees at once.

    A text that cannot be read is answered with its usage message; a request is acknowledged
    with the "working on it" line that names the ticket.
    """
    try:
        request = parse_command(text)
    except GrammarError as error:
        assert error.message and error.hint
        return None, blocks.usage_message(error, None)
    if isinstance(request, HelpRequest | WhoamiRequest):
        return request, blocks.text_message(texts.WORKING_WHOAMI, None)
    if isinstance(request, TriageRequest):
        return request, blocks.text_message(texts.WORKING_TRIAGE, None)
    return request, blocks.text_message(texts.WORKING.format(ref=request.ref.label), None)


@PROPERTY
@given(command_text)
def test_any_text_is_answered_with_valid_inert_blocks(text: str) -> None:
    started = time.perf_counter()
    request, message = answer(text)

    assert time.perf_counter() - started < 0.5
    assert request is None or isinstance(request, REQUESTS)
    # Whatever was typed, the answer is valid Block Kit and mentions or links no one.
    check(message)


@PROPERTY
@given(command_text.map(lambda text: "42 " + text))
def test_text_after_a_ticket_is_a_request_on_that_ticket_or_a_usage_answer(text: str) -> None:
    request, message = answer(text)

    check(message)
    if request is not None:
        assert isinstance(request, ShowRequest | HistoryRequest | CardRequest | UpdateRequest)
        assert request.ref.label == "42"


@PROPERTY
@given(command_text.filter(lambda text: len(text) <= MAX_COMMAND_LENGTH - 4))
def test_spaces_and_line_breaks_around_a_command_change_nothing(text: str) -> None:
    request, _ = answer(text)
    padded, _ = answer(f" {text} \n")

    assert padded == request


@settings(max_examples=20, deadline=None, derandomize=True)
@given(PIECES, st.integers(MAX_COMMAND_LENGTH + 1, 100_000))
def test_text_past_slacks_limit_is_refused_with_its_length(piece: str, length: int) -> None:
    text = ("42 subject " + piece * length)[:length]
    request, message = answer(text)

    assert request is None
    assert f"{length} characters" in message["text"]
    check(message)

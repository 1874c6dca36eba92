"""The /ticket command grammar, as Slack delivers the text with escaping on."""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tickets.grammar import (
    FIELDS,
    CardRequest,
    FieldChange,
    GrammarError,
    HelpRequest,
    HistoryRequest,
    ShowRequest,
    TicketRef,
    UpdateRequest,
    WhoamiRequest,
    decode_slack_text,
    parse_command,
)
from bot.tickets.refs import parse_ticket_ref

BY_ID = TicketRef(text="42", ticket_id=42, ticket_number="42")


def changes(text: str) -> tuple[FieldChange, ...]:
    """Parse text that must be an update and return its changes."""
    request = parse_command(text)
    assert isinstance(request, UpdateRequest), request
    return request.changes


def only_value(text: str) -> str:
    """Parse text that must change exactly one field and return its value."""
    (change,) = changes(text)
    return change.value


def refusal(text: str) -> GrammarError:
    """Parse text that must be refused and return the error."""
    with pytest.raises(GrammarError) as caught:
        parse_command(text)
    assert caught.value.message and caught.value.hint
    return caught.value


# Help


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "help", "HELP", " Help \n"])
def test_empty_text_and_help_ask_for_help(text: str) -> None:
    assert parse_command(text) == HelpRequest()


def test_help_with_more_words_is_not_help() -> None:
    error = refusal("help me")
    assert '"help"' in error.message


# Ticket references


@pytest.mark.parametrize(
    ("text", "ticket_id", "ticket_number", "label"),
    [
        ("42", 42, "42", "42"),
        ("1", 1, "1", "1"),
        ("2147483647", 2147483647, "2147483647", "2147483647"),
        ("#ABC-123456", None, "ABC-123456", "#ABC-123456"),
        ("ABC-123456", None, "ABC-123456", "#ABC-123456"),
        ("abc-123456", None, "abc-123456", "#abc-123456"),
        ("#007731", None, "007731", "#007731"),
        ("007731", None, "007731", "#007731"),
        ("#42", None, "42", "#42"),
        ("#help", None, "help", "#help"),
        ("AB_12", None, "AB_12", "#AB_12"),
        ("2147483648", None, "2147483648", "#2147483648"),
        ("#" + "A" * 32, None, "A" * 32, "#" + "A" * 32),
    ],
)
def test_ticket_references(
    text: str, ticket_id: int | None, ticket_number: str, label: str
) -> None:
    request = parse_command(text)
    assert request == ShowRequest(TicketRef(text, ticket_id, ticket_number))
    assert isinstance(request, ShowRequest)
    assert request.ref.label == label


def test_reference_may_be_followed_by_whitespace_and_newlines() -> None:
    assert parse_command("  42 \n") == ShowRequest(BY_ID)


@pytest.mark.parametrize(
    "text",
    [
        "whoami please",
        "history",
        "abc",
        "#",
        "##42",
        "ABC.123",
        "#" + "A" * 33,
        "A1" + "B" * 31,
        "4" * 33,
        "\u0664\u0662",  # Arabic-Indic digits are not ticket numbers
        "\u00b2",
        "-",
        "status",
    ],
)
def test_words_that_are_not_references_are_refused_with_examples(text: str) -> None:
    error = refusal(text)
    assert "is not a ticket reference" in error.message
    assert text.split()[0] in error.message
    assert "42" in error.hint and "#ABC-123456" in error.hint


def test_parse_ticket_ref_returns_none_for_words() -> None:
    assert parse_ticket_ref("help") is None
    assert parse_ticket_ref("#ABC-1") == TicketRef("#ABC-1", None, "ABC-1")


# Fields and their keywords


@pytest.mark.parametrize(
    ("keyword", "field"),
    [
        ("status", "status"),
        ("priority", "priority"),
        ("dept", "dept"),
        ("department", "dept"),
        ("subject", "subject"),
        ("flag", "flag"),
        ("cc", "cc"),
        ("name", "name"),
        ("email", "email"),
        ("created", "created"),
        ("message", "message"),
        ("STATUS", "status"),
        ("Department", "dept"),
        ("PriOrity", "priority"),
    ],
)
def test_each_text_field_takes_its_value(keyword: str, field: str) -> None:
    assert changes(f"42 {keyword} Some Value") == (FieldChange(field, "Some Value"),)


def test_update_keeps_the_reference_and_the_order_of_fields() -> None:
    request = parse_command("#ABC-123456 priority High status Closed dept Sales")
    assert request == UpdateRequest(
        TicketRef("#ABC-123456", None, "ABC-123456"),
        (
            FieldChange("priority", "High"),
            FieldChange("status", "Closed"),
            FieldChange("dept", "Sales"),
        ),
    )


def test_fields_lists_every_canonical_name_in_display_order() -> None:
    assert FIELDS == (
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


@pytest.mark.parametrize("keyword", ["client", "userid", "CLIENT", "UserId"])
@pytest.mark.parametrize(("typed", "value"), [("12", "12"), ("0", "0"), ("007", "7")])
def test_client_takes_a_client_id(keyword: str, typed: str, value: str) -> None:
    assert changes(f"42 {keyword} {typed}") == (FieldChange("client", value),)


@pytest.mark.parametrize(
    "typed", ["abc", "-1", "+1", "1.5", "1 2", "99999999999", "2147483648", "\u0664\u0662"]
)
def test_client_refuses_anything_but_a_client_id(typed: str) -> None:
    error = refusal(f"42 client {typed}")
    assert '"client" must be a client id' in error.message
    assert typed in error.message
    assert "guest" in error.hint


def test_guest_ticket_change_keeps_name_and_email() -> None:
    assert changes("42 client 0 name Jane Doe email jane@example.com") == (
        FieldChange("client", "0"),
        FieldChange("name", "Jane Doe"),
        FieldChange("email", "jane@example.com"),
    )


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("on", "on"),
        ("ON", "on"),
        ("yes", "on"),
        ("True", "on"),
        ("1", "on"),
        ("off", "off"),
        ("No", "off"),
        ("false", "off"),
        ("0", "off"),
    ],
)
def test_markdown_is_normalised_to_on_or_off(typed: str, value: str) -> None:
    assert changes(f"42 markdown {typed}") == (FieldChange("markdown", value),)


@pytest.mark.parametrize("typed", ["maybe", "2", "o n", "enabled"])
def test_markdown_refuses_other_values(typed: str) -> None:
    error = refusal(f"42 markdown {typed}")
    assert '"markdown" must be on or off' in error.message
    assert typed in error.message


@pytest.mark.parametrize("keyword", ["client-close", "client_close", "clientclose", "Client-Close"])
@pytest.mark.parametrize(("typed", "value"), [("allow", "allow"), ("PREVENT", "prevent")])
def test_client_close_takes_allow_or_prevent(keyword: str, typed: str, value: str) -> None:
    assert changes(f"42 {keyword} {typed}") == (FieldChange("client-close", value),)


def test_client_close_refuses_other_values() -> None:
    error = refusal("42 client-close never")
    assert '"client-close" must be allow or prevent' in error.message
    assert "never" in error.message


@pytest.mark.parametrize(("keyword", "field_id"), [("cf.7", 7), ("CF.12", 12), ("cf.007", 7)])
def test_custom_field_by_id(keyword: str, field_id: int) -> None:
    assert changes(f"42 {keyword} Gold plan") == (
        FieldChange("customfield", "Gold plan", field_id),
    )


def test_several_custom_fields_in_one_command() -> None:
    assert changes("42 cf.1 a cf.2 b") == (
        FieldChange("customfield", "a", 1),
        FieldChange("customfield", "b", 2),
    )


@pytest.mark.parametrize("keyword", ["cf.0", "cf.2147483648", "cf.99999999999999999999"])
def test_custom_field_id_out_of_range_is_refused(keyword: str) -> None:
    error = refusal(f"42 {keyword} x")
    assert keyword in error.message
    assert "cf.7" in error.hint


def test_same_custom_field_twice_is_refused() -> None:
    error = refusal("42 cf.7 a cf.07 b")
    assert error.message == '"cf.7" is given twice.'


# Flag and unflag


@pytest.mark.parametrize(
    "typed",
    [
        "me",
        "3",
        "@jane",
        "<@U0000002>",
        "<@U0000002|jane>",
        "<@W0000002|jane>",
        "<@U0000002|jane &amp; co>",
        "<@U0000002|jane smith>",
    ],
)
def test_flag_value_is_passed_through_with_mentions_intact(typed: str) -> None:
    assert changes(f"42 flag {typed} status Open") == (
        FieldChange("flag", typed),
        FieldChange("status", "Open"),
    )


def test_unflag_takes_no_value() -> None:
    assert changes("42 unflag") == (FieldChange("unflag", ""),)
    assert changes("42 UNFLAG status Open") == (
        FieldChange("unflag", ""),
        FieldChange("status", "Open"),
    )


@pytest.mark.parametrize("text", ["42 unflag me", '42 unflag "x"', "42 unflag <@U0000002>"])
def test_unflag_followed_by_a_value_is_refused(text: str) -> None:
    error = refusal(text)
    assert '"unflag" takes no value' in error.message
    assert "unflag" in error.hint


@pytest.mark.parametrize("text", ["42 flag me unflag", "42 unflag flag me"])
def test_flag_and_unflag_together_are_refused(text: str) -> None:
    assert refusal(text).message == '"flag" and "unflag" cannot be used together.'


# Values that end at the next keyword


def test_value_runs_until_the_next_keyword() -> None:
    assert changes("42 name John Smith email j@x.com") == (
        FieldChange("name", "John Smith"),
        FieldChange("email", "j@x.com"),
    )


def test_custom_field_keyword_ends_a_value() -> None:
    assert changes("42 status On Hold cf.3 x") == (
        FieldChange("status", "On Hold"),
        FieldChange("customfield", "x", 3),
    )


def test_whitespace_inside_a_plain_value_collapses() -> None:
    assert only_value("42 status \t Waiting   on\n customer \n") == "Waiting on customer"


def test_word_that_only_contains_a_keyword_does_not_end_a_value() -> None:
    assert only_value("42 name status-quo emailer") == "status-quo emailer"


def test_apostrophe_inside_a_value_is_not_a_quote() -> None:
    assert changes("42 name O'Brien email o@x.com") == (
        FieldChange("name", "O'Brien"),
        FieldChange("email", "o@x.com"),
    )
    assert only_value("42 name Jane O\u2019Brien") == "Jane O\u2019Brien"


# Subject and message take the rest of the text


@pytest.mark.parametrize("keyword", ["subject", "message", "Message"])
def test_subject_and_message_take_the_rest_of_the_text(keyword: str) -> None:
    request = changes(f"42 status Open {keyword}  Disk full\n  status Closed\n\nthanks  ")
    assert request[-1].value == "Disk full\n  status Closed\n\nthanks"
    assert len(request) == 2


def test_quoted_subject_ends_at_its_closing_quote() -> None:
    assert changes('42 subject "Disk full" status Closed') == (
        FieldChange("subject", "Disk full"),
        FieldChange("status", "Closed"),
    )


def test_quoted_message_keeps_its_lines() -> None:
    assert only_value('42 message "Line one\n\n  Line two"') == "Line one\n\n  Line two"


def test_words_after_a_quoted_value_must_start_a_field() -> None:
    error = refusal('42 subject "Urgent" server down')
    assert '"server" is not a field' in error.message
    assert "quote the whole value" in error.hint


# Quotes


@pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ('"', '"'),
        ("'", "'"),
        ("\u201c", "\u201d"),  # “ ”
        ("\u201e", "\u201c"),  # „ “
        ("\u201d", "\u201d"),  # ” ”
        ("\u2018", "\u2019"),  # ‘ ’
        ("\u2019", "\u2019"),  # ’ ’
    ],
)
def test_every_kind_of_quote_delimits_a_value(opening: str, closing: str) -> None:
    text = f"42 dept {opening}Sales  and status{closing} status Open"
    assert changes(text) == (
        FieldChange("dept", "Sales  and status"),
        FieldChange("status", "Open"),
    )


def test_quoted_value_may_contain_the_other_kind_of_quote() -> None:
    assert only_value("42 name \"Pat 'Red' O'Neil\"") == "Pat 'Red' O'Neil"
    assert only_value('42 name \u201cthe "best" one\u201d') == 'the "best" one'


def test_quoted_value_may_contain_an_apostrophe() -> None:
    assert only_value("42 name 'O'Brien'") == "O'Brien"


def test_straight_quote_is_not_closed_by_a_curly_one() -> None:
    error = refusal('42 subject "Disk full\u201d')
    assert error.message == 'The quote that opens the value of "subject" is never closed.'


@pytest.mark.parametrize("opening", ['"', "'", "\u201c", "\u201e", "\u2018"])
def test_unclosed_quote_is_refused(opening: str) -> None:
    error = refusal(f"42 status {opening}On hold flag me")
    assert error.message == 'The quote that opens the value of "status" is never closed.'


def test_quote_must_be_followed_by_whitespace_to_close() -> None:
    error = refusal('42 status "Open"flag me')
    assert "never closed" in error.message


# Empty values, duplicates, unknown words


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("42 status", "status"),
        ("42 status   ", "status"),
        ("42 status flag me", "status"),
        ('42 status "" flag me', "status"),
        ("42 subject ''", "subject"),
        ("42 subject", "subject"),
        ("42 message \n ", "message"),
        ('42 name "   "', "name"),
        ("42 department", "dept"),
        ("42 cf.7", "cf.7"),
        ("42 markdown", "markdown"),
        ("42 client", "client"),
        ("42 flag", "flag"),
    ],
)
def test_empty_value_is_refused_naming_the_field(text: str, field: str) -> None:
    error = refusal(text)
    assert error.message == f'"{field}" needs a value.'
    assert "/ticket 42 " in error.hint


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("42 status Open status Closed", "status"),
        ("42 dept A department B", "dept"),
        ("42 client 1 userid 2", "client"),
        ("42 unflag unflag", "unflag"),
        ("42 client_close allow client-close prevent", "client-close"),
    ],
)
def test_same_field_twice_is_refused(text: str, field: str) -> None:
    error = refusal(text)
    assert error.message == f'"{field}" is given twice.'


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("stauts", "status"),
        ("priorty", "priority"),
        ("subjet", "subject"),
        ("emial", "email"),
        ("Flagg", "flag"),
        ("cf7", "cf.7"),
        ("cf-12", "cf.12"),
    ],
)
def test_mistyped_field_suggests_the_closest(word: str, suggestion: str) -> None:
    error = refusal(f"42 {word} x")
    assert error.message == (
        f'"{word}" is not a field you can change. Did you mean "{suggestion}"?'
    )
    assert "status, priority, dept" in error.hint and "cf.<id>" in error.hint


def test_unrelated_word_lists_fields_without_a_guess() -> None:
    error = refusal("42 banana split")
    assert error.message == '"banana" is not a field you can change.'
    for keyword in ["status", "unflag", "markdown", "client-close", "cf.<id>"]:
        assert keyword in error.hint


def test_long_unknown_word_is_cut_in_the_message() -> None:
    error = refusal("42 " + "x" * 500)
    assert "x" * 39 + "\u2026" in error.message
    assert "x" * 41 not in error.message


# Slack escaping


def test_entities_in_values_are_decoded_once() -> None:
    assert changes("42 name A &amp; B status &lt;new&gt; cc &amp;lt;") == (
        FieldChange("name", "A & B"),
        FieldChange("status", "<new>"),
        FieldChange("cc", "&lt;"),
    )


def test_entities_are_decoded_in_quoted_and_rest_of_text_values() -> None:
    assert only_value('42 dept "R&amp;D"') == "R&D"
    assert only_value("42 message 1 &lt; 2 &amp;&amp; 3 &gt; 2\nsee &amp;gt;") == (
        "1 < 2 && 3 > 2\nsee &gt;"
    )


def test_decoded_keyword_lookalike_does_not_start_a_field() -> None:
    assert only_value("42 name &lt;status&gt; Bob") == "<status> Bob"


def test_links_slack_made_of_typed_addresses_become_the_typed_text() -> None:
    assert changes(
        "42 email <mailto:jane@example.com|jane@example.com> "
        "cc <mailto:a@b.co|a@b.co>, <mailto:c@d.co|c@d.co>"
    ) == (FieldChange("email", "jane@example.com"), FieldChange("cc", "a@b.co, c@d.co"))
    assert only_value("42 subject see <https://x.example/?a=1&amp;b=2> now") == (
        "see https://x.example/?a=1&b=2 now"
    )


def test_error_quotes_the_word_as_the_user_typed_it() -> None:
    assert refusal("42 R&amp;D x").message.startswith('"R&D" is not a field')


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("A &amp; B", "A & B"),
        ("&lt;b&gt;", "<b>"),
        ("&amp;lt;", "&lt;"),
        ("&amp;amp;", "&amp;"),
        ("&quot; &#39; &AMP;", "&quot; &#39; &AMP;"),
        ("hi <@U0000002|jane &amp; co>", "hi <@U0000002|jane &amp; co>"),
        ("<#C0000001|general> <!here>", "<#C0000001|general> <!here>"),
        ("<https://example.com|example.com>", "example.com"),
        ("<https://example.com/a>", "https://example.com/a"),
        ("<mailto:a@b.co|a@b.co>", "a@b.co"),
        ("<https://x.example/?q=a&amp;lt;b|x &amp;lt; y>", "x &lt; y"),
    ],
)
def test_decode_slack_text(sent: str, typed: str) -> None:
    assert decode_slack_text(sent) == typed


# Length


def test_text_of_slacks_maximum_length_is_read() -> None:
    text = "42 message " + "x" * (4000 - len("42 message "))
    assert len(only_value(text)) == 4000 - len("42 message ")


def test_text_over_slacks_maximum_length_is_refused() -> None:
    error = refusal("42 message " + "x" * 4000)
    assert "4011 characters" in error.message and "4000" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "42 " + "<@" * 1998,
        "42 name " + "< a " * 998,
        "42 " + "cf.1 x " * 570,
        "42 subject " + '"x' * 1994,
        "42 name " + "a " * 1996,
        "42 " + "\u201c" * 3997,
        "42 " + "&amp;" * 799,
    ],
)
def test_hostile_text_is_answered_quickly(text: str) -> None:
    started = time.perf_counter()
    try:
        parse_command(text)
    except GrammarError:
        pass
    assert time.perf_counter() - started < 0.5


# Properties


@settings(max_examples=300)
@given(st.text(max_size=4100))
def test_any_text_gives_a_request_or_a_grammar_error(text: str) -> None:
    try:
        request = parse_command(text)
    except GrammarError as error:
        assert error.message and error.hint
        return
    assert isinstance(request, HelpRequest | ShowRequest | UpdateRequest)


PIECES = st.sampled_from(
    [
        "42",
        "#ABC-1",
        "status",
        "STATUS",
        "dept",
        "department",
        "subject",
        "message",
        "flag",
        "unflag",
        "markdown",
        "client",
        "client-close",
        "cf.7",
        "cf.0",
        "on",
        "allow",
        "0",
        "x",
        "O'Brien",
        '"',
        "'",
        "\u201c",
        "\u201d",
        "\u201e",
        "\u2018",
        "\u2019",
        "<@U0000002|jane>",
        "<mailto:a@b.co|a@b.co>",
        "<",
        ">",
        "&amp;",
        "&lt;",
        "\x00",
        "\u00a0",
    ]
)
SEPARATORS = st.sampled_from(["", " ", "  ", "\n", "\t", "\u00a0"])


@settings(max_examples=400)
@given(st.lists(st.tuples(PIECES, SEPARATORS), max_size=30))
def test_command_shaped_text_gives_a_sound_request_or_a_grammar_error(
    pieces: list[tuple[str, str]],
) -> None:
    text = "42 " + "".join(piece + separator for piece, separator in pieces)
    try:
        request = parse_command(text)
    except GrammarError as error:
        assert error.message and error.hint
        return

    assert isinstance(request, ShowRequest | UpdateRequest)
    if isinstance(request, UpdateRequest):
        assert request.changes
        keys = [(change.field, change.custom_field_id) for change in request.changes]
        assert len(keys) == len(set(keys))
        for change in request.changes:
            assert change.field in FIELDS
            assert (change.custom_field_id is not None) == (change.field == "customfield")
            assert change.value.strip() if change.field != "unflag" else change.value == ""


QUOTES = st.sampled_from([("", ""), ('"', '"'), ("\u201c", "\u201d"), ("\u201e", "\u201c")])
PLAIN_FIELDS = ["status", "priority", "dept", "cc", "name", "email", "created", "cf.3", "cf.9"]
WORDS = st.text(
    st.characters(categories=["L", "N"], include_characters="-_.@'!?"), min_size=1, max_size=8
).filter(lambda word: word[0] not in "'\u2019" and not _is_field_word(word))


def _is_field_word(word: str) -> bool:
    """Tell whether a generated word would read as a field keyword."""
    try:
        changes(f"42 {word} x")
    except GrammarError as error:
        return "not a field" not in error.message
    return True


@settings(max_examples=150)
@given(
    st.lists(st.sampled_from(PLAIN_FIELDS), unique=True, min_size=1, max_size=5).flatmap(
        lambda fields: st.tuples(
            st.just(fields),
            st.lists(
                st.lists(WORDS, min_size=1, max_size=4),
                min_size=len(fields),
                max_size=len(fields),
            ),
            st.lists(QUOTES, min_size=len(fields), max_size=len(fields)),
        )
    )
)
def test_typed_values_come_back_as_typed(
    case: tuple[list[str], list[list[str]], list[tuple[str, str]]],
) -> None:
    fields, values, quotes = case
    parts = []
    for field, words, (opening, closing) in zip(fields, values, quotes, strict=True):
        parts.append(f"{field} {opening}{' '.join(words)}{closing}")

    got = changes("42 " + " ".join(parts))

    assert [change.value for change in got] == [" ".join(words) for words in values]


@pytest.mark.parametrize("text", ["whoami", " WhoAmI ", "whoami\n"])
def test_whoami(text: str) -> None:
    assert parse_command(text) == WhoamiRequest()


@pytest.mark.parametrize(
    ("text", "label"), [("42 history", "42"), ("#ABC-123456 HISTORY", "#ABC-123456")]
)
def test_history(text: str, label: str) -> None:
    request = parse_command(text)
    assert isinstance(request, HistoryRequest)
    assert request.ref.label == label


def test_history_with_more_words_is_not_a_field() -> None:
    with pytest.raises(GrammarError, match="history"):
        parse_command("42 history status Closed")


@pytest.mark.parametrize(
    ("text", "label"),
    [("42 card", "42"), ("#ABC-123456 CARD", "#ABC-123456"), (" 42  Card \n", "42")],
)
def test_card(text: str, label: str) -> None:
    request = parse_command(text)
    assert isinstance(request, CardRequest)
    assert request.ref.label == label


def test_card_with_more_words_is_not_a_field() -> None:
    with pytest.raises(GrammarError, match="card"):
        parse_command("42 card status Closed")


def test_card_alone_is_not_a_ticket() -> None:
    with pytest.raises(GrammarError):
        parse_command("card")

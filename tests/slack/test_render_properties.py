"""Whatever text WHMCS holds, the bot's messages stay valid Block Kit and mention or link no one.

WHMCS text reaches Slack in `/ticket` answers, confirmations, cards, unfurls and triage thread
lines (the ticket form has its own file). Each builder here gets tickets whose every text is
generated: markup, mentions, links, entities, control characters, right-to-left marks, 100 KB
runs. The only `<...>` sequences the output may hold are the bot's own: the Slack user who made
a change (an id no generated text holds), a route's ping, the card's date and its link into
WHMCS. A channel's copy shows no contact detail, no opening message and no email address.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Collection, Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.slack import access_blocks, blocks, card_notes, texts
from bot.slack.card_blocks import CardFacts, build_card
from bot.slack.triage_cards import SlackCards
from bot.slack.unfurl_blocks import link_line, summary_blocks
from bot.store import AuditEntry, Change
from bot.tickets.grammar import GrammarError
from bot.tickets.result import FieldResult, Outcome, Problem, ProblemKind, ShowResult, UpdateResult
from bot.triage.news import NewReply, News
from bot.triage.routes import Route
from bot.triage.state import Card
from bot.whmcs import Reply, Ticket
from tests.slack.blockcheck import check_message

# The Slack user who asked for a change, and whom a route pings: ids no generated text holds,
# so each `<@...>` with them was written by the bot.
REQUESTER = "U0REQUESTER7"
PING_GROUP = "S0PINGGROUP7"
OWN_IDS = (REQUESTER, PING_GROUP)
ADMIN_URL = "https://billing.example.com/admin/"
CHANNEL = "C0TRIAGE01"
# Marks a value the channel must not see; no generated text holds it either.
PRIVATE = "Zq7PRIVATEqZ"
STATUSES = ("Open", "Answered", "Customer-Reply", "On Hold", "In Progress", "Closed")
ZONES = (ZoneInfo("UTC"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("America/St_Johns"))
NOW = datetime(2026, 3, 2, 12, 0)

HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
CONTEXT_ELEMENTS = 10
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150
OPTIONS_PER_MENU = 100
MESSAGE_BLOCKS = 50
TEXT_LIMIT = 4000  # Slack's advice for a message's text; it cuts messages at 40,000

# What WHMCS text may hold that could break a message or speak for someone in Slack.
PIECES = (
    "*",
    "_",
    "~",
    "`",
    "```",
    ">",
    "<",
    "&",
    ";",
    "|",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!here|here>",
    "<@U12345>",
    "<@U12345|bob>",
    "<@W12345>",
    "<#C12345>",
    "<#C12345|general>",
    "<!subteam^S12345>",
    "<!subteam^S12345|@team>",
    "<!date^1700000000^{date}|x>",
    "<https://evil.example|click>",
    "<http://evil.example>",
    "<mailto:boss@evil.example|boss>",
    "&lt;!channel&gt;",
    "&lt;@U12345&gt;",
    "&amp;lt;!here&amp;gt;",
    "&amp;",
    "&lt;",
    "&gt;",
    "&#60;",
    "&#x3C;",
    "&nbsp;",
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\r\n",
    "\n",
    "\t",
    "\u200b",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "é",
    "日本語",
    "العربية",
    "🚀",
    "👩‍💻",
    " ",
    "2026-03-02 09:00:00",
)
_piece = st.sampled_from(PIECES)
_any_character = st.characters(exclude_categories=())  # every category, surrogates too
_mixed = st.lists(_piece | st.text(_any_character, max_size=4), max_size=40).map("".join)
_huge = st.tuples(
    _piece | st.text(_any_character, min_size=1, max_size=3),
    st.sampled_from([151, 301, 2_001, 3_001, 100_000]),
).map(lambda run: (run[0] * (run[1] // len(run[0]) + 1))[: run[1]])


def _not_ours(text: str) -> bool:
    return not any(own in text for own in (*OWN_IDS, PRIVATE))


whmcs_text = st.one_of(
    st.text(max_size=60), st.text(_any_character, max_size=30), _mixed, _huge
).filter(_not_ours)
# Notices, notes and reasons are the bot's sentences, which may quote WHMCS text.
sentences = whmcs_text.map(lambda text: f"WHMCS said {text}")
whmcs_dates = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)).map(
    lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")
)
ids = st.integers(min_value=-1, max_value=2**31 - 1)
# A customer may write an address into a subject or their name; a card hides it.
ADDRESS = "jo@example.com"
customer_text = whmcs_text | st.tuples(whmcs_text, whmcs_text).map(
    lambda parts: f"{parts[0]} {ADDRESS} {parts[1]}"
)


@st.composite
def tickets(draw: st.DrawFn) -> Ticket:
    """Draw a ticket whose every text is WHMCS text, with the private ones marked."""
    base = Ticket.from_api({"id": "42", "tid": "ABC-123456", "status": "Open"})
    replies = draw(
        st.lists(
            st.builds(
                Reply, author=whmcs_text, admin=whmcs_text, date=whmcs_text, message=whmcs_text
            ),
            max_size=3,
        )
    )
    return dataclasses.replace(
        base,
        id=draw(st.integers(min_value=1, max_value=2**31 - 1)),
        tid=draw(whmcs_text),
        deptid=draw(ids),
        deptname=draw(whmcs_text),
        userid=draw(ids),
        name=draw(customer_text),
        email=PRIVATE + draw(whmcs_text),
        cc=PRIVATE + draw(whmcs_text),
        date=draw(whmcs_dates | whmcs_text),
        subject=draw(customer_text),
        status=draw(st.sampled_from(STATUSES) | whmcs_text),
        priority=draw(st.sampled_from(("Low", "Medium", "High")) | whmcs_text),
        admin=draw(whmcs_text),
        lastreply=draw(whmcs_dates | whmcs_text),
        flag=draw(ids),
        message=PRIVATE + draw(whmcs_text),
        replies=tuple(replies),
    )


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every object in a message or view, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def mrkdwn_of(message: dict[str, Any]) -> list[str]:
    """Return every text Slack reads as mrkdwn: the notification text and mrkdwn objects."""
    found = [message["text"]] if "text" in message else []
    found.extend(node["text"] for node in walk(message.get("blocks", [])) if _is_mrkdwn(node))
    return found


def _is_mrkdwn(node: dict[str, Any]) -> bool:
    return node.get("type") == "mrkdwn" and isinstance(node.get("text"), str)


_ENTITY = re.compile(r"&(?:amp|lt|gt);")


def check_markup(message: dict[str, Any], own: Collection[str] = ()) -> None:
    """Fail if any mrkdwn holds Slack markup other than the bot's own, or a broken entity."""
    for text in mrkdwn_of(message):
        rest = text
        for markup in own:
            rest = rest.replace(markup, "")
        assert "<" not in rest and ">" not in rest, f"markup not written by the bot: {text!r}"
        assert "&" not in _ENTITY.sub("", rest), f"a bare or cut entity: {text!r}"


def check_limits(message: dict[str, Any], block_limit: int = MESSAGE_BLOCKS) -> None:
    """Fail unless the message keeps Slack's limits, including those slack_sdk does not check."""
    assert 0 < len(message["text"]) <= TEXT_LIMIT
    assert len(message.get("blocks", [])) <= block_limit
    for node in walk(message.get("blocks", [])):
        kind = node.get("type")
        if kind == "header":
            assert len(node["text"]["text"]) <= HEADER_LIMIT
        elif kind == "section":
            assert len(node.get("text", {}).get("text", "")) <= SECTION_LIMIT
            fields = node.get("fields", [])
            assert len(fields) <= FIELDS_PER_SECTION
            assert all(len(field["text"]) <= FIELD_LIMIT for field in fields)
        elif kind == "context":
            assert len(node["elements"]) <= CONTEXT_ELEMENTS
        elif kind == "button":
            assert len(node["text"]["text"]) <= BUTTON_TEXT_LIMIT
            assert len(node.get("value", "")) <= BUTTON_VALUE_LIMIT
        elif kind == "plain_text":
            assert node["text"].strip(), "Slack refuses empty text"
        elif kind == "mrkdwn":
            assert node["text"], "Slack refuses empty text"
        if "options" in node:
            assert len(node["options"]) <= OPTIONS_PER_MENU
            for option in node["options"]:
                assert len(option["text"]["text"]) <= OPTION_TEXT_LIMIT
                assert 0 < len(option["value"]) <= OPTION_VALUE_LIMIT


def check(message: dict[str, Any], own: Collection[str] = ()) -> None:
    """Fail unless slack_sdk accepts the message, within every limit, with no foreign markup."""
    check_message(message)
    check_limits(message)
    check_markup(message, own)
    json.dumps(message)  # as the Web API client sends it


def card_date(lastreply: str, zone: ZoneInfo) -> set[str]:
    """Return the date markup a card shows for a last reply, if it is a WHMCS date."""
    try:
        then = datetime.strptime(lastreply.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=zone)
    except ValueError:
        return set()
    shown = then.strftime("%Y-%m-%d %H:%M %Z")
    return {f"<!date^{int(then.timestamp())}^{{date_short_pretty}} {{time}}|{shown}>"}


PROPERTY = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# `/ticket` answers, shown to the person who asked


@PROPERTY
@given(tickets(), st.none() | sentences, whmcs_text)
def test_ticket_answer_is_valid_and_inert(ticket: Ticket, notice: str | None, flagged: str) -> None:
    check(blocks.ticket_message(ShowResult(ticket, notice=notice, flagged_to=flagged), "footer"))


problem_kinds = st.sampled_from(
    [kind for kind in ProblemKind if kind is not ProblemKind.PERMISSION]
)
problems = st.builds(Problem, whmcs_text, whmcs_text, problem_kinds)
# A permission refusal's hint names who can grant it (a Slack mention the bot writes); its
# message names departments from WHMCS.
permission_problems = st.builds(
    Problem,
    whmcs_text,
    st.just(f"Ask <@{REQUESTER}> to grant it."),
    st.just(ProblemKind.PERMISSION),
)


@PROPERTY
@given(problems | permission_problems, st.booleans())
def test_problem_answer_is_valid_and_inert(problem: Problem, nothing_changed: bool) -> None:
    check(blocks.problem_message(problem, None, nothing_changed), {f"<@{REQUESTER}>"})


field_names = st.sampled_from(["status", "priority", "dept", "subject", "flag", "client"])
private_names = st.sampled_from(["name", "email", "cc", "message"])
public_fields = st.builds(
    FieldResult,
    field=field_names,
    label=whmcs_text,
    before=st.none() | whmcs_text,
    after=whmcs_text,
    changed=st.booleans(),
    readable=st.booleans(),
    private=st.just(False),
    verified=st.booleans(),
)
private_fields = st.builds(
    FieldResult,
    field=private_names,
    label=st.sampled_from(["Name", "Email", "CC", "Opening message"]),
    before=st.none() | whmcs_text.map(lambda text: PRIVATE + text),
    after=whmcs_text.map(lambda text: PRIVATE + text),
    changed=st.booleans(),
    readable=st.booleans(),
    private=st.just(True),
    verified=st.booleans(),
)
updates = st.builds(
    UpdateResult,
    outcome=st.sampled_from(Outcome),
    ticket=st.none() | tickets(),
    fields=st.lists(public_fields | private_fields, max_size=12).map(tuple),
    problems=st.lists(problems | permission_problems, max_size=4).map(tuple),
    notice=st.none() | sentences,
    reason=st.none() | sentences,
    actor=whmcs_text,
    notes=st.lists(sentences, max_size=3).map(tuple),
)


# A contact detail left as it was, named in a change of another field.
UNCHANGED_EMAIL = UpdateResult(
    Outcome.DONE,
    Ticket.from_api({"id": "42", "tid": "ABC-123456", "subject": "Site down", "status": "Open"}),
    (
        FieldResult("status", "Status", "Open", "Closed"),
        FieldResult("email", "Email", PRIVATE, PRIVATE, changed=False, private=True),
    ),
    actor="Alice Admin",
)


@PROPERTY
@given(updates)
@example(UNCHANGED_EMAIL)
def test_update_answers_are_valid_and_inert(result: UpdateResult) -> None:
    own = {f"<@{REQUESTER}>"}
    private = blocks.update_message(result, REQUESTER, result.actor, False, "footer")
    public = blocks.update_message(result, REQUESTER, result.actor, True, "footer")

    check(private, own)
    check(public, own)
    # The channel's copy names contact details and the opening message, never their values.
    assert PRIVATE not in json.dumps(public, ensure_ascii=False)


@PROPERTY
@given(updates.filter(lambda result: result.ticket is not None))
def test_no_change_answer_is_valid_and_inert(result: UpdateResult) -> None:
    check(blocks.no_change_message(result, "footer"))


@PROPERTY
@given(st.text(_any_character, max_size=60) | _mixed | _huge, st.text(max_size=300))
def test_usage_answer_quotes_typed_text_inertly(message: str, hint: str) -> None:
    check(blocks.usage_message(GrammarError(message, hint), "footer"))


# Cards, their unfurls and triage's thread lines, seen by the whole channel


def _facts(zone: ZoneInfo, flagged_name: str, note: str | None) -> CardFacts:
    return CardFacts(STATUSES, flagged_name, ADMIN_URL, zone, note=note, now=NOW)


def _own_card_markup(ticket: Ticket, zone: ZoneInfo) -> set[str]:
    return card_date(ticket.lastreply, zone) | {
        link_line(f"{ADMIN_URL}supporttickets.php?action=view&id={ticket.id}")
    }


def check_card(message: dict[str, Any], ticket: Ticket, zone: ZoneInfo, own: set[str]) -> None:
    """Fail unless a card is valid and inert, and shows no email address or message body."""
    check(message, own | _own_card_markup(ticket, zone))
    shown = json.dumps(message, ensure_ascii=False)
    assert PRIVATE not in shown
    assert ADDRESS not in shown


@PROPERTY
@given(tickets(), st.sampled_from(ZONES), whmcs_text, st.lists(whmcs_text, max_size=120))
def test_cards_and_their_unfurls_are_valid_and_inert(
    ticket: Ticket, zone: ZoneInfo, flagged_name: str, statuses: list[str]
) -> None:
    facts = dataclasses.replace(_facts(zone, flagged_name, None), statuses=statuses)
    card = build_card(ticket, facts)
    check_card(card, ticket, zone, set())

    url = f"{ADMIN_URL}supporttickets.php?action=view&id={ticket.id}"
    unfurl = {"text": card["text"], "blocks": summary_blocks(card, url)}
    check_card(unfurl, ticket, zone, set())
    assert not [node for node in walk(unfurl["blocks"]) if node.get("type") == "button"]


# Changes as cards name them: values of the fields a channel sees are WHMCS text; those of
# contact details and the opening message are marked, as the channel must not see them.
changes = st.builds(
    Change,
    field=st.sampled_from(["Status", "Priority", "Department", "Flag", "Subject"]),
    before=st.none() | whmcs_text,
    after=whmcs_text | st.just(texts.UNFLAGGED),
) | st.builds(
    Change,
    field=st.sampled_from(["Name", "Email", "CC", "Opening message"]),
    before=st.none() | whmcs_text.map(lambda text: PRIVATE + text),
    after=whmcs_text.map(lambda text: PRIVATE + text),
)
# Who made a change, as the record names them: a Slack user id, or a short name.
slack_users = st.just(REQUESTER) | st.text(max_size=30).filter(_not_ours)
audit_times = st.none() | st.just("2026-03-02T09:00:00Z") | whmcs_text
_audited = int(datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp())
AUDIT_DATE = f"<!date^{_audited}^{{date_short_pretty}} {{time}}|2026-03-02 09:00 UTC>"


@PROPERTY
@given(tickets(), st.lists(changes, max_size=6), slack_users, audit_times)
def test_card_notes_and_their_thread_lines_are_valid_and_inert(
    ticket: Ticket, made: list[Change], user: str, at: str | None
) -> None:
    own = {f"<@{REQUESTER}>", AUDIT_DATE}
    note = card_notes.note(made, user, at)
    check_card(build_card(ticket, _facts(ZONES[0], "", note)), ticket, ZONES[0], own)
    for change in made:
        line = card_notes.thread_line(change, user)
        check({"text": line}, own)
        assert PRIVATE not in line


audit_entries = st.builds(
    AuditEntry,
    at=st.just("2026-03-02T09:00:00Z"),
    slack_user=st.just(REQUESTER),
    admin_id=st.none() | ids,
    ticket_id=st.none() | ids,
    ticket_number=whmcs_text,
    source=st.sampled_from(["command", "form", "card"]) | whmcs_text,
    outcome=st.sampled_from(["done", "partial", "refused", "denied", "unknown"]) | whmcs_text,
    changes=st.lists(changes, max_size=6).map(tuple),
    detail=whmcs_text,
)


def _entry(*changed: Change) -> AuditEntry:
    return AuditEntry("2026-03-02T09:00:00Z", REQUESTER, 1, 42, "ABC-1", "command", "done", changed)


# Lines whose section would end inside the next line's mention of who acted.
_LONG = (*[Change("Status", "a" * 80, "b" * 80)] * 3, Change("Status", "a" * 80, "c" * 75))
ENDS_IN_A_MENTION = [_entry(*_LONG)] * 4 + [_entry(Change("Status", "Open", "Closed"))]


@PROPERTY
@given(whmcs_text, st.lists(audit_entries, max_size=12))
@example("#ABC-1 (id 42)", ENDS_IN_A_MENTION)
def test_history_answer_is_valid_and_inert(ticket_name: str, entries: list[AuditEntry]) -> None:
    message = access_blocks.history_message(ticket_name, entries, "footer")

    check(message, {f"<@{REQUESTER}>"})
    assert PRIVATE not in json.dumps(message, ensure_ascii=False)


class RecordingPacer:
    """Stand in for the pacer: record each Web API call and answer it like Slack."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def call(self, method: str, channel: str, **arguments: Any) -> dict[str, Any]:
        self.calls.append((method, channel, arguments))
        return {"ok": True, "ts": "1700000000.000100"}


class Renderer:
    """Stand in for the card renderer: build the card with fixed facts."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone

    def card(self, ticket: Ticket, note: str | None = None) -> dict[str, Any]:
        return build_card(ticket, _facts(self.zone, "", note))


@PROPERTY
@given(
    tickets(),
    st.sampled_from(ZONES),
    st.lists(changes, max_size=6),
    st.none() | st.builds(NewReply, whmcs_text, st.booleans()),
    st.booleans(),
)
def test_triage_cards_and_thread_lines_are_valid_and_inert(
    ticket: Ticket, zone: ZoneInfo, made: list[Change], reply: NewReply | None, left: bool
) -> None:
    route = Route(CHANNEL, (1,), mention=PING_GROUP)
    pacer = RecordingPacer()
    cards = SlackCards(Renderer(zone), pacer, [route])

    cards.post(route, ticket)
    cards.update(
        Card(CHANNEL, "1700000000.000100", ticket.id, True),
        ticket,
        News(tuple(made), reply),
        route if left else None,
    )

    assert pacer.calls
    own = {f"<!subteam^{PING_GROUP}>"}
    for _, channel, message in pacer.calls:
        assert channel == CHANNEL
        if "blocks" in message:
            check_card(message, ticket, zone, own)
        else:
            check(message, own)
            assert PRIVATE not in message["text"]

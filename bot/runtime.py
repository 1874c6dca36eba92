"""Build the bot's pieces from its settings and config, and wire them together."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from slack_bolt import App
from slack_sdk import WebClient

from bot.access import Directory, Policy
from bot.access.policy import DEFAULT_ROLES
from bot.config import Config
from bot.settings import Settings
from bot.slack import texts
from bot.slack.answers import Answers
from bot.slack.app import build_app, check_reachable
from bot.slack.card_deps import CardDeps
from bot.slack.card_keeper import CardKeeper
from bot.slack.card_post import CardPoster
from bot.slack.card_render import CardRenderer
from bot.slack.commands import CommandDeps
from bot.slack.followup import Followups
from bot.slack.form_deps import FormDeps
from bot.slack.form_open import FormOpener
from bot.slack.gate import ChannelDepartments
from bot.slack.pacing import Pacer
from bot.slack.people import profile_email
from bot.slack.replay import RecentTriggers
from bot.slack.response_urls import ResponseUrls
from bot.slack.triage_cards import SlackCards
from bot.store import Store
from bot.tickets.catalog import Catalog
from bot.tickets.service import TicketService
from bot.triage.loop import PollLoop
from bot.triage.poller import Poller
from bot.triage.state import TriageState
from bot.whmcs import Transport, WhmcsClient
from bot.whmcs.transport import API_PATH

log = logging.getLogger(__name__)

# Threads for Slack Web API calls that must not wait behind WHMCS work (views.open).
SLACK_CALL_WORKERS = 4
# A form still loading this many seconds past WHMCS_TIMEOUT says that WHMCS is too slow.
FORM_DEADLINE_MARGIN = 1.0


@dataclass
class Bot:
    """The running bot: its Bolt app and what it needs to shut down cleanly."""

    app: App
    followups: Followups
    whmcs_url: str
    sandbox: Any = None
    store: Store | None = None
    slack_calls: Followups | None = None
    triage: PollLoop | None = None
    whmcs: WhmcsClient | None = None

    def close(self) -> None:
        """Stop polling, finish follow-up work, close the store and stop the sandbox, if any."""
        if self.triage is not None:
            self.triage.stop()
        if self.slack_calls is not None:
            self.slack_calls.shutdown(wait=True)
        self.followups.shutdown(wait=True)
        if self.store is not None:
            self.store.close()
        if self.sandbox is not None:
            self.sandbox.stop()


def start_sandbox() -> tuple[Any, str, str, str]:
    """Start the built-in sandbox WHMCS on loopback with a fresh secret."""
    from bot.sandbox import Sandbox

    identifier, secret = "ticketbot-builtin", secrets.token_urlsafe(24)
    sandbox = Sandbox(host="127.0.0.1", port=0, identifier=identifier, secret=secret).start()
    return sandbox, sandbox.url, identifier, secret


def build_policy(config: Config, catalog: Catalog) -> Policy:
    """Build the permission policy: roles, department scope, channel rules, who can grant."""
    roles = {**DEFAULT_ROLES, **config.roles}
    granters = [
        user
        for user, linked in config.users.items()
        if "*" in roles.get(linked.role or config.default_role, ())
    ]
    channels = None
    if config.channel_scope:
        channels = ChannelDepartments(config.channel_departments(), catalog)
    return Policy(
        config.roles or None,
        department_scope=config.department_scope,
        channel_departments=channels,
        granters=granters,
        department_names=lambda: {d.id: d.name for d in catalog.departments.get()},
    )


def build_bot(settings: Settings, config: Config) -> Bot:
    """Connect to WHMCS (or start the sandbox) and build the Bolt app."""
    check_reachable(settings.slack_bot_token, settings.slack_api_url)
    sandbox = login = None
    if settings.uses_sandbox:
        sandbox, *login = start_sandbox()
        log.info("built-in sandbox WHMCS serving at %s", sandbox.url)
    transport = whmcs_transport(settings, config.whmcs_concurrency, login)
    url = login[0] if login else str(settings.whmcs_url)
    client = WhmcsClient(transport)
    catalog = Catalog(client, ttl=config.catalog_ttl)
    store = Store(settings.db_path)
    interrupted = store.settle_interrupted()
    if interrupted:
        log.warning(
            "%d change%s from Slack had started when the bot last stopped; the audit record "
            "marks %s as of unknown outcome",
            interrupted,
            "" if interrupted == 1 else "s",
            "it" if interrupted == 1 else "them",
        )
    slack = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    directory = Directory(
        {user: (linked.admin_id, linked.role) for user, linked in config.users.items()},
        config.default_role,
        catalog.admins.get,
        profile_email(slack),
        store,
    )
    policy = build_policy(config, catalog)
    service = TicketService(
        client,
        catalog,
        settings.whmcs_timezone,
        directory.admin_id_for,
        customfield_labels=config.customfields or None,
        write_notes=config.staff_notes,
        number_ttl=config.catalog_ttl,
    )
    footer = texts.SANDBOX_FOOTER if sandbox is not None else None
    answers = Answers(
        service, directory, policy, store, config.confirmations, config.department_scope, footer
    )
    followups = Followups(config.whmcs_concurrency)
    slack_calls = Followups(SLACK_CALL_WORKERS)
    triggers = RecentTriggers()
    whmcs_admin_url = settings.whmcs_admin_url or admin_url(url)
    form = FormDeps(
        answers,
        followups,
        slack_calls,
        settings.slack_signing_secret,
        whmcs_admin_url,
        settings.whmcs_timezone,
        dict(config.customfields or {}),
        deadline=settings.whmcs_timeout + FORM_DEADLINE_MARGIN,
        triggers=triggers,
    )

    opener = FormOpener(form)
    # One pacer for every channel call of cards, from clicks and triage alike: one channel's
    # calls stay in order and a rate limit is waited out.
    cards = CardDeps(
        answers,
        followups,
        whmcs_admin_url,
        settings.whmcs_timezone,
        settings.slack_api_url,
        opener,
        triggers,
        pacer=Pacer(slack),
    )
    triage = start_triage(config, settings, cards, slack)
    deps = CommandDeps(
        answers,
        followups,
        footer,
        triggers,
        opener,
        CardPoster(cards),
        triage_routes=config.triage,
        triage_interval=config.triage_interval,
        response_urls=ResponseUrls(slack.proxy, config.whmcs_concurrency),
    )
    app = build_app(
        settings.slack_bot_token, settings.slack_signing_secret, settings.slack_api_url, deps
    )
    linked = len(config.users)
    log.info(
        "using the WHMCS API at %s; %d Slack user%s linked to a WHMCS admin",
        _without_credentials(transport.url),
        linked,
        "" if linked == 1 else "s",
    )
    return Bot(app, followups, url, sandbox, store, slack_calls, triage, client)


def start_triage(
    config: Config, settings: Settings, cards: CardDeps, slack: WebClient
) -> PollLoop | None:
    """Keep cards current after changes from Slack; poll WHMCS when routes are configured."""
    answers = cards.answers
    service = answers.service
    state = TriageState(answers.store)
    keeper = CardKeeper(state, service.client, service.catalog)
    renderer = CardRenderer(cards)
    pacer = cards.pacer if cards.pacer is not None else Pacer(slack)
    slack_cards = SlackCards(renderer, pacer, config.triage)
    keeper.attach(renderer, slack_cards)
    answers.cards = keeper
    if not config.triage:
        return None
    # Only a poll needs to know what changes from Slack did, so as not to tell them again.
    service.on_written = keeper.note
    poller = Poller(
        service.client,
        service.catalog,
        state,
        config.triage,
        slack_cards,
        settings.whmcs_timezone,
        serialised=service.serialised,
    )
    channels = len({route.channel for route in config.triage})
    log.info(
        "triage: %d route%s to %d channel%s, polled every %g s",
        len(config.triage),
        "" if len(config.triage) == 1 else "s",
        channels,
        "" if channels == 1 else "s",
        config.triage_interval,
    )
    return PollLoop(poller, config.triage_interval).start()


def whmcs_transport(
    settings: Settings, pool_size: int, sandbox_login: Sequence[str] | None = None
) -> Transport:
    """Return the transport to WHMCS_URL, or to a sandbox's url, identifier and secret."""
    if sandbox_login is not None:
        url, identifier, secret = sandbox_login
    else:
        assert settings.whmcs_url and settings.whmcs_identifier and settings.whmcs_secret
        url, identifier, secret = (
            settings.whmcs_url,
            settings.whmcs_identifier,
            settings.whmcs_secret,
        )
    return Transport(
        url,
        identifier,
        secret,
        access_key=settings.whmcs_access_key,
        timeout=settings.whmcs_timeout,
        pool_size=pool_size,
    )


def admin_url(whmcs_url: str) -> str:
    """Return WHMCS's admin area for an install URL (or its API endpoint): `<url>/admin/`."""
    base = whmcs_url.strip().rstrip("/")
    base = base.removesuffix(API_PATH)
    return base + "/admin/"


def _without_credentials(url: str) -> str:
    """Return a URL without any user name, password, query or fragment in it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))

"""A fake Slack Web API and response_url endpoint served over loopback HTTP for the tests."""

from __future__ import annotations

import copy
import inspect
import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import parse_qs, parse_qsl, urlsplit

import yaml
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.sync.server import Server, ServerConnection, serve

log = logging.getLogger(__name__)

T = TypeVar("T")
Args = dict[str, Any]

TEAM_ID = "T0000001"
BOT_USER_ID = "UBOT0001"
BOT_ID = "B0000001"
APP_ID = "A0000001"
WORKSPACE_URL = "https://example.slack.com/"
FIRST_TS_MICROS = 1_700_000_000_000_100
# Slack accepts at most 5 posts to one response_url (within 30 minutes of the interaction).
RESPONSE_URL_USES = 5
# Arguments Slack accepts as JSON text inside a form or a JSON body.
JSON_TEXT_ARGS = ("attachments", "blocks", "metadata", "unfurls", "view")
MESSAGE_FIELDS = ("text", "blocks", "attachments", "metadata")
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MODAL_TITLE = 24
MAX_MESSAGE_TEXT = 40_000
SOCKET_PATH = "/link/"
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"
# The bot scopes a workspace grants when it installs the app from its manifest.
MANIFEST_BOT_SCOPES = tuple(
    yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["oauth_config"]["scopes"]["bot"]
)


class SlackError(Exception):
    """Answer a Web API call with ``ok: false`` and Slack's error code."""

    def __init__(self, error: str, *messages: str) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)


@dataclass
class Fault:
    """An error the next calls of one Web API method answer with."""

    error: str
    status: int
    retry_after: int | None
    times: int


class FakeSlack:
    """Serve a stateful fake of the Slack Web API and of response URLs on 127.0.0.1."""

    # Called as (method, channel, content) for every message a channel's members can read:
    # chat.postMessage and chat.update outside direct messages, chat.unfurl, and response_url
    # posts made "in_channel". Shared by every fake, so a test run can check all of them.
    on_channel_post: ClassVar[Callable[[str, str, Any], None] | None] = None

    def __init__(
        self,
        bot_token: str = "xoxb-test-token",
        users: Mapping[str, Mapping[str, Any]] | None = None,
        channels: Mapping[str, Mapping[str, Any]] | None = None,
        app_token: str | None = None,
        scopes: tuple[str, ...] = MANIFEST_BOT_SCOPES,
    ) -> None:
        """Create the fake; ``channels`` limits which channel IDs exist (any if None).

        Args:
            app_token: the app-level token (``xapp-...``) that ``apps.connections.open``
                accepts; when set, the fake also serves Socket Mode over a loopback WebSocket.
            scopes: the bot token's scopes, sent in auth.test's ``x-oauth-scopes`` header.
        """
        self.bot_token = bot_token
        self.app_token = app_token
        self.scopes = tuple(scopes)
        self.users = {user_id: dict(spec) for user_id, spec in (users or {}).items()}
        self.channels = None if channels is None else {k: dict(v) for k, v in channels.items()}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._socket_server: Server | None = None
        self._socket_thread: threading.Thread | None = None
        self._sockets: list[ServerConnection] = []
        self._socket_tickets: set[str] = set()
        self._handlers: dict[str, Callable[[Args], Args]] = {
            "auth.test": self._auth_test,
            "apps.connections.open": self._apps_connections_open,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.getPermalink": self._chat_get_permalink,
            "chat.unfurl": self._chat_unfurl,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
            "conversations.members": self._conversations_members,
            "conversations.history": self._conversations_history,
        }
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start serving on a free loopback port in a daemon thread; a no-op if running."""
        if self._server is not None:
            return self

        server = _Server(("127.0.0.1", 0), _RequestHandler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        log.debug("fake Slack listening on %s", self.base_url)
        if self.app_token is not None:
            self._start_socket_server()
        return self

    def _start_socket_server(self) -> None:
        socket_server = serve(
            self._socket_session,
            "127.0.0.1",
            0,
            process_request=self._check_socket_ticket,
            compression=None,
            # A client that never answers a close frame is cut off after this many seconds.
            close_timeout=2,
            logger=log,
        )
        self._socket_server = socket_server
        self._socket_thread = threading.Thread(
            target=socket_server.serve_forever, name="fake-slack-socket", daemon=True
        )
        self._socket_thread.start()

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is None:
            return

        if self._socket_server is not None:
            self._socket_server.shutdown()
            if self._socket_thread is not None:
                self._socket_thread.join(timeout=5)
            self._socket_server = None
            self._socket_thread = None
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Return ``http://127.0.0.1:PORT`` of the running server."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """Return the Web API base URL to give ``WebClient(base_url=...)``."""
        return f"{self.base_url}/api/"

    # -- test controls ---------------------------------------------------------------------

    def reset(self) -> None:
        """Forget all calls, messages, views, response URLs, faults and delays."""
        with self._lock:
            self._calls: list[Args] = []
            self._messages: dict[str, list[Args]] = {}
            self._ephemerals: list[Args] = []
            self._views: dict[str, Args] = {}
            self._response_urls: dict[str, list[Any]] = {}
            self._faults: dict[str, list[Fault]] = {}
            self._delays: dict[str, float] = {}
            self._ts_count = 0
            self._last_ts_micros = FIRST_TS_MICROS
            self._view_count = 0
            self._socket_acks: list[Args] = []

    def fail(
        self,
        method: str,
        error: str = "ratelimited",
        status: int = 200,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``error``.

        Args:
            status: HTTP status of the answer; 429 whenever ``retry_after`` is set.
            retry_after: seconds sent in the ``Retry-After`` header.
        """
        if retry_after is not None:
            status = 429
        with self._lock:
            self._faults.setdefault(method, []).append(Fault(error, status, retry_after, times))

    def delay(self, method: str, seconds: float) -> None:
        """Sleep ``seconds`` before answering each later call of ``method``."""
        with self._lock:
            self._delays[method] = seconds

    def new_response_url(self) -> str:
        """Issue a response_url that accepts JSON posts like Slack's."""
        key = uuid.uuid4().hex
        with self._lock:
            self._response_urls[key] = []
        return f"{self.base_url}/response/{key}"

    def socket_send(self, envelope: Mapping[str, Any]) -> None:
        """Push one Socket Mode envelope (JSON) to the connected client."""
        self._open_socket().send(json.dumps(envelope))

    def socket_drop(self) -> None:
        """Close the client's WebSocket connection from the server side, with no warning."""
        self._open_socket().close(1001, "going away")

    def socket_refresh(self) -> None:
        """Ask the client to move to a new connection, as Slack routinely does.

        Slack sends a ``disconnect`` message with reason ``refresh_requested`` and leaves the
        old connection open for the client to close once it has a new one.
        """
        self.socket_send({"type": "disconnect", "reason": "refresh_requested"})

    def wait_for_socket(self, connections: int = 1, timeout: float = 10.0) -> None:
        """Wait until the client has opened ``connections`` WebSocket connections in all.

        The latest one must still be open, so ``socket_send`` reaches the client.
        """

        def connected() -> bool:
            with self._lock:
                opened = len(self._sockets)
                latest = self._sockets[-1] if self._sockets else None
            return opened >= connections and latest is not None and _is_open(latest)

        self.wait_for(
            connected, timeout, f"{connections} Socket Mode connection(s), the latest open"
        )

    def _open_socket(self) -> ServerConnection:
        with self._lock:
            latest = self._sockets[-1] if self._sockets else None
        if latest is None or not _is_open(latest):
            raise RuntimeError("no Socket Mode client is connected")
        return latest

    # -- inspection ------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Args]:
        """Return the recorded Web API calls, oldest first, optionally of one method."""
        with self._lock:
            found = [c for c in self._calls if method is None or c["method"] == method]
            return copy.deepcopy(found)

    def responses(self, url: str) -> list[Any]:
        """Return the JSON bodies accepted at one response_url, oldest first."""
        key = url.rstrip("/").rsplit("/", 1)[-1]
        with self._lock:
            return copy.deepcopy(self._response_urls.get(key, []))

    def messages(self, channel: str) -> list[Args]:
        """Return the current state of the messages posted to a channel, oldest first."""
        with self._lock:
            return copy.deepcopy(self._messages.get(_conversation_id(channel), []))

    def ephemerals(self, channel: str) -> list[Args]:
        """Return the ephemeral messages posted in a channel, oldest first."""
        channel = _conversation_id(channel)
        with self._lock:
            return copy.deepcopy([m for m in self._ephemerals if m["channel"] == channel])

    def socket_acks(self) -> list[Args]:
        """Return the messages the Socket Mode client sent back (its acks), oldest first."""
        with self._lock:
            return copy.deepcopy(self._socket_acks)

    def socket_connections(self) -> int:
        """Return how many WebSocket connections the Socket Mode client has opened so far."""
        with self._lock:
            return len(self._sockets)

    def view(self, view_id: str) -> Args:
        """Return the current state of an opened view."""
        with self._lock:
            return copy.deepcopy(self._views[view_id])

    def wait_for(
        self, predicate: Callable[[], T], timeout: float = 5.0, description: str | None = None
    ) -> T:
        """Poll ``predicate`` until it returns something truthy; raise AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)

        what = description or _describe(predicate)
        with self._lock:
            called = Counter(c["method"] for c in self._calls)
            posted = sum(len(bodies) for bodies in self._response_urls.values())
        summary = ", ".join(f"{m} x{n}" for m, n in called.items()) or "none"
        raise AssertionError(
            f"not met within {timeout:g} s: {what}\n  last value: {value!r}\n"
            f"  Web API calls so far: {summary}\n  response_url posts so far: {posted}"
        )

    # -- HTTP ------------------------------------------------------------------------------

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        """Answer one HTTP request made to the fake."""
        url = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        if url.path.startswith("/api/"):
            status, headers, answer = self._web_api(url.path[5:], url.query, request, body)
            _reply(request, status, json.dumps(answer).encode(), "application/json", headers)
        elif url.path.startswith("/response/") and request.command == "POST":
            status, text = self._response_url(url.path[len("/response/") :], body)
            _reply(request, status, text.encode(), "text/html", {})
        else:
            _reply(request, 404, b"not found", "text/plain", {})

    def _web_api(
        self, method: str, query: str, request: BaseHTTPRequestHandler, body: bytes
    ) -> tuple[int, dict[str, str], Args]:
        content_type = request.headers.get("Content-Type", "")
        bad_request: SlackError | None = None
        try:
            args = _request_args(query, content_type, body)
        except SlackError as error:
            args, bad_request = {}, error
        token = args.pop("token", None)
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            token = authorization[len("Bearer ") :]
        with self._lock:
            self._calls.append({"method": method, "args": args, "time": time.time()})
            pause = self._delays.get(method, 0.0)
        if pause:
            time.sleep(pause)

        with self._lock:
            if bad_request is not None:
                return 200, {}, {"ok": False, "error": bad_request.error}
            if not token:
                return 200, {}, {"ok": False, "error": "not_authed"}
            # apps.connections.open takes the app-level token only; every other method here
            # takes the bot token only.
            wanted = self.app_token if method == "apps.connections.open" else self.bot_token
            if token != wanted:
                known = token in (self.bot_token, self.app_token)
                refusal = "not_allowed_token_type" if known else "invalid_auth"
                return 200, {}, {"ok": False, "error": refusal}
            fault = self._take_fault(method)
            if fault is not None:
                headers = (
                    {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
                )
                return fault.status, headers, {"ok": False, "error": fault.error}
            handler = self._handlers.get(method)
            if handler is None:
                return 200, {}, {"ok": False, "error": "unknown_method"}
            # Slack names the token's scopes in this header on every answer; auth.test is where
            # clients read them.
            granted = {"x-oauth-scopes": ",".join(self.scopes)} if method == "auth.test" else {}
            try:
                return 200, granted, copy.deepcopy({"ok": True, **handler(copy.deepcopy(args))})
            except SlackError as error:
                answer: Args = {"ok": False, "error": error.error}
                if error.messages:
                    answer["response_metadata"] = {"messages": error.messages}
                return 200, {}, answer

    def _take_fault(self, method: str) -> Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _response_url(self, key: str, body: bytes) -> tuple[int, str]:
        with self._lock:
            accepted = self._response_urls.get(key)
            if accepted is None:
                return 404, "expired_url"
            if len(accepted) >= RESPONSE_URL_USES:
                return 404, "used_url"
            try:
                accepted.append(json.loads(body))
            except ValueError:
                return 400, "invalid_payload"
            if isinstance(accepted[-1], dict) and accepted[-1].get("response_type") == "in_channel":
                self._channel_post("response_url", "in_channel", accepted[-1])
            return 200, "ok"

    # -- Socket Mode -----------------------------------------------------------------------

    def _check_socket_ticket(
        self, connection: ServerConnection, request: Request
    ) -> Response | None:
        """Refuse a WebSocket handshake whose URL was not issued or was used already."""
        url = urlsplit(request.path)
        ticket = parse_qs(url.query).get("ticket", [""])[0]
        with self._lock:
            issued = url.path == SOCKET_PATH and ticket in self._socket_tickets
            self._socket_tickets.discard(ticket)
        if not issued:
            return connection.respond(403, "unknown or used Socket Mode URL\n")
        return None

    def _socket_session(self, connection: ServerConnection) -> None:
        """Record what one connected client sends until the connection ends."""
        with self._lock:
            self._sockets.append(connection)
        try:
            for message in connection:
                try:
                    ack = json.loads(message)
                except ValueError:
                    ack = {"unreadable": message}
                with self._lock:
                    self._socket_acks.append(ack)
        except ConnectionClosed:
            pass
        log.debug("fake Slack: Socket Mode connection ended")

    # -- Web API methods (called with the lock held) ---------------------------------------

    def _auth_test(self, args: Args) -> Args:
        return {
            "url": WORKSPACE_URL,
            "team": "Example Hosting",
            "user": "ticketbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, args: Args) -> Args:
        if self._socket_server is None:
            raise SlackError("internal_error")
        # Each URL carries a one-time ticket, like Slack's; the client asks for a new one
        # every time it connects.
        ticket = uuid.uuid4().hex
        self._socket_tickets.add(ticket)
        port = self._socket_server.socket.getsockname()[1]
        return {"url": f"ws://127.0.0.1:{port}{SOCKET_PATH}?ticket={ticket}&app_id={APP_ID}"}

    def _chat_post_message(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        message = _message_content(args)
        message.update(type="message", ts=self._next_ts(), user=BOT_USER_ID, bot_id=BOT_ID)
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self._messages.setdefault(channel, []).append(message)
        self._channel_post("chat.postMessage", channel, message)
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        if not args.get("user"):
            raise SlackError("user_not_in_channel")
        message = _message_content(args)
        message.update(channel=channel, user=args["user"], message_ts=self._next_ts())
        self._ephemerals.append(message)
        return {"message_ts": message["message_ts"]}

    def _chat_update(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        message = self._message(channel, args.get("ts"))
        message.update(_message_content(args))
        message["edited"] = {"user": BOT_USER_ID, "ts": self._next_ts()}
        self._channel_post("chat.update", channel, message)
        return {"channel": channel, "ts": message["ts"], "text": message.get("text", "")}

    def _chat_get_permalink(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        ts = self._message(channel, args.get("message_ts"))["ts"]
        permalink = f"{WORKSPACE_URL}archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": permalink}

    def _chat_unfurl(self, args: Args) -> Args:
        targeted = (args.get("channel") and args.get("ts")) or (
            args.get("unfurl_id") and args.get("source")
        )
        if not targeted or not isinstance(args.get("unfurls"), dict):
            raise SlackError("invalid_arguments")
        self._channel_post("chat.unfurl", str(args.get("channel") or "-"), args["unfurls"])
        return {}

    def _views_open(self, args: Args) -> Args:
        _require(args, "trigger_id", "view")
        view = self._new_view(args["view"])
        view["root_view_id"] = view["id"]
        return {"view": view}

    def _views_push(self, args: Args) -> Args:
        _require(args, "trigger_id", "view")
        return {"view": self._new_view(args["view"])}

    def _views_update(self, args: Args) -> Args:
        _require(args, "view")
        if args.get("view_id"):
            old = self._views.get(args["view_id"])
        elif args.get("external_id"):
            found = [v for v in self._views.values() if v["external_id"] == args["external_id"]]
            old = found[-1] if found else None
        else:
            raise SlackError("invalid_arguments", "[ERROR] view_id or external_id is required")
        if old is None:
            raise SlackError("not_found")
        if args.get("hash") and args["hash"] != old["hash"]:
            raise SlackError("hash_conflict")

        spec = {"external_id": old["external_id"], **args["view"]}
        view = self._new_view(spec, view_id=old["id"])
        view.update(root_view_id=old["root_view_id"], previous_view_id=old["previous_view_id"])
        return {"view": view}

    def _users_info(self, args: Args) -> Args:
        user_id = args.get("user", "")
        if user_id not in self.users:
            raise SlackError("user_not_found")
        return {"user": _user_record(user_id, self.users[user_id])}

    def _conversations_info(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        spec = (self.channels or {}).get(channel, {})
        record = {
            "id": channel,
            "name": f"channel-{channel.lower()}",
            "is_channel": channel.startswith("C"),
            "is_im": channel.startswith("D"),
            "is_private": channel.startswith("G"),
            "is_member": True,
            "is_archived": False,
        }
        record.update({k: v for k, v in spec.items() if k != "members"})
        return {"channel": record}

    def _conversations_members(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        spec = (self.channels or {}).get(channel, {})
        members = list(spec.get("members", self.users))
        return {"members": members, "response_metadata": {"next_cursor": ""}}

    def _conversations_history(self, args: Args) -> Args:
        channel = self._channel(args.get("channel"))
        oldest = float(args.get("oldest") or 0)
        found = [m for m in self._messages.get(channel, []) if float(m["ts"]) >= oldest]
        # Slack answers newest first and leaves metadata out unless asked for it.
        messages = [
            m
            if args.get("include_all_metadata")
            else {k: v for k, v in m.items() if k != "metadata"}
            for m in reversed(found)
            if "thread_ts" not in m
        ]
        return {"messages": messages, "has_more": False, "response_metadata": {"next_cursor": ""}}

    # -- state -----------------------------------------------------------------------------

    def _channel_post(self, method: str, channel: str, content: Any) -> None:
        """Pass a message a channel can read to the shared hook; direct messages stay private."""
        hook = FakeSlack.on_channel_post
        if hook is not None and not channel.startswith("D"):
            hook(method, channel, copy.deepcopy(content))

    def _channel(self, channel: Any) -> str:
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        channel = _conversation_id(channel)
        known = self.channels is None or channel in self.channels or channel.startswith("D")
        if not known:
            raise SlackError("channel_not_found")
        return channel

    def _message(self, channel: str, ts: Any) -> Args:
        for message in self._messages.get(channel, []):
            if message["ts"] == ts:
                return message
        raise SlackError("message_not_found")

    def _next_ts(self) -> str:
        # Like Slack's: the time of posting, unique and rising within the workspace.
        micros = max(int(time.time() * 1_000_000), self._last_ts_micros + 100)
        self._last_ts_micros = micros
        self._ts_count += 1
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_view(self, spec: Any, view_id: str | None = None) -> Args:
        if not isinstance(spec, dict):
            raise SlackError("invalid_arguments", "[ERROR] view must be an object")
        _check_view(spec)
        self._view_count += 1
        view = {
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            "root_view_id": None,
            **spec,
            "id": view_id or f"V{self._view_count:08d}",
            "team_id": TEAM_ID,
            "state": {"values": {}},
            "hash": f"1700000000.{uuid.uuid4().hex[:8]}",
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }
        self._views[view["id"]] = view
        return view


class _Server(ThreadingHTTPServer):
    """A threading server that queues bursts of connections, as Slack's servers would take."""

    # socketserver listens with a backlog of 5; the bot's follow-up threads open a connection
    # per response_url post, and a dropped attempt is retried by TCP only after 1, 3, 7... s.
    request_queue_size = 256


class _RequestHandler(BaseHTTPRequestHandler):
    """Pass each HTTP request to the FakeSlack that owns the server."""

    def do_POST(self) -> None:
        self.server.fake.handle(self)  # type: ignore[attr-defined]

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("fake Slack: " + format, *args)


def _reply(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str,
    headers: Mapping[str, str],
) -> None:
    request.send_response(status)
    request.send_header("Content-Type", f"{content_type}; charset=utf-8")
    request.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        request.send_header(name, value)
    request.end_headers()
    request.wfile.write(body)


def _request_args(query: str, content_type: str, body: bytes) -> Args:
    """Merge query, form and JSON arguments; parse JSON text arguments such as ``blocks``."""
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    if body and content_type.startswith("application/json"):
        try:
            parsed = json.loads(body)
        except ValueError:
            raise SlackError("invalid_json") from None
        if not isinstance(parsed, dict):
            raise SlackError("invalid_json")
        args.update(parsed)
    elif body:
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))

    for key in JSON_TEXT_ARGS:
        value = args.get(key)
        if isinstance(value, str) and value.lstrip().startswith(("[", "{")):
            try:
                args[key] = json.loads(value)
            except ValueError:
                raise SlackError(f"invalid_{key}") from None
    return args


def _is_open(connection: ServerConnection) -> bool:
    return connection.state is State.OPEN


def _conversation_id(channel: str) -> str:
    """Map a user ID to the ID of the bot's direct message with that user."""
    return "D" + channel[1:] if channel[:1] in ("U", "W") else channel


def _require(args: Args, *names: str) -> None:
    missing = [name for name in names if not args.get(name)]
    if missing:
        raise SlackError(
            "invalid_arguments", *(f"[ERROR] missing required field: {n}" for n in missing)
        )


def _message_content(args: Args) -> Args:
    content = {key: args[key] for key in MESSAGE_FIELDS if key in args}
    if not any(content.get(key) for key in ("text", "blocks", "attachments")):
        raise SlackError("no_text")
    if len(str(content.get("text", ""))) > MAX_MESSAGE_TEXT:
        raise SlackError("msg_too_long")
    blocks = content.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > MAX_MESSAGE_BLOCKS:
        raise SlackError(
            "invalid_blocks", f"[ERROR] no more than {MAX_MESSAGE_BLOCKS} items allowed"
        )
    return content


def _check_view(spec: Args) -> None:
    """Enforce Slack's view limits: 100 blocks, modal title, submit and close up to 24 chars."""
    problems = []
    blocks = spec.get("blocks", [])
    if not isinstance(blocks, list) or len(blocks) > MAX_VIEW_BLOCKS:
        problems.append(
            f"[ERROR] no more than {MAX_VIEW_BLOCKS} items allowed [json-pointer:/view/blocks]"
        )
    if spec.get("type", "modal") == "modal":
        for field in ("title", "submit", "close"):
            text = (spec.get(field) or {}).get("text", "")
            if len(text) > MAX_MODAL_TITLE:
                problems.append(
                    f"[ERROR] must be less than 25 characters [json-pointer:/view/{field}/text]"
                )
        if not spec.get("title"):
            problems.append("[ERROR] missing required field: title [json-pointer:/view]")
    if problems:
        raise SlackError("invalid_arguments", *problems)


def _user_record(user_id: str, spec: Mapping[str, Any]) -> Args:
    """Build a users.info user object from a test's short description of the user."""
    email = spec.get("email")
    real_name = spec.get("real_name", "")
    profile: Args = {"real_name": real_name, "display_name": spec.get("display_name", real_name)}
    if email:
        profile["email"] = email
    record: Args = {
        "id": user_id,
        "team_id": TEAM_ID,
        "name": spec.get("name") or (email.split("@")[0] if email else user_id.lower()),
        "real_name": real_name,
        "deleted": False,
        "is_bot": False,
        "is_admin": False,
        "tz": "UTC",
    }
    record.update({k: v for k, v in spec.items() if k not in ("email", "display_name")})
    record["profile"] = profile
    return record


def _describe(predicate: Callable[[], object]) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return getattr(predicate, "__qualname__", repr(predicate))

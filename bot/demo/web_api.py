"""The demo's stand-in for Slack's Web API and response URLs, served on 127.0.0.1 only.

The bot talks to it exactly as it talks to Slack (through slack_sdk and Bolt), so the demo
runs the same code as a real install; what the bot says lands in the Workspace.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.demo.team import (
    BOT_ID,
    BOT_NAME,
    BOT_USER,
    CHANNELS,
    PEOPLE,
    TEAM_DOMAIN,
    TEAM_ID,
    channel_object,
    user_object,
)
from bot.demo.workspace import SlackRefusal, Workspace

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
RESPONSE_PREFIX = "/respond/"
# Web API arguments that arrive as JSON text when the call is form-encoded.
JSON_ARGUMENTS = ("blocks", "attachments", "view", "unfurls", "metadata")

Arguments = dict[str, Any]
Method = Callable[[Arguments], Arguments]


class LocalSlack:
    """Answer the Web API methods the bot calls, and its posts to response URLs."""

    def __init__(self, workspace: Workspace, bot_token: str) -> None:
        self.workspace = workspace
        self.bot_token = bot_token
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.local_slack = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self.methods: dict[str, Method] = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.postEphemeral": self.post_ephemeral,
            "chat.update": self.update_message,
            "chat.getPermalink": self.permalink,
            "chat.unfurl": lambda args: {},
            "views.open": self.open_view,
            "views.update": self.update_view,
            "views.push": self.push_view,
            "users.info": self.user_profile,
            "conversations.info": self.channel_profile,
            "conversations.members": lambda args: {"members": [p.slack_user for p in PEOPLE]},
        }

    @property
    def base_url(self) -> str:
        """Return `http://127.0.0.1:<port>`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """Return the Web API base URL to give the bot as SLACK_API_URL."""
        return self.base_url + API_PREFIX

    def response_url(self, key: str) -> str:
        """Return the response_url of a key the workspace issued."""
        return self.base_url + RESPONSE_PREFIX + key

    def start(self) -> LocalSlack:
        """Serve from a daemon thread and return self."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="demo-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    # -- the Web API ----------------------------------------------------------------------

    def call(self, method: str, token: str | None, args: Arguments) -> Arguments:
        """Answer one Web API call as Slack would: `ok` and the method's fields, or an error."""
        if not token:
            return {"ok": False, "error": "not_authed"}
        if token != self.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        answer = self.methods.get(method)
        if answer is None:
            return {"ok": False, "error": "unknown_method"}
        try:
            return {"ok": True, **answer(args)}
        except SlackRefusal as refusal:
            return {"ok": False, "error": refusal.error}
        except (KeyError, TypeError, ValueError):
            return {"ok": False, "error": "invalid_arguments"}

    def auth_test(self, args: Arguments) -> Arguments:
        """Say which team and bot user the token belongs to."""
        return {
            "url": f"{self.base_url}/",
            "team": TEAM_DOMAIN,
            "user": BOT_NAME,
            "team_id": TEAM_ID,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def post_message(self, args: Arguments) -> Arguments:
        """Post in a channel or thread; a user id as the channel means a direct message."""
        channel = _where(args)
        message = self.workspace.post(
            channel, str(args.get("text") or ""), args.get("blocks"), args.get("thread_ts")
        )
        return {"channel": channel, "ts": message.ts, "message": message.as_slack()}

    def post_ephemeral(self, args: Arguments) -> Arguments:
        """Post a message only one person in the channel sees."""
        user = str(args["user"])
        if not any(p.slack_user == user for p in PEOPLE):
            raise SlackRefusal("user_not_in_channel")
        message = self.workspace.post(
            _where(args), str(args.get("text") or ""), args.get("blocks"), only_for=user
        )
        return {"message_ts": message.ts}

    def update_message(self, args: Arguments) -> Arguments:
        """Change a message in place."""
        channel, ts = str(args["channel"]), str(args["ts"])
        text = str(args.get("text") or "")
        message = self.workspace.update(channel, ts, text, args.get("blocks"))
        return {"channel": channel, "ts": ts, "text": message.text, "message": message.as_slack()}

    def permalink(self, args: Arguments) -> Arguments:
        """Return a link to a message."""
        channel, ts = str(args["channel"]), str(args["message_ts"])
        if self.workspace.message(channel, ts) is None:
            raise SlackRefusal("message_not_found")
        link = f"{self.base_url}/archives/{channel}/p{ts.replace('.', '')}"
        return {"channel": channel, "permalink": link}

    def open_view(self, args: Arguments) -> Arguments:
        """Open a modal with a trigger_id from an interaction."""
        view = self.workspace.modals.open(str(args["trigger_id"]), args["view"])
        return {"view": view.as_slack()}

    def push_view(self, args: Arguments) -> Arguments:
        """Push a modal over the open one."""
        view = self.workspace.modals.push(str(args["trigger_id"]), args["view"])
        return {"view": view.as_slack()}

    def update_view(self, args: Arguments) -> Arguments:
        """Replace an open modal's content."""
        view = self.workspace.modals.update(
            args.get("view_id"), args.get("external_id"), args.get("hash"), args["view"]
        )
        return {"view": view.as_slack()}

    def user_profile(self, args: Arguments) -> Arguments:
        """Return a demo user's profile, or the bot's."""
        found = user_object(str(args["user"]))
        if found is None:
            raise SlackRefusal("user_not_found")
        return {"user": found}

    def channel_profile(self, args: Arguments) -> Arguments:
        """Return a demo channel, which the bot and every demo user are members of."""
        found = channel_object(str(args["channel"]))
        if found is None:
            raise SlackRefusal("channel_not_found")
        return {"channel": found}


def _where(args: Arguments) -> str:
    """Return the conversation a post goes to: a demo channel, or a DM with a demo user."""
    channel = str(args["channel"])
    if any(p.slack_user == channel for p in PEOPLE):
        return "D" + channel[1:]
    if any(c.id == channel for c in CHANNELS) or channel.startswith("D"):
        return channel
    raise SlackRefusal("channel_not_found")


def _arguments(query: str, content_type: str, body: bytes) -> Arguments:
    """Read a call's arguments from its query string and its JSON or form-encoded body."""
    args: Arguments = dict(parse_qsl(query))
    if body and content_type.startswith("application/json"):
        found = json.loads(body)
        if isinstance(found, dict):
            args.update(found)
    elif body:
        args.update(parse_qsl(body.decode("utf-8")))
    for name in JSON_ARGUMENTS:
        if isinstance(args.get(name), str):
            args[name] = json.loads(args[name])
    return args


class _Handler(BaseHTTPRequestHandler):
    server_version = "demo-slack"

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the request log off the console."""

    def _answer(self) -> None:
        local: LocalSlack = self.server.local_slack  # type: ignore[attr-defined]
        url = urlsplit(self.path)
        size = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(size) if size else b""
        content_type = self.headers.get("Content-Type", "")
        if url.path.startswith(API_PREFIX):
            try:
                args = _arguments(url.query, content_type, body)
            except (ValueError, UnicodeDecodeError):
                self._send(200, {"ok": False, "error": "invalid_form_data"})
                return
            bearer = self.headers.get("Authorization", "")
            token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else None
            token = token or args.pop("token", None)
            args.pop("token", None)
            self._send(200, local.call(url.path[len(API_PREFIX) :], token, args))
        elif url.path.startswith(RESPONSE_PREFIX) and self.command == "POST":
            self._respond(local, url.path[len(RESPONSE_PREFIX) :], body)
        else:
            self._send(404, "not found")

    def _respond(self, local: LocalSlack, key: str, body: bytes) -> None:
        try:
            reply = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            reply = None
        if not isinstance(reply, dict):
            self._send(400, "invalid_payload")
            return
        try:
            found = local.workspace.respond(key, reply)
        except SlackRefusal as refusal:
            self._send(400, refusal.error)
            return
        self._send(200 if found else 404, "ok" if found else "no_such_url")

    def _send(self, status: int, answer: Arguments | str) -> None:
        if isinstance(answer, str):
            payload, kind = answer.encode(), "text/plain; charset=utf-8"
        else:
            payload, kind = json.dumps(answer).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

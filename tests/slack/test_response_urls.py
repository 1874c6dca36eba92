"""Answers to slash commands go to their response_urls over kept-alive connections."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest.mock import Mock

import pytest

from bot.slack.command_reply import CommandReply
from bot.slack.response_urls import ResponseUrls


class Hooks(ThreadingHTTPServer):
    """Stands in for Slack's response_url host: records posts and counts connections."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.connections = 0
        self.status = 200

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Hooks

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.posts.append((self.path, json.loads(body)))
        answer = b"ok" if self.server.status == 200 else b"expired_url"
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    server = Hooks()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def reply(hooks: Hooks, urls: ResponseUrls, key: str, client: Mock | None = None) -> CommandReply:
    respond = Mock(response_url=f"{hooks.base}/response/{key}", proxy=None, ssl=None)
    return CommandReply(respond, client or Mock(), "U0123", "C0123", urls)


def test_answers_reuse_one_connection_and_arrive_whole(hooks: Hooks) -> None:
    urls = ResponseUrls()
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Ticket #42: *Closed*"}}]

    for key in ("a1", "b2", "c3"):
        answer = reply(hooks, urls, key)(replace_original=True, text="Closed #42", blocks=blocks)
        assert answer.status_code == 200

    assert [path for path, _ in hooks.posts] == ["/response/a1", "/response/b2", "/response/c3"]
    assert hooks.posts[0][1] == {"replace_original": True, "text": "Closed #42", "blocks": blocks}
    assert hooks.connections == 1
    urls.close()


def test_a_refused_response_url_answers_privately_in_the_channel(hooks: Hooks) -> None:
    hooks.status = 404  # used five times, or older than 30 minutes
    client = Mock()

    reply(hooks, ResponseUrls(), "d4", client)(replace_original=True, text="Closed #42")

    client.chat_postEphemeral.assert_called_once_with(
        channel="C0123", user="U0123", text="Closed #42"
    )


def test_an_unreachable_response_url_answers_privately_in_the_channel() -> None:
    client = Mock()
    with socket.socket() as closed:  # bound but not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/response/e5"
        gone = Mock(response_url=url, proxy=None, ssl=None)

        CommandReply(gone, client, "U0123", "C0123", ResponseUrls())(text="Closed #42")

    client.chat_postEphemeral.assert_called_once_with(
        channel="C0123", user="U0123", text="Closed #42"
    )


def test_a_proxy_that_is_not_a_url_answers_privately_instead(hooks: Hooks) -> None:
    client = Mock()

    reply(hooks, ResponseUrls(proxy="http://proxy:port"), "f6", client)(text="Closed #42")

    assert hooks.posts == []
    client.chat_postEphemeral.assert_called_once_with(
        channel="C0123", user="U0123", text="Closed #42"
    )

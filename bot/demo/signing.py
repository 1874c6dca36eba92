"""Send requests to the bot's Slack endpoint, signed the way Slack signs the ones it sends."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"
# Slack: the bot answers a slash command or an interaction within 3 seconds, or Slack gives up.
# The demo waits longer, so that a slow machine shows the bot's answer rather than a timeout.
ACK_TIMEOUT = 15.0


@dataclass(frozen=True)
class Ack:
    """The bot's HTTP answer to one request: its status and the JSON it acknowledged with."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Return Slack's v0 signature: HMAC-SHA256 over `v0:<timestamp>:<body>`, in hex."""
    signed = b":".join((b"v0", timestamp.encode("ascii"), body))
    return "v0=" + hmac.new(signing_secret.encode(), signed, hashlib.sha256).hexdigest()


def form_body(fields: dict[str, str]) -> bytes:
    """Return form-encoded fields, as Slack sends slash commands."""
    return urlencode(fields).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    """Return an interaction as Slack sends it: one form field `payload` holding JSON."""
    return form_body({"payload": json.dumps(payload, ensure_ascii=False)})


class Endpoint:
    """The bot's Slack endpoint on loopback, and the secret requests to it are signed with."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self._secret = signing_secret

    def send(self, body: bytes) -> Ack:
        """POST a form-encoded body with Slack's signature headers; return the bot's ack."""
        timestamp = str(int(time.time()))
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": FORM,
                "X-Slack-Request-Timestamp": timestamp,
                "X-Slack-Signature": signature(self._secret, timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=ACK_TIMEOUT) as answer:
                return Ack(answer.status, _acked(answer.headers.get_content_type(), answer.read()))
        except urllib.error.HTTPError as error:
            return Ack(error.code)


def _acked(content_type: str, raw: bytes) -> dict[str, Any]:
    """Return what the bot acknowledged with: its JSON, or plain text as `text`."""
    text = raw.decode("utf-8", errors="replace").strip()
    if not text:
        return {}
    if content_type == "application/json":
        found = json.loads(text)
        return found if isinstance(found, dict) else {}
    return {"text": text}

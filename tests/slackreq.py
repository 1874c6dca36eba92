"""Build and send requests signed the way Slack signs the requests it sends to an app."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Slack still sends the deprecated verification token in every slash command payload.
VERIFICATION_TOKEN = "verification-token-not-used"


def sign(signing_secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Return the timestamp and signature headers Slack would send with ``body``."""
    if timestamp is None:
        timestamp = int(time.time())

    # Slack signs "v0:<timestamp>:<raw body>" with HMAC-SHA256 and sends "v0=<hex digest>".
    base = b"v0:" + str(timestamp).encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def slash_command_body(
    text: str,
    *,
    user_id: str = "U0000001",
    user_name: str = "alice",
    channel_id: str = "C0000001",
    command: str = "/ticket",
    response_url: str,
    trigger_id: str = "1337.42.abcd",
    team_id: str = "T0000001",
) -> bytes:
    """Return a form-encoded slash command payload with the fields Slack sends."""
    fields = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": "example",
        "channel_id": channel_id,
        "channel_name": "support",
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": "A0000001",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    """Return a form-encoded interaction request: one ``payload`` field holding JSON."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def post_signed(
    url: str,
    body: bytes,
    secret: str,
    content_type: str = "application/x-www-form-urlencoded",
    timestamp: int | None = None,
    timeout: float = 5.0,
) -> requests.Response:
    """POST ``body`` to a loopback ``url`` with Slack's signature headers."""
    if urlsplit(url).hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"signed test requests go to loopback only, not {url}")

    headers = {**sign(secret, body, timestamp), "Content-Type": content_type}
    return requests.post(url, data=body, headers=headers, timeout=timeout)

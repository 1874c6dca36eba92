"""Read one HTTP answer from WHMCS's API into a JSON object, or raise the matching error."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

from bot.whmcs.errors import (
    WhmcsAccessError,
    WhmcsApiError,
    WhmcsUnknownOutcome,
    is_access_message,
)

# NOTE: with display_errors on, PHP prints notices, warnings and deprecations into the answer,
# in front of (or after) the JSON that WHMCS then prints as usual. Such an answer is still
# WHMCS's complete verdict, so the JSON object is kept when everything around it is nothing but
# PHP diagnostics of those levels. Anything else around the JSON (a proxy page, a fatal error,
# a stack trace) leaves the outcome unknown.
_PHP_DIAGNOSTIC = re.compile(
    r"^(?:PHP )?(?:User )?(?:Notice|Warning|Deprecated|Strict Standards)\s*:\s+.* on line \d+$"
)
_TAG = re.compile(r"<[^>]*>")
_SALVAGE_ATTEMPTS = 20
_DECODER = json.JSONDecoder()


def read_answer(
    action: str, status: int, body: bytes, secrets: Sequence[str] = ()
) -> tuple[dict[str, Any], bool]:
    """Return (answer, salvaged) for one HTTP answer, or raise the error it stands for.

    `salvaged` is true when PHP diagnostics had to be cut away around the JSON.
    """
    if status == 403:
        # Access errors come as HTTP 403 with the usual JSON error shape. A 403 page that is not
        # that JSON came from something in front of WHMCS (a WAF, the web server).
        answer = _json_object(body)
        if answer is None or _result(answer) != "error":
            raise WhmcsUnknownOutcome("HTTP 403 page that is not a WHMCS answer", status, action)
        raise WhmcsAccessError(_redact(_message(answer, "message"), secrets), action)

    if 300 <= status < 400:
        # Redirects are not followed: requests would turn the POST into a GET and drop the form.
        reason = f"HTTP {status} redirect; set the WHMCS URL to the final address"
        raise WhmcsUnknownOutcome(reason, status, action)
    if not 200 <= status < 300:
        raise WhmcsUnknownOutcome(f"HTTP {status}", status, action)

    if not body.strip():
        raise WhmcsUnknownOutcome("answer was empty", status, action)
    answer, salvaged = _json_object(body), False
    if answer is None:
        answer, salvaged = _salvage(_text(body)), True
    if answer is None:
        raise WhmcsUnknownOutcome("answer was not JSON", status, action)

    _raise_refusal(action, status, answer, secrets)
    return answer, salvaged


def _raise_refusal(
    action: str, status: int, answer: dict[str, Any], secrets: Sequence[str]
) -> None:
    """Raise when a 2xx answer says WHMCS refused the action."""
    result = _result(answer)
    if result == "error":
        message = _redact(_message(answer, "message"), secrets)
        # NOTE: the access texts are documented as HTTP 403, but some installs send them with
        # HTTP 200; they are still access errors, and retrying them risks an IP ban.
        if is_access_message(message):
            raise WhmcsAccessError(message, action)
        raise WhmcsApiError(message, action)
    if result == "success":
        return
    if result:
        raise WhmcsUnknownOutcome(f"answer had result {result!r}", status, action)

    # Not every answer carries `result` (GetAdminUsers does not); some failures carry a
    # `warning`, or `status: "error"`, instead.
    if "warning" in answer:
        raise WhmcsApiError(_redact(_message(answer, "warning"), secrets), action, routine=False)
    if str(answer.get("status", "")).strip().lower() == "error":
        message = _redact(_message(answer, "message", "error"), secrets)
        raise WhmcsApiError(message, action, routine=False)


def _result(answer: dict[str, Any]) -> str:
    """Return the answer's `result`, lower-cased, or an empty string."""
    value = answer.get("result")
    return value.strip().lower() if isinstance(value, str) else ""


def _message(answer: dict[str, Any], *keys: str) -> str:
    """Return WHMCS's text from the first present key, or a stand-in when it gave none."""
    for key in keys:
        value = answer.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return "WHMCS refused the request without giving a reason"


def _redact(message: str, secrets: Sequence[str]) -> str:
    """Replace any credential that WHMCS echoed back."""
    for secret in secrets:
        if len(secret) >= 4:
            message = message.replace(secret, "[redacted]")
    return message


def _text(body: bytes) -> str:
    """Decode an answer body; PHP's json_encode output is ASCII or UTF-8."""
    return body.decode("utf-8-sig", errors="replace")


def _json_object(body: bytes) -> dict[str, Any] | None:
    """Return the body as a JSON object, or None when it is not exactly one."""
    try:
        answer = json.loads(_text(body))
    except ValueError:
        return None
    return answer if isinstance(answer, dict) else None


def _salvage(text: str) -> dict[str, Any] | None:
    """Return the JSON object found between PHP diagnostics, or None."""
    start = text.find("{")
    for _ in range(_SALVAGE_ATTEMPTS):
        if start < 0:
            return None
        if _only_php_diagnostics(text[:start]):
            try:
                answer, end = _DECODER.raw_decode(text, start)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                return answer if _only_php_diagnostics(text[end:]) else None
        start = text.find("{", start + 1)
    return None


def _only_php_diagnostics(text: str) -> bool:
    """Tell whether text holds nothing but PHP notices, warnings and deprecations."""
    plain = html.unescape(_TAG.sub("", text))
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    return all(_PHP_DIAGNOSTIC.match(line) for line in lines)

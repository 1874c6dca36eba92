"""The `/includes/api.php` endpoint: faults, access checks, the action, the answer's format."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from bot.sandbox.actions import ACTIONS, LIST_ACTIONS, ActionError, Answer, ApiCall
from bot.sandbox.faults import Fault
from bot.sandbox.install import Install
from bot.sandbox.render import (
    HTML_TYPE,
    JSON_TYPE,
    PHP_NOTICE,
    STATUS_ERROR_ANSWER,
    TEXT_TYPE,
    WARNING_ANSWER,
    XML_TYPE,
    Reply,
    error_page,
    json_body,
    login_page,
    text_body,
    xml_body,
)
from bot.sandbox.store import local_now

log = logging.getLogger(__name__)


def answer_api(
    install: Install, ip: str, params: Mapping[str, str], wait: Callable[[float], Any]
) -> Reply:
    """Answer one API request; `wait(seconds)` sleeps and wakes early when the server stops."""
    received = time.time()
    action = params.get("action", "").lower()
    fault = install.faults.take(action)
    if fault is not None and fault.latency:
        wait(fault.latency)
    reply = _answer(install, ip, params, action, fault)
    install.calls.record(action, params, reply.status, received)
    log.info("api action=%s ip=%s status=%s", action, ip, reply.status)
    return reply


def _answer(
    install: Install, ip: str, params: Mapping[str, str], action: str, fault: Fault | None
) -> Reply:
    mode = fault.mode if fault is not None else None
    if mode == "close":
        return Reply(None)
    if mode in ("html_500", "html_503"):
        return error_page(int(mode[-3:]))
    if mode == "html_200":
        return login_page()
    if mode == "warning":
        return Reply(200, json_body(WARNING_ANSWER))
    if mode == "status_error":
        return Reply(200, json_body(STATUS_ERROR_ANSWER))

    as_json = params.get("responsetype", "").lower() == "json"
    denied = install.gate.check(ip, params, action)
    if denied is not None:
        log.info("api access denied ip=%s action=%s: %s", ip, action, denied)
        answer: Answer = {"result": "error", "message": denied}
        reply = Reply(403, json_body(answer) if as_json else text_body(answer), _type(as_json))
    else:
        keep = fault is None or fault.keeps_writes
        answer = _run(install, params, action, keep)
        if mode == "missing_keys" and answer.get("result") != "error":
            # Only `result` survives (GetAdminUsers, which has none, comes back as {}).
            answer = {key: value for key, value in answer.items() if key == "result"}
        reply = _render(action, answer, as_json)

    if mode == "php_notice":
        reply.body = PHP_NOTICE + reply.body
        reply.content_type = HTML_TYPE
    if mode == "timeout_after_write" and fault is not None:
        reply.hang = fault.hang
    return reply


def _run(install: Install, params: Mapping[str, str], action: str, keep: bool) -> Answer:
    """Run an action in one transaction; an action error still keeps what was written before it."""
    with install.store.transaction(keep=keep) as db:
        call = ApiCall(params=params, db=db, now=local_now(db), admin_id=install.admin_id)
        try:
            return ACTIONS[action](call)
        except ActionError as exc:
            # WHMCS writes some fields before it rejects others: the partial write is kept.
            return {"result": "error", "message": exc.message}


def _type(as_json: bool) -> str:
    return JSON_TYPE if as_json else TEXT_TYPE


def _render(action: str, answer: Answer, as_json: bool) -> Reply:
    if as_json:
        return Reply(200, json_body(answer), JSON_TYPE)
    if action in LIST_ACTIONS:
        return Reply(200, xml_body(action, answer), XML_TYPE)
    return Reply(200, text_body(answer), TEXT_TYPE)

"""The demo's Slack modals: opened with a trigger_id, stacked, updated, closed.

Slack's rules kept here: a trigger_id opens one view, views.update with a hash that is not the
view's latest fails, at most 3 views are stacked, a view holds at most 100 blocks.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.demo.slack_limits import VIEW_BLOCK_LIMIT, SlackRefusal, checked_blocks
from bot.demo.team import APP_ID, BOT_ID, TEAM_ID

# The keys of a view an app sets; Slack adds the rest (id, hash, state, ...).
APP_VIEW_KEYS = (
    "type",
    "title",
    "blocks",
    "close",
    "submit",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
)
STACK_LIMIT = 3


@dataclass
class View:
    """One modal as the person who opened it sees it."""

    id: str
    user: str
    spec: dict[str, Any]
    hash: str
    changed: int
    root: str
    previous: str | None = None
    open: bool = True

    def as_slack(self, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the view as Slack reports it, with `values` as its inputs' state."""
        shown = {key: copy.deepcopy(self.spec[key]) for key in APP_VIEW_KEYS if key in self.spec}
        shown.setdefault("private_metadata", "")
        shown.setdefault("callback_id", "")
        shown.setdefault("external_id", "")
        shown.update(
            id=self.id,
            team_id=TEAM_ID,
            app_id=APP_ID,
            bot_id=BOT_ID,
            app_installed_team_id=TEAM_ID,
            hash=self.hash,
            root_view_id=self.root,
            previous_view_id=self.previous,
            state={"values": copy.deepcopy(values or {})},
        )
        return shown


@dataclass
class _Trigger:
    user: str
    used: bool = False


class Modals:
    """Hold every person's open modals and the trigger_ids that may open them.

    Args:
        lock: the workspace's lock, held for every change.
        touch: numbers a change and returns its number.
    """

    def __init__(self, lock: threading.RLock, touch: Callable[[], int]) -> None:
        self._lock = lock
        self._touch = touch
        self._second = int(time.time())
        self._sequence = itertools.count(1)
        self._views: dict[str, View] = {}
        self._stacks: dict[str, list[str]] = {}
        self._triggers: dict[str, _Trigger] = {}

    def new_trigger(self, user: str) -> str:
        """Issue a trigger_id for one interaction of `user`."""
        trigger = f"{next(self._sequence)}.{self._second}.{secrets.token_hex(8)}"
        with self._lock:
            self._triggers[trigger] = _Trigger(user)
        return trigger

    def _take_trigger(self, trigger_id: str) -> str:
        found = self._triggers.get(trigger_id)
        if found is None:
            raise SlackRefusal("invalid_trigger_id")
        if found.used:
            raise SlackRefusal("exchanged_trigger_id")
        found.used = True
        return found.user

    def _new_view(self, user: str, spec: dict[str, Any], previous: str | None) -> View:
        view_id = f"VDEMO{next(self._sequence):04d}"
        root = self._stacks[user][0] if previous and self._stacks.get(user) else view_id
        view = View(view_id, user, checked_view(spec), _hash(), self._touch(), root, previous)
        self._views[view_id] = view
        self._stacks.setdefault(user, []).append(view_id)
        return view

    def open(self, trigger_id: str, spec: dict[str, Any]) -> View:
        """Open a modal for the person the trigger belongs to, closing any open before."""
        with self._lock:
            user = self._take_trigger(trigger_id)
            self.close(user, every=True)
            return copy.deepcopy(self._new_view(user, spec, None))

    def push(self, trigger_id: str, spec: dict[str, Any]) -> View:
        """Push a modal over the person's open one (at most 3 in a stack)."""
        with self._lock:
            user = self._take_trigger(trigger_id)
            return self.push_for(user, spec)

    def push_for(self, user: str, spec: dict[str, Any]) -> View:
        """Push a modal over the one `user` has open (a submission answered with push)."""
        with self._lock:
            stack = self._stacks.get(user, [])
            if not stack:
                raise SlackRefusal("not_found")
            if len(stack) >= STACK_LIMIT:
                raise SlackRefusal("push_limit_reached")
            return copy.deepcopy(self._new_view(user, spec, stack[-1]))

    def update(
        self, view_id: str | None, external_id: str | None, view_hash: str | None, spec: dict
    ) -> View:
        """Replace an open view's content; a hash that is not the view's latest fails."""
        with self._lock:
            view = self._views.get(view_id or "")
            if view is None and external_id:
                view = next(
                    (v for v in self._views.values() if v.spec.get("external_id") == external_id),
                    None,
                )
            if view is None or not view.open:
                raise SlackRefusal("not_found")
            if view_hash and view_hash != view.hash:
                raise SlackRefusal("hash_conflict")
            view.spec, view.hash, view.changed = checked_view(spec), _hash(), self._touch()
            return copy.deepcopy(view)

    def top(self, user: str) -> View | None:
        """Return the modal on top of the person's stack, if any is open."""
        with self._lock:
            stack = self._stacks.get(user) or []
            return copy.deepcopy(self._views[stack[-1]]) if stack else None

    def close(self, user: str, every: bool = False) -> list[View]:
        """Close the person's top modal, or every modal of theirs; return those closed."""
        with self._lock:
            stack = self._stacks.get(user) or []
            closing = list(stack) if every else stack[-1:]
            closed = []
            for view_id in reversed(closing):
                stack.remove(view_id)
                view = self._views[view_id]
                view.open, view.changed = False, self._touch()
                closed.append(copy.deepcopy(view))
            return closed

    def changed_since(self, since: int) -> list[View]:
        """Return the views changed after change number `since` (not copies)."""
        return [v for v in self._views.values() if v.changed > since]


def _hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


def checked_view(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict) or spec.get("type") != "modal":
        raise SlackRefusal("invalid_arguments")
    checked = {key: copy.deepcopy(spec[key]) for key in APP_VIEW_KEYS if key in spec}
    checked["blocks"] = checked_blocks(spec.get("blocks"), VIEW_BLOCK_LIMIT)
    return checked

"""A form's metadata comes back exactly as sealed, and any change to it is refused."""

from __future__ import annotations

import json

from bot.slack.form_opened import Opened
from bot.slack.form_seal import FormMeta, seal, unseal
from bot.slack.form_views import METADATA_LIMIT
from tests.slack.test_form_views import hostile_ticket, make_ticket

SECRET = "signing-secret"


def test_metadata_round_trips_and_fits_slacks_limit() -> None:
    for ticket in (make_ticket(), hostile_ticket('"\\' * 2000), hostile_ticket("日本" * 2000)):
        meta = FormMeta(
            "U0000001", "C0000001", "#ABC-123456", ticket.id, Opened.from_ticket(ticket), 3
        )
        sealed = seal(meta, SECRET)
        assert len(sealed) <= METADATA_LIMIT
        assert unseal(sealed, SECRET) == meta


def test_changed_metadata_or_another_secret_is_refused() -> None:
    meta = FormMeta("U0000001", None, "42", 42, Opened.from_ticket(make_ticket()))
    sealed = seal(meta, SECRET)
    signature, payload = sealed.split(".", 1)
    changed = json.loads(payload)
    changed["u"] = "U0000002"

    assert unseal(signature + "." + json.dumps(changed, separators=(",", ":")), SECRET) is None
    assert unseal(sealed, "another-secret") is None
    assert unseal(sealed[:-1], SECRET) is None
    assert unseal("", SECRET) is None
    assert unseal(None, SECRET) is None


def test_signed_but_malformed_metadata_is_refused() -> None:
    sealed = seal(FormMeta("not-a-user", None, "42"), SECRET)
    assert unseal(sealed, SECRET) is None

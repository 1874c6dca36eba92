"""GetClientsDetails: one client by id or by email address."""

from __future__ import annotations

import sqlite3

from bot.sandbox.actions.call import ActionError, Answer, ApiCall
from bot.sandbox.php import intval

CLIENT_NOT_FOUND = "Client Not Found"


def get_clients_details(call: ApiCall) -> Answer:
    """Answer GetClientsDetails for `clientid` (or else `email`), or fail with `Client Not Found`."""
    row = _find(call)
    if row is None:
        raise ActionError(CLIENT_NOT_FOUND)

    # Text is answered as stored: entity-encoded, like every string WHMCS keeps.
    first, _, last = row["name"].partition(" ")
    client = {
        "userid": row["id"],
        "id": row["id"],
        "client_id": row["id"],
        "firstname": first,
        "lastname": last,
        "fullname": row["name"],
        "email": row["email"],
        "status": "Active",
    }
    # WHMCS answers the client under `client` and repeats its fields at the top level.
    return {"result": "success", **client, "client": dict(client)}


def _find(call: ApiCall) -> sqlite3.Row | None:
    """Return the client row that `clientid`, or without one `email`, names."""
    client_id = intval(call.raw("clientid"))
    args: tuple[int | str, ...]
    if client_id:
        query, args = "SELECT id, name, email FROM clients WHERE id = ?", (client_id,)
    elif call.raw("email"):
        # WHMCS's MySQL collation compares email addresses without regard to case.
        query = "SELECT id, name, email FROM clients WHERE email = ? COLLATE NOCASE ORDER BY id"
        args = (call.text("email"),)
    else:
        return None
    row: sqlite3.Row | None = call.db.execute(query, args).fetchone()
    return row

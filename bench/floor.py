"""The floor: a bare Bolt app that acks `/ticket` and then answers through response_url.

It is built and served the way the bot is (process_before_response, the same waitress server
and request checks), so that what the bot costs beyond it is the bot's own work. Run it as
`python -m bench.floor --port N` with SLACK_SIGNING_SECRET,
SLACK_BOT_TOKEN and SLACK_API_URL set.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.slack.http import HttpServer

log = logging.getLogger(__name__)

# As many follow-up threads as the bot has by default (whmcs_concurrency).
FOLLOWUP_THREADS = 16


def build_floor(signing_secret: str, token: str, api_url: str, pool: ThreadPoolExecutor) -> App:
    """Return a Bolt app whose `/ticket` acks at once, then posts one reply to response_url."""
    # Bolt reads auth.test once, on the first request, from this client.
    client = WebClient(token=token, base_url=api_url, timeout=10)
    app = App(
        signing_secret=signing_secret,
        client=client,
        token_verification_enabled=False,
        process_before_response=True,
    )

    @app.command("/ticket")
    def ticket(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack(text="Working on it")
        text = command.get("text", "")
        pool.submit(respond, replace_original=True, text=f"Done: {text}")

    return app


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    """Serve the floor app on 127.0.0.1 until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    secret = os.environ["SLACK_SIGNING_SECRET"]
    with ThreadPoolExecutor(FOLLOWUP_THREADS, thread_name_prefix="followup") as pool:
        server = HttpServer(
            build_floor(secret, os.environ["SLACK_BOT_TOKEN"], os.environ["SLACK_API_URL"], pool),
            secret,
            "127.0.0.1",
            args.port,
        )
        signal.signal(signal.SIGTERM, _stop)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`ticketbot sandbox`: run the sandbox WHMCS install in the foreground."""

from __future__ import annotations

import argparse
import logging

from bot.sandbox.server import DEFAULT_IDENTIFIER, DEFAULT_SECRET, Sandbox

log = logging.getLogger(__name__)

DEFAULT_PORT = 8470


def main(argv: list[str] | None = None) -> int:
    """Run the sandbox until Ctrl-C; return the process exit code."""
    parser = argparse.ArgumentParser(
        prog="ticketbot sandbox",
        description="Serve a WHMCS-compatible API with demo tickets on this machine.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (0 picks a free one)")
    parser.add_argument("--db", metavar="PATH", help="SQLite file that keeps state across runs")
    parser.add_argument("--identifier", default=DEFAULT_IDENTIFIER, help="API identifier")
    parser.add_argument("--secret", default=DEFAULT_SECRET, help="API secret")
    args = parser.parse_args(argv)

    try:
        sandbox = Sandbox(
            host=args.host,
            port=args.port,
            db_path=args.db,
            identifier=args.identifier,
            secret=args.secret,
        )
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
        return 1

    print(f"WHMCS sandbox API: {sandbox.api_url}")
    print(f"  identifier: {args.identifier}")
    print(f"  secret:     {args.secret}")
    print(f"  state:      {args.db or 'in memory (lost on exit)'}")
    print("Press Ctrl-C to stop.", flush=True)
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        print()
    finally:
        sandbox.stop()
    return 0

"""Start the bot under test and the bare Bolt app against the sandbox and the fake Slack."""

from __future__ import annotations

from pathlib import Path

from bench.processes import HttpProcess, start_http
from bench.sandbox_process import IDENTIFIER, SECRET, SandboxProcess
from bench.slack import TimedSlack

SIGNING_SECRET = "bench-signing-secret-7a21"
BOT_TOKEN = "xoxb-bench-token"
# Slack users of the benchmark; each acts as WHMCS admin 1 (Alice, enabled, in every
# department) with the role that may change every field.
USERS = tuple(f"UBENCH{n:03d}" for n in range(1, 11))
WHMCS_ADMIN = 1


def bot_config(extra: str = "") -> str:
    """Return the bot's ticketbot.toml: the benchmark's users linked to admin 1 as leads."""
    lines = ["[users]"]
    lines += [f'{user} = {{ admin = {WHMCS_ADMIN}, role = "lead" }}' for user in USERS]
    return extra + "\n".join(lines) + "\n"


def fake_slack() -> TimedSlack:
    """Start the fake Slack, knowing the benchmark's users."""
    users = {user: {"real_name": f"Bench {user[-3:]}"} for user in USERS}
    return TimedSlack(bot_token=BOT_TOKEN, users=users).start()


def start_bot(
    workdir: Path, slack: TimedSlack, sandbox: SandboxProcess, name: str = "bot"
) -> HttpProcess:
    """Start `ticketbot run --http` on loopback, as its own process; not waited for."""
    config = workdir / "ticketbot.toml"
    if not config.exists():
        config.write_text(bot_config(), encoding="utf-8")
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "WHMCS_URL": sandbox.url,
        "WHMCS_IDENTIFIER": IDENTIFIER,
        "WHMCS_SECRET": SECRET,
        "TICKETBOT_CONFIG": str(config),
        "TICKETBOT_DB": str(workdir / "ticketbot.sqlite3"),
    }
    return start_http(name, "bot", ["run", "--http", "--host", "127.0.0.1"], env, workdir)


def start_floor(workdir: Path, slack: TimedSlack) -> HttpProcess:
    """Start the bare Bolt app (bench.floor) on loopback, as its own process; not waited for."""
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
    }
    return start_http("floor", "bench.floor", [], env, workdir)

"""`ticketbot sandbox` serves until interrupted and tells how to reach it."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import requests

from bot.sandbox import Sandbox

SCRIPT = "import sys; from bot.sandbox import main; sys.exit(main(sys.argv[1:]))"


def test_cli_prints_url_and_credentials_then_serves_until_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "--port", "0", "--identifier", "cli-id", "--secret", "s3"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        url = re.search(r"http://127\.0\.0\.1:\d+/includes/api\.php", lines[0])
        assert url, lines
        assert "cli-id" in lines[1] and "s3" in lines[2]

        answer = requests.post(
            url.group(0),
            data={"action": "GetTicket", "ticketid": "42", "identifier": "cli-id",
                  "secret": "s3", "responsetype": "json"},
            timeout=5,
        ).json()  # fmt: skip
        assert answer["result"] == "success"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_cli_reports_a_port_in_use() -> None:
    with Sandbox() as running:
        port = running.url.rsplit(":", 1)[1]
        finished = subprocess.run(
            [sys.executable, "-c", SCRIPT, "--port", port],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )

    assert finished.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in finished.stdout

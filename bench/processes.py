"""Start the servers under test as processes of their own, and read their CPU time and memory.

The bot and the bare Bolt app each run in a process of their own, so that the CPU time and
resident size read from /proc are theirs alone; the sandbox WHMCS does too, so that its work
does not share the benchmark's interpreter.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import requests

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[1]
HEALTH_PATH = "/healthz"
EVENTS_PATH = "/slack/events"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Variables of the bot's own that must not leak in from the shell running the benchmark.
OWN_PREFIXES = ("SLACK_", "WHMCS_", "TICKETBOT_")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServerProcess:
    """A server started as a child process, with its stderr kept in a log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], workdir: Path) -> None:
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )

    @property
    def pid(self) -> int:
        """Return the child's process id."""
        return self.process.pid

    def cpu_seconds(self) -> float:
        """Return the CPU time (user plus system) the process has used so far."""
        return cpu_seconds(self.pid)

    def rss_bytes(self) -> int:
        """Return the process's resident set size."""
        return rss_bytes(self.pid)

    def stop(self) -> None:
        """Ask the process to stop (SIGTERM), then kill it if it does not."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop within %g s: killing it", self.name, STOP_TIMEOUT)
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def check_alive(self) -> None:
        """Raise RuntimeError, with the end of its log, if the process has exited."""
        code = self.process.poll()
        if code is not None:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} exited with code {code}:\n{tail}")


class HttpProcess(ServerProcess):
    """A child serving Slack requests on a loopback port, ready once /healthz answers 200."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], workdir: Path, port: int
    ) -> None:
        super().__init__(name, command, env, workdir)
        self.url = f"http://127.0.0.1:{port}"

    @property
    def events_url(self) -> str:
        """Return the URL Slack posts commands to."""
        return self.url + EVENTS_PATH

    def wait_ready(self, timeout: float = START_TIMEOUT) -> float:
        """Wait for the first 200 from /healthz; return the seconds since the process started."""
        deadline = time.perf_counter() + timeout
        with requests.Session() as http:
            http.trust_env = False  # loopback only: no proxy from the environment
            while time.perf_counter() < deadline:
                self.check_alive()
                try:
                    if http.get(self.url + HEALTH_PATH, timeout=1).status_code == 200:
                        return time.perf_counter() - self.started
                except requests.ConnectionError:
                    pass
                time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer {HEALTH_PATH} within {timeout:g} s")


def child_environment(extra: dict[str, str]) -> dict[str, str]:
    """Return this environment without the bot's own variables or proxies, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(OWN_PREFIXES) and not k.lower().endswith("_proxy")
    }
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_http(
    name: str, module: str, arguments: list[str], env: dict[str, str], workdir: Path
) -> HttpProcess:
    """Start `python -m <module> <arguments> --port N` on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", module, *arguments, "--port", str(port)]
    return HttpProcess(name, command, child_environment(env), workdir, port)


def cpu_seconds(pid: int) -> float:
    """Return a process's user plus system CPU time from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The command name may hold spaces: the fields that follow start after its closing ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / _CLOCK_TICKS


def rss_bytes(pid: int) -> int:
    """Return a process's resident set size from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for process {pid}")

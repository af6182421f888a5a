"""Start the real bot and the Agents Playground as processes, and find Chromium."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from settings import ROOT

PLAYGROUND = ROOT / "node_modules" / ".bin" / "agentsplayground"
PLAYGROUND_CONFIG = ROOT / ".m365agentsplayground.yml"
FTCHELP_CHANNEL = "ftchelp-channel-id"  # channels of the Playground's config
MANAGERS_CHANNEL = "team-id"  # General
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")


def missing_parts() -> list[str]:
    missing = []
    if chromium_path() is None:
        missing.append("Chromium (apt-get install chromium)")
    if not PLAYGROUND.exists():
        missing.append("the Agents Playground (npm ci)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("Playwright for Python (pip install -e '.[test]')")
    return missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Process:
    """A child process in its own group, its output kept in a log file for failures."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path,
                 url: str = "") -> None:
        self.name, self.log, self.url, self.env = name, log, url, env
        self._output = log.open("wb")
        self._process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                         stdout=self._output, stderr=subprocess.STDOUT,
                                         start_new_session=True)

    def wait_for(self, url: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{self.name} not ready at {url}: {self.log.read_text()[-2000:]}")

    def listening_port(self, seconds: float = 60) -> int:
        """The port of the first "Listening on <port>" line the process writes."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            said = re.search(rb"Listening on (\d+)", self.log.read_bytes())
            if said:
                return int(said.group(1))
            if self._process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"{self.name} never said where it listens: "
                           f"{self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL, as an out-of-memory killer or a lost machine would: no clean-up runs."""
        os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(10)
        self._output.close()

    def stop(self) -> None:
        if self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
        self._output.close()


def start_bot(workdir: Path, port: int, extra_env: dict[str, str] | None = None) -> Process:
    env = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1",
           "FTCHELP_CHANNEL_ID": FTCHELP_CHANNEL, "FTA_MANAGERS_CHANNEL_ID": MANAGERS_CHANNEL,
           "ACCOUNT_TEAM_CHANNELS": f"*={MANAGERS_CHANNEL}",
           # the worker's own loop stays out of the way; submissions route at once
           "WORKER_INTERVAL_SECONDS": "3600",
           "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'e2e.db'}", **(extra_env or {})}
    for name in ("MicrosoftAppId", "MicrosoftAppPassword"):
        env.pop(name, None)  # the Playground talks to the bot in anonymous mode
    subprocess.run([sys.executable, "app.py", "roster", "import",
                    str(ROOT / "storage" / "sample_roster.yaml")], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=60)
    for attempt in range(3):
        env["PORT"] = str(port)
        bot = Process("bot", [sys.executable, "app.py", "serve"], env, workdir / "bot.log",
                      url=f"http://127.0.0.1:{port}")
        try:
            bot.wait_for(f"http://127.0.0.1:{port}/healthz")
            return bot
        except RuntimeError as exited:  # another process took the port after it was probed
            if "address already in use" not in str(exited) or attempt == 2:
                raise
            port = free_port()
    raise AssertionError("unreachable")


def start_playground(workdir: Path, bot_port: int, port: int) -> tuple[Process, int]:
    """The Playground, asked to listen on ``port``, and the port it listens on: when another
    process took that port meanwhile (two test workers pick ports at once), it takes another
    and says which."""
    command = [str(PLAYGROUND), "-e", f"http://127.0.0.1:{bot_port}/api/messages",
               "-c", "msteams", "--dt", "-p", str(port)]
    env = {**os.environ, "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(PLAYGROUND_CONFIG),
           "M365_AGENTS_PLAYGROUND_LOGFILE": str(workdir / "playground-devtools.log")}
    playground = Process("playground", command, env, workdir / "playground.log")
    port = playground.listening_port()
    playground.wait_for(f"http://127.0.0.1:{port}/")
    return playground, port


@contextmanager
def bot_and_playground(workdir: Path, extra_env: dict[str, str] | None = None,
                       sample_data: bool = False) -> Iterator[tuple[str, str]]:
    """The bot (SQLite, anonymous; the demo's sample requests too if asked) and the Playground
    pointed at it, both stopped on the way out: yields the bot's and the UI's URLs."""
    bot = start_bot(workdir, free_port(), extra_env)
    bot_port, ui_port = int(bot.env["PORT"]), free_port()
    try:
        if sample_data:
            subprocess.run([sys.executable, "app.py", "sample-data"], cwd=ROOT,
                           env={**os.environ, "DATABASE_URL": bot.env["DATABASE_URL"]},
                           check=True, capture_output=True, timeout=60)
        ui, ui_port = start_playground(workdir, bot_port, ui_port)
    except Exception:
        bot.stop()
        raise
    try:
        yield f"http://127.0.0.1:{bot_port}", f"http://127.0.0.1:{ui_port}/"
    finally:
        ui.stop()
        bot.stop()

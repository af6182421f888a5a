"""Smoke-test the bot's image: run it (through `buildah run`, the engine that runs here) and
check that it answers as it will in production.

1. `serve` (anonymous) answers /healthz and one `help` turn, replying to a fake Teams connector
   on loopback with the help card.
2. `serve --production` refuses an unmigrated database with the release step's name, starts
   once `db upgrade` has run, and the image's own HEALTHCHECK command passes inside it.

    python .ci/image_smoke.py IMAGE [--storage-root DIR]

Run from the repository root (it uses tests/support) with the test environment's Python."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.harness import free_port
from tests.support.activities import message
from tests.support.connector import FakeConnector

CREDENTIALS = {"MicrosoftAppId": "00000000-0000-0000-0000-0000000000b0",
               "MicrosoftAppPassword": "smoke-test", "MicrosoftAppType": "SingleTenant",
               "MicrosoftAppTenantId": "00000000-0000-0000-0000-000000000001"}


class Container:
    """One working container of the image; each run is `buildah run` in it (chroot isolation,
    the host's network: the bot listens on loopback where this script reaches it)."""

    def __init__(self, buildah: list[str], image: str) -> None:
        self.buildah = buildah
        self.name = subprocess.run([*buildah, "from", "--pull=never", image], check=True,
                                   capture_output=True, text=True).stdout.strip()
        config = json.loads(subprocess.run([*buildah, "inspect", "--type", "image", image],
                                           check=True, capture_output=True, text=True).stdout)
        self.healthcheck: list[str] = config["Docker"]["config"]["Healthcheck"]["Test"]

    def command(self, env: dict[str, str], *argv: str) -> list[str]:
        flags = [f"--env={key}={value}" for key, value in env.items()]
        return [*self.buildah, "run", "--isolation", "chroot", *flags, self.name, "--", *argv]

    def run(self, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(env, *argv), capture_output=True, text=True,
                              timeout=120)

    def start(self, env: dict[str, str], log: Path, *argv: str) -> subprocess.Popen[bytes]:
        with log.open("wb") as output:
            return subprocess.Popen(self.command(env, *argv), stdout=output,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True)

    def remove(self) -> None:
        subprocess.run([*self.buildah, "rm", self.name], capture_output=True)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 90) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the bot exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"no answer from {url}:\n{log.read_text()[-3000:]}")


def post(url: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


async def help_turn(container: Container, work: Path) -> None:
    connector = FakeConnector()
    await connector.start()
    port = free_port()
    env = {"HOST": "127.0.0.1", "PORT": str(port), "LOG_FORMAT": "text",
           "DATABASE_URL": "sqlite+aiosqlite:////tmp/smoke.db"}
    log = work / "anonymous.log"
    bot = container.start(env, log, "python", "app.py", "serve")
    try:
        base = f"http://127.0.0.1:{port}"
        await asyncio.to_thread(wait_for, f"{base}/healthz", bot, log)
        status = await asyncio.to_thread(post, f"{base}/api/messages",
                                         message(connector.url, "help"))
        for _ in range(100):
            if connector.cards():
                break
            await asyncio.sleep(0.1)
        cards = connector.cards()
        if status not in (200, 201) or not cards:
            raise SystemExit(f"help turn: HTTP {status}, cards {cards}:\n{log.read_text()}")
        print(f"help turn: HTTP {status}; the connector received {len(cards)} card(s), "
              f"the first begins {json.dumps(cards[0].get('body', [{}])[0])[:80]}")
    finally:
        stop(bot)
        await connector.close()


def production(container: Container, work: Path, database_url: str) -> None:
    port = free_port()
    env = {**CREDENTIALS, "HOST": "127.0.0.1", "PORT": str(port), "LOG_FORMAT": "text",
           "DATABASE_URL": database_url}
    refused = container.run(env, "python", "app.py", "serve", "--production")
    said = [line for line in refused.stderr.splitlines()
            if line.startswith("Database not migrated:")]
    if refused.returncode != 3 or not said or "`python app.py db upgrade`" not in said[0]:
        raise SystemExit(f"serve --production on an empty database: {refused.returncode} "
                         f"{refused.stderr[-2000:]}")
    print(f"serve --production, database empty: exit {refused.returncode}: {said[0][:90]}...")
    upgraded = container.run(env, "python", "app.py", "db", "upgrade")
    if upgraded.returncode != 0:
        raise SystemExit(f"db upgrade failed: {upgraded.stderr[-2000:]}")
    print(f"db upgrade: {upgraded.stdout.strip()}")
    log = work / "production.log"
    bot = container.start(env, log, "python", "app.py", "serve", "--production")
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz", bot, log)
        ready = wait_for(f"{base}/readyz", bot, log)
        kind, *test = container.healthcheck
        argv = test if kind == "CMD" else ["sh", "-c", *test]
        health = container.run({"PORT": str(port)}, *argv)
        if ready != 200 or health.returncode != 0:
            raise SystemExit(f"readyz {ready}, HEALTHCHECK exit {health.returncode} "
                             f"{health.stderr}:\n{log.read_text()[-3000:]}")
        print(f"serve --production: /readyz {ready}; HEALTHCHECK ({shlex.join(argv)[:60]}...) "
              f"exit {health.returncode}")
        try:
            status = post(f"{base}/api/messages", message("https://smba.trafficmanager.net/emea/",
                                                         "help"))
        except urllib.error.HTTPError as error:
            status = error.code
        if status != 401:
            raise SystemExit(f"serve --production answered {status} to a turn without a token")
        print("serve --production: a request without a token gets 401")
    finally:
        stop(bot)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("--storage-root", default="")
    parser.add_argument("--database-url", default="sqlite+aiosqlite:////tmp/production.db")
    args = parser.parse_args()
    buildah = ["buildah", "--storage-driver", "vfs"]
    if args.storage_root:
        buildah += ["--root", f"{args.storage_root}/root", "--runroot",
                    f"{args.storage_root}/run"]
    container = Container(buildah, args.image)
    try:
        with tempfile.TemporaryDirectory() as work:
            asyncio.run(help_turn(container, Path(work)))
            production(container, Path(work), args.database_url)
    finally:
        container.remove()
    print("image smoke test: passed")


if __name__ == "__main__":
    main()

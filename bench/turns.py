"""Turn benchmark: the app's real turns against a stock botbuilder echo bot, in one run.

    python bench/turns.py [--quick] [--databases sqlite,postgresql] [--soak 100000]

Starts, as separate processes: a fake Teams connector (bench/fake_teams.py), the reference
echo bot (bench/echo_bot.py: CloudAdapter + TeamsActivityHandler, as in Microsoft's samples),
and `python app.py serve` on a SQLite file and again on PostgreSQL (BENCH_DATABASE_URL, default
database fta_bench on 127.0.0.1). Each measurement runs the load generator (bench/load.py) in
a process of its own. Printed per turn and concurrency: turns per second, p50 and p99 latency,
the app's peak memory, and the throughput as a multiple of the echo bot's at that concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
TURNS = ("help", "open", "submit", "accept")
FTAS = 100
PG_URL = os.environ.get("BENCH_DATABASE_URL",
                        "postgresql+asyncpg://postgres@127.0.0.1:5432/fta_bench")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, name: str, command: list[str], port: int, env: dict[str, str],
                 log: Path, ready_path: str = "", cwd: Path = ROOT) -> None:
        self.name, self.port, self.log = name, port, log
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log.open("wb"),
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self._wait(ready_path)

    def _wait(self, path: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                if path:
                    urllib.request.urlopen(self.url + path, timeout=2).close()
                else:
                    socket.create_connection(("127.0.0.1", self.port), timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not start")

    def memory_mb(self) -> tuple[float, float]:
        """(resident now, peak resident) of the process, in MB."""
        fields = dict(line.split(":", 1) for line in
                      Path(f"/proc/{self.process.pid}/status").read_text().splitlines()
                      if ":" in line)
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def cpu_seconds(self) -> float:
        """User and system CPU the process has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def fake_teams(folder: Path) -> Server:
    """The fake Teams connector (bench/fake_teams.py), in a process of its own."""
    port = free_port()
    return Server("fake Teams", [PYTHON, "bench/fake_teams.py", str(port)], port,
                  dict(os.environ), folder / "fake_teams.log")


def load(bot: Server, connector: Server, turn: str, concurrency: int, count: int,
         first: int) -> dict[str, Any]:
    """One measurement, by the load generator in its own process; with it the CPU the bot's
    process spent per turn (user and system, from /proc) while the turns were timed."""
    generator = subprocess.Popen([PYTHON, "bench/load.py", bot.url, connector.url, turn,
                                  str(concurrency), str(count), str(first)], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert generator.stderr is not None
    generator.stderr.readline()  # "prepared; timing": the turns to time are ready
    before, machine_before, started = bot.cpu_seconds(), machine_busy(), time.monotonic()
    out, err = generator.communicate(timeout=1800)
    spent = bot.cpu_seconds() - before
    wall = time.monotonic() - started
    machine = machine_busy()
    if generator.returncode != 0:
        raise SystemExit(f"load generator failed:\n{err[-3000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["cpu_ms"] = round(spent * 1000 / count, 2)
    result["bot_cores"] = round(spent / wall, 2)  # 1.0: the bot's one process is saturated
    share = (machine[0] - machine_before[0]) / (machine[1] - machine_before[1])
    result["machine_cores"] = round(share * (os.cpu_count() or 1), 2)
    if result["errors"]:
        raise SystemExit(f"{turn} at {concurrency}: {result['errors']} errors, first: "
                         f"{result['first_error']}")
    return result


def machine_busy() -> tuple[int, int]:
    """(busy, total) clock ticks of all the machine's cores so far, from /proc/stat."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def drain(app: Server, limit_seconds: float = 60) -> tuple[float, int]:
    """Wait, up to ``limit_seconds``, until the app has delivered the notices the turns so far
    queued (its outbox, read off /metrics): the seconds waited and the notices still waiting.
    A burst of accepts queues thousands of notices for one account-team channel, a backlog no
    real week has, which Teams' per-conversation limit lets out at 2 a second for many
    minutes; the rest (sellers', FTAs' own chats) goes within a minute, and it is that sending
    which would otherwise be timed as part of the next cell."""
    started = time.monotonic()
    while True:
        with urllib.request.urlopen(app.url + "/metrics", timeout=30) as answer:
            metrics = answer.read().decode()
        waiting = int(next(float(line.split()[1]) for line in metrics.splitlines()
                           if line.startswith("fta_outbox_waiting ")))
        waited = time.monotonic() - started
        if waiting == 0 or waited >= limit_seconds:
            return waited, waiting
        time.sleep(1)


def roster_file(folder: Path) -> Path:
    """FTAS architects for enterprise customers in North America, room for every offer."""
    lines = ["architects:"]
    for n in range(1, FTAS + 1):
        lines += [f"  - id: fta-{n}", f"    name: FTA {n}", f"    email: fta{n}@contoso.com",
                  f"    aad_id: 00000000-0000-0000-0001-{n:012d}", "    capacity: 100000",
                  "    timezone: America/New_York", "    holiday_country: US",
                  "    segments: [enterprise]", "    regions: [NA]", "    languages: [en]"]
    path = folder / "bench_roster.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def reset_postgres(url: str) -> None:
    import asyncpg  # a dependency of the app

    dsn = url.replace("postgresql+asyncpg", "postgresql")
    name = dsn.rsplit("/", 1)[1]

    async def reset() -> None:
        admin = await asyncpg.connect(dsn.rsplit("/", 1)[0] + "/postgres")
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
        await admin.close()
        bench = await asyncpg.connect(dsn)
        await bench.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        await bench.close()

    asyncio.run(reset())


def start_app(database: str, folder: Path, connector: Server, root: Path = ROOT) -> Server:
    """The app from the checkout at ``root`` on a fresh database, its FTAs in chat with it."""
    url = (f"sqlite+aiosqlite:///{folder / 'bench.db'}" if database == "sqlite" else PG_URL)
    if database == "postgresql":
        reset_postgres(url)
    import_roster(url, folder, root)
    return serve(url, database, folder, connector, root)


def app_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "HOST": "127.0.0.1",
           "WORKER_INTERVAL_SECONDS": "3600", "FTA_MANAGERS_CHANNEL_ID": "19:managers",
           "FTCHELP_CHANNEL_ID": "19:ftchelp", "ACCOUNT_TEAM_CHANNELS": "*=19:account-team"}
    for name in ("MicrosoftAppId", "MicrosoftAppPassword"):
        env.pop(name, None)
    return env


def import_roster(url: str, folder: Path, root: Path = ROOT) -> None:
    """The database at ``url`` migrated, with the bench's FTAS architects."""
    subprocess.run([PYTHON, "app.py", "roster", "import", str(roster_file(folder))], cwd=root,
                   env=app_env(url), check=True, capture_output=True, timeout=120)


def serve(url: str, name: str, folder: Path, connector: Server, root: Path = ROOT) -> Server:
    """The app serving the database at ``url``, its FTAs in chat with it."""
    port = free_port()
    app = Server(f"app ({name})", [PYTHON, "app.py", "serve"], port,
                 {**app_env(url), "PORT": str(port)}, folder / f"app-{name}.log", "/healthz",
                 root)
    # Every FTA opens a chat with the bot once, so offers can reach them.
    for n in range(1, FTAS + 1):
        body = {"type": "message", "id": f"hi-{n}", "channelId": "msteams", "text": "hi",
                "serviceUrl": connector.url, "recipient": {"id": "28:bot"},
                "from": {"id": f"29:fta-{n}",
                         "aadObjectId": f"00000000-0000-0000-0001-{n:012d}"},
                "conversation": {"id": f"a:fta-{n}", "conversationType": "personal",
                                 "tenantId": "00000000-0000-0000-0000-000000000001"}}
        request = urllib.request.Request(app.url + "/api/messages", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).close()
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer turns: a smoke run")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--soak", type=int, default=0, metavar="TURNS",
                        help="afterwards, this many turns on SQLite, memory sampled")
    args = parser.parse_args()
    counts = {1: 30, 20: 200, 100: 400} if args.quick else {1: 150, 20: 1500, 100: 3000}
    folder = Path(tempfile.mkdtemp(prefix="fta-bench-"))
    connector = fake_teams(folder)
    echo = Server("echo bot", [PYTHON, "bench/echo_bot.py", str(port := free_port())], port,
                  dict(os.environ), folder / "echo.log")
    rows: list[dict[str, Any]] = []
    try:
        reference = {c: load(echo, connector, "echo", c, n, 1) for c, n in counts.items()}
        echo_rss = echo.memory_mb()[1]
        for database in args.databases.split(","):
            app = start_app(database, folder, connector)
            first = 1_000
            try:
                for concurrency, count in counts.items():
                    for turn in TURNS:
                        waited, left = drain(app)
                        result = load(app, connector, turn, concurrency, count, first)
                        first += count
                        result.update(database=database, peak_mb=app.memory_mb()[1],
                                      ratio=result["per_second"] /
                                      reference[concurrency]["per_second"])
                        rows.append(result)
                        print(f"  {database} {turn} x{concurrency}: "
                              f"{result['per_second']}/s (before it: waited {waited:.0f} s "
                              f"for the outbox, {left} notices left)", file=sys.stderr)
                if args.soak and database == "sqlite":
                    soak(app, connector, args.soak, first)
            finally:
                app.stop()
    finally:
        echo.stop()
        connector.stop()
    report(rows, reference, echo_rss)


def soak(app: Server, connector: Server, turns: int, first: int) -> None:
    """Turns in chunks of 10,000: 300 submissions from new sellers (with their two preparing
    turns each), then help and request-card turns; resident memory after each chunk."""
    print(f"\nSoak: {turns:,} turns at 20 concurrent conversations (per 10,000: 300 "
          "submissions from new sellers with their 600 preparing turns, 4,550 help, 4,550 "
          "open); app memory after each 10,000", flush=True)
    done, samples = 0, []
    while done < turns:
        load(app, connector, "submit", 20, 300, first)
        first += 300
        for turn in ("help", "open"):
            load(app, connector, turn, 20, 4550, 500_000)
        done += 10_000
        rss, peak = app.memory_mb()
        samples.append(rss)
        print(f"  {done:>7,} turns  resident {rss:6.1f} MB  peak {peak:6.1f} MB", flush=True)
    warmed = min(2, len(samples) - 1)  # the sample after 30,000 turns: caches filled
    warm = samples[warmed]
    print(f"  after warm-up ({(warmed + 1) * 10_000:,} turns) {warm:.1f} MB, at the end "
          f"{samples[-1]:.1f} MB: {(samples[-1] - warm) / warm * 100:+.1f}%")


def report(rows: list[dict[str, Any]], reference: dict[int, dict[str, Any]],
           echo_mb: float) -> None:
    print(f"\nTurn benchmark, {date.today().isoformat()}, {platform.node()}: "
          f"{os.cpu_count()} cores, Python {platform.python_version()}")
    print("Reference: stock botbuilder echo bot (CloudAdapter + TeamsActivityHandler), "
          f"peak {echo_mb:.0f} MB")
    print(f"{'':10} {'turn':8} {'conc':>4} {'turns/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'peak MB':>8} {'x echo':>7} {'CPU':>5} {'box':>5} {'busy':>5}")
    for concurrency, result in reference.items():
        print(f"{'echo':10} {'echo':8} {concurrency:>4} {result['per_second']:>8.1f} "
              f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} {'':>8} {'1.0':>7} "
              f"{result['bot_cores']:>5.2f} {result['machine_cores']:>5.2f}")
    for row in rows:
        print(f"{row['database']:10} {row['turn']:8} {row['concurrency']:>4} "
              f"{row['per_second']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} "
              f"{row['peak_mb']:>8.0f} {row['ratio']:>6.1f}x {row['bot_cores']:>5.2f} "
              f"{row['machine_cores']:>5.2f} {row['busy'] or '':>5}")
    worst = max((r["max_ms"] for r in rows if r["concurrency"] == 100
                 and r["turn"] in ("submit", "accept")), default=0.0)
    print(f"Slowest invoke at 100 concurrent: {worst:.0f} ms (Teams allows 5,000)")
    print("turns/s counts turns done; busy: turns answered in time with \"busy, press again\" "
          "(nothing done; admission control), counted in the latencies but not in turns/s")
    print(f"CPU: cores the bot's process used while timed (1.00 is all of one); box: cores the "
          f"whole machine used, of {os.cpu_count()} (bot, load generator, fake Teams, database)")


if __name__ == "__main__":
    main()

"""Turn costs as the database fills: submission and accept on an empty database and on one
holding three years of a large organisation's history (bench/history_data.py), in turn.

    python bench/history.py [--databases sqlite,postgresql] [--runs 5] [--turns 500]
        [--requests 300000] [--audit 3000000] [--notices 1000000] [--ftas 5000] [--json]

Each database is built once per kind (empty: migrated, with the bench's 100 FTAs; full: the
same and the history), and each run serves a fresh copy of it (a file copy on SQLite,
CREATE DATABASE ... TEMPLATE on PostgreSQL), empty and full alternately so both see the
machine's drift alike. A run times ``--turns`` submissions and then as many accepts at 20
conversations, as bench/turn_cpu.py does, with the app's CPU per turn. Printed: the median over
the runs of CPU per turn and of p99, empty against full, and whether full stays within 15%
(CPU) and 25% (p99). PostgreSQL uses BENCH_DATABASE_URL (default: database fta_bench on
127.0.0.1) as the prefix of three databases (its name with _empty, _full and _run), dropped
at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.history_data import FIRST_SELLER, Sizes, load
from bench.turns import PG_URL, drain, fake_teams, import_roster, reset_postgres, serve
from bench.turns import load as timed

CONVERSATIONS, CPU_LIMIT, P99_LIMIT = 20, 0.15, 0.25
KINDS = ("empty", "full")


class Databases:
    """The two prepared databases of one engine, and fresh copies of them to serve."""

    def __init__(self, engine: str, folder: Path) -> None:
        self.engine, self.folder = engine, folder

    def url(self, name: str) -> str:
        if self.engine == "sqlite":
            return f"sqlite+aiosqlite:///{self.folder / name}.db"
        return f"{PG_URL}_{name}"

    def prepare(self, sizes: Sizes) -> dict[str, Any]:
        """Both templates; what the full one holds, and how long loading it took."""
        for kind in KINDS:
            if self.engine == "postgresql":
                _admin(f'DROP DATABASE IF EXISTS "{_name(self.url(kind))}" WITH (FORCE)')
                reset_postgres(self.url(kind))
            import_roster(self.url(kind), self.folder)
        started = time.monotonic()
        rows = load(self.url("full"), sizes)
        return {"rows": rows, "load_seconds": round(time.monotonic() - started, 1)}

    def copy(self, kind: str) -> str:
        """A fresh copy of the ``kind`` template, as the database to serve."""
        if self.engine == "sqlite":
            shutil.copyfile(self.folder / f"{kind}.db", self.folder / "run.db")
        else:
            run = _name(self.url("run"))
            _admin(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)',
                   f'CREATE DATABASE "{run}" TEMPLATE "{_name(self.url(kind))}"')
        return self.url("run")

    def drop(self) -> None:
        if self.engine == "postgresql":
            _admin(*(f'DROP DATABASE IF EXISTS "{_name(self.url(k))}" WITH (FORCE)'
                     for k in (*KINDS, "run")))


def _name(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _admin(*statements: str) -> None:
    import asyncpg

    async def run() -> None:
        dsn = PG_URL.replace("postgresql+asyncpg", "postgresql").rsplit("/", 1)[0]
        connection = await asyncpg.connect(dsn + "/postgres")
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


def run_once(databases: Databases, kind: str, turns: int) -> dict[str, dict[str, Any]]:
    """Submissions then accepts, timed, on a fresh copy of the ``kind`` database."""
    connector = fake_teams(databases.folder)
    app = serve(databases.copy(kind), f"{databases.engine}-{kind}", databases.folder, connector)
    try:
        submit = timed(app, connector, "submit", CONVERSATIONS, turns, FIRST_SELLER)
        drain(app, 30)
        accept = timed(app, connector, "accept", CONVERSATIONS, turns, FIRST_SELLER)
        return {"submit": submit, "accept": accept}
    finally:
        app.stop()
        connector.stop()


def measure(engine: str, sizes: Sizes, runs: int, turns: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="fta-history-"))
    databases = Databases(engine, folder)
    try:
        prepared = databases.prepare(sizes)
        print(f"{engine}: history loaded in {prepared['load_seconds']} s: {prepared['rows']}",
              file=sys.stderr, flush=True)
        cells: dict[str, dict[str, list[dict[str, Any]]]] = {
            turn: {kind: [] for kind in KINDS} for turn in ("submit", "accept")}
        for number in range(runs):
            for kind in KINDS if number % 2 == 0 else KINDS[::-1]:
                for turn, figures in run_once(databases, kind, turns).items():
                    cells[turn][kind].append(figures)
                    print(f"  {engine} run {number + 1} {kind:5} {turn:6} CPU "
                          f"{figures['cpu_ms']:6.2f} ms  p99 {figures['p99_ms']:7.1f} ms",
                          file=sys.stderr, flush=True)
    finally:
        databases.drop()
        shutil.rmtree(folder, ignore_errors=True)
    return {"database": engine, **prepared, "turns": {
        turn: summary(by_kind) for turn, by_kind in cells.items()}}


def summary(by_kind: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Medians over the runs, and full against empty."""
    medians = {kind: {"cpu_ms": statistics.median(f["cpu_ms"] for f in cells),
                      "p99_ms": statistics.median(f["p99_ms"] for f in cells)}
               for kind, cells in by_kind.items()}
    cpu = medians["full"]["cpu_ms"] / medians["empty"]["cpu_ms"] - 1
    p99 = medians["full"]["p99_ms"] / medians["empty"]["p99_ms"] - 1
    return {**medians, "cpu_change": round(cpu, 3), "p99_change": round(p99, 3),
            "flat": cpu <= CPU_LIMIT and p99 <= P99_LIMIT}


def table(results: list[dict[str, Any]], runs: int, turns: int) -> str:
    lines = [f"Turn costs, empty database against three years of history; median of {runs} "
             f"alternating runs, {turns} turns each, {CONVERSATIONS} conversations",
             f"{'database':10} {'turn':7} {'CPU empty':>10} {'CPU full':>9} {'change':>7} "
             f"{'p99 empty':>10} {'p99 full':>9} {'change':>7}  within 15% / 25%"]
    for result in results:
        for turn, row in result["turns"].items():
            lines.append(
                f"{result['database']:10} {turn:7} {row['empty']['cpu_ms']:8.2f}ms "
                f"{row['full']['cpu_ms']:7.2f}ms {row['cpu_change']:+7.1%} "
                f"{row['empty']['p99_ms']:8.1f}ms {row['full']['p99_ms']:7.1f}ms "
                f"{row['p99_change']:+7.1%}  {'yes' if row['flat'] else 'NO'}")
    for result in results:
        lines.append(f"{result['database']}: loaded in {result['load_seconds']} s: "
                     + ", ".join(f"{n:,} {t}" for t, n in result["rows"].items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--turns", type=int, default=500)
    for field, default in vars(Sizes()).items():
        parser.add_argument(f"--{field}", type=int, default=default)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    sizes = Sizes(**{field: getattr(args, field) for field in vars(Sizes())})
    results = [measure(engine, sizes, args.runs, args.turns)
               for engine in args.databases.split(",")]
    print(json.dumps(results, indent=2) if args.json else table(results, args.runs, args.turns))


if __name__ == "__main__":
    main()

"""One cell of the turn benchmark with the app's CPU per turn, to tell two versions apart.

    python bench/turn_cpu.py TURN [--database sqlite] [--conversations 20] [--turns 1000]
                             [--pairs 1] [--against CHECKOUT]

This machine's speed drifts by tens of percent within minutes, so a change of a few percent
hides in turns/s from separate runs. This prints what the app itself spent per turn (user and
system CPU from /proc, from the moment the load generator has prepared its turns to the
last answer), which the other processes on the machine disturb less, and with ``--against``
runs the app from another checkout (say, `git worktree add /tmp/before HEAD~1`) and this one
alternately, ``--pairs`` times each, on fresh databases, so both see the same drift.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.turns import ROOT, drain, fake_teams, load, start_app


def cell(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The turn timed on the app of the checkout at ``root``, on a fresh database."""
    folder = Path(tempfile.mkdtemp(prefix="fta-turn-cpu-"))
    connector = fake_teams(folder)
    app = start_app(args.database, folder, connector, root)
    try:
        if args.turn == "accept":  # offers to accept: a submission cell first, untimed
            load(app, connector, "submit", args.conversations, args.turns, 1_000)
            drain(app, 30)
        return load(app, connector, args.turn, args.conversations, args.turns, 10_000)
    finally:
        app.stop()
        connector.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("turn", choices=("help", "open", "submit", "accept"))
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=1)
    parser.add_argument("--against", type=Path, help="a checkout to compare this one with")
    args = parser.parse_args()
    roots = [("before", args.against.resolve()), ("this", ROOT)] if args.against else [
        ("this", ROOT)]
    print(f"{args.turn} on {args.database}, {args.conversations} conversations, "
          f"{args.turns} turns a cell")
    spent: dict[str, list[float]] = {name: [] for name, _ in roots}
    for _ in range(args.pairs):
        for name, root in roots:
            figures = cell(root, args)
            spent[name].append(figures["cpu_ms"])
            print(f"  {name:6} {figures['per_second']:7.1f} turns/s  p50 "
                  f"{figures['p50_ms']:6.1f} ms  p99 {figures['p99_ms']:6.1f} ms  app CPU "
                  f"{figures['cpu_ms']:5.2f} ms a turn ({figures['bot_cores']:.2f} cores; "
                  f"machine {figures['machine_cores']:.2f})", flush=True)
    for name, values in spent.items():
        print(f"  {name:6} median app CPU {statistics.median(values):.2f} ms a turn")
    if args.against:
        ratio = statistics.median(spent["this"]) / statistics.median(spent["before"])
        print(f"  this / before: {ratio:.2f}")


if __name__ == "__main__":
    main()

"""bench/outbox_claims.py runs and prints its figures (a small backlog: the script, not speed)."""

from __future__ import annotations

import re
import subprocess
import sys

from settings import ROOT


def test_the_outbox_benchmark_prints_a_claim_and_a_postponement() -> None:
    run = subprocess.run([sys.executable, "bench/outbox_claims.py", "--backlog", "300"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    figures = re.search(r"this\s+claim\s+([\d.]+) ms\s+postponement\s+([\d.]+) ms", run.stdout)
    assert figures is not None, run.stdout
    assert float(figures[1]) > 0 and float(figures[2]) > 0

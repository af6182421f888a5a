"""Three `serve` processes on one PostgreSQL database take 300 concurrent submissions spread
over them: every request assigned exactly once, no FTA over capacity, every notice delivered
exactly once (bench/instances.py does the run and the checks; this runs it in CI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from settings import ROOT
from tests.conftest import POSTGRES_URL


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_three_instances_assign_300_concurrent_requests_exactly_once() -> None:
    run = subprocess.run([sys.executable, "bench/instances.py", "--requests", "300",
                          "--instances", "3"], cwd=ROOT, capture_output=True, text=True,
                         timeout=600, env={**os.environ, "BENCH_DATABASE_URL": POSTGRES_URL})
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    report = json.loads(run.stdout)
    print(json.dumps(report, indent=2))
    assert report["assigned"] == 300 and report["problems"] == []
    assert report["max_points_of_an_fta"] <= report["capacity"]
    assert report["notices_delivered_more_than_once"] == 0

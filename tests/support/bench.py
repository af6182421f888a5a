"""Run a bench/ script against the test PostgreSQL database and read the report it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from settings import ROOT


def bench_report(script: str, *arguments: str, database_url: str,
                 timeout: float = 900) -> dict[str, Any]:
    run = subprocess.run([sys.executable, f"bench/{script}", *arguments], cwd=ROOT,
                         capture_output=True, text=True, timeout=timeout,
                         env={**os.environ, "BENCH_DATABASE_URL": database_url})
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    report: dict[str, Any] = json.loads(run.stdout)
    print(json.dumps(report, indent=2))
    return report

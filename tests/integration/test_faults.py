"""The fault run in CI: three `serve` processes on PostgreSQL under a load of submissions and
accepts, one instance SIGKILLed and restarted in each phase, the database connection cut for
3 seconds: no acknowledged request lost, each assigned once, every notice delivered once
(bench/faults.py does the run and the checks; this runs it)."""

from __future__ import annotations

import pytest

from tests.conftest import POSTGRES_URL
from tests.support.bench import bench_report

pytestmark = pytest.mark.alone  # several processes killed and cut: run with the machine to itself


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_a_killed_instance_and_a_cut_database_lose_and_repeat_nothing() -> None:
    report = bench_report("faults.py", "--requests", "200", "--cut-seconds", "3",
                          database_url=POSTGRES_URL)
    assert report["killed_and_restarted"] == 2 and report["database_cuts"] == 1
    assert report["submissions_acknowledged"] == report["assigned"] == 200
    assert report["notices"] >= 600 and report["notices_delivered_more_than_once"] == 0
    assert set(report["outbox"]) == {"delivered"} and report["problems"] == []
    retried = report["client_retries"]
    assert sum(retried.values()) > 0, "the faults touched no request: the run proves nothing"

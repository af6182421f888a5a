"""Three `serve` processes on one PostgreSQL database take 300 concurrent submissions spread
over them: every request assigned exactly once, no FTA over capacity, every notice delivered
exactly once (bench/instances.py does the run and the checks; this runs it in CI)."""

from __future__ import annotations

import pytest

from tests.conftest import POSTGRES_URL
from tests.support.bench import bench_report

pytestmark = pytest.mark.alone  # three instances and a load: run with the machine to itself


@pytest.mark.skipif(not POSTGRES_URL, reason="TEST_DATABASE_URL is not set")
def test_three_instances_assign_300_concurrent_requests_exactly_once() -> None:
    report = bench_report("instances.py", "--requests", "300", "--instances", "3",
                          database_url=POSTGRES_URL, timeout=600)
    assert report["assigned"] == 300 and report["problems"] == []
    assert report["max_points_of_an_fta"] <= report["capacity"]
    assert report["notices_delivered_more_than_once"] == 0

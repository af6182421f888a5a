"""bench/history.py loads its history in bulk and prints empty against full for submission
and accept on both databases (tiny sizes: the script, not the figures; the full run is by
hand, see the script's docstring)."""

from __future__ import annotations

from tests.conftest import POSTGRES_URL
from tests.support.bench import bench_report

TINY = ("--runs", "1", "--turns", "10", "--requests", "300", "--audit", "3000",
        "--notices", "1000", "--ftas", "150", "--json")


def test_the_history_benchmark_loads_the_history_and_compares_both_turns() -> None:
    databases = "sqlite,postgresql" if POSTGRES_URL else "sqlite"
    report = bench_report("history.py", "--databases", databases, *TINY,
                          database_url=POSTGRES_URL or "unused", timeout=600)

    assert [result["database"] for result in report] == databases.split(",")
    for result in report:
        assert result["rows"]["requests"] == 300 and result["rows"]["activity_log"] == 3000
        assert result["rows"]["outbox"] == 1000 and result["rows"]["architects"] == 50
        for turn in ("submit", "accept"):
            row = result["turns"][turn]
            assert row["empty"]["cpu_ms"] > 0 and row["full"]["p99_ms"] > 0
            assert isinstance(row["flat"], bool)

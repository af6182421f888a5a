"""bench/desk_queue.py at its smoke size, against the real app over HTTP on SQLite (and PostgreSQL
when configured): the script runs end to end and reports latencies and changes seen (tiny
sizes: the script, not the figures; the full run is by hand, see its docstring)."""

from __future__ import annotations

from tests.conftest import POSTGRES_URL
from tests.support.bench import bench_report


def test_the_queue_benchmark_polls_the_desk_and_sees_changes(database_url: str) -> None:
    given = ("--database-url", POSTGRES_URL) if database_url.startswith("postgresql") else ()
    report = bench_report("desk_queue.py", "--smoke", *given, database_url=POSTGRES_URL or "unused",
                          timeout=300)

    assert report["database"] == database_url.split("+")[0].split(":")[0]
    assert report["rows"]["open_requests"] == 60
    assert report["latency"]["requests"]["n"] > 5
    assert 0 < report["latency"]["all"]["p50_ms"] <= report["latency"]["all"]["p99_ms"]
    assert report["change_seen_seconds"]["n"] >= 1
    assert report["change_seen_seconds"]["max"] < 10

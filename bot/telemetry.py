"""Operability: JSON logs carrying the activity id as correlation id, and Prometheus metrics
(turn latency; outbox depth and age, offers pending and SLA breaches read at scrape time)."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from pythonjsonlogger.json import JsonFormatter

from domain.operations import Figures

correlation_id: ContextVar[str] = ContextVar("correlation_id", default="")
# How the running turn ended, for the audit log: done, refused (not this user's to do), failed.
turn_outcome: ContextVar[str] = ContextVar("turn_outcome", default="done")
TURN_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class CorrelationFilter(logging.Filter):
    """Every record gets the id of the activity (or outbox item) being handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "activity_id", None):
            record.activity_id = correlation_id.get()
        return True


def configure_logging(level: str, json_lines: bool = True) -> None:
    """JSON lines on stderr (LOG_FORMAT=text for a human at a terminal)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(CorrelationFilter())
    if json_lines:
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(activity_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(activity_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


@contextmanager
def correlated(identifier: str) -> Iterator[None]:
    token = correlation_id.set(identifier)
    try:
        yield
    finally:
        correlation_id.reset(token)


class Metrics:
    def __init__(self, figures: Callable[[], Awaitable[Figures]],
                 turns_waiting: Callable[[], int] = lambda: 0) -> None:
        self.registry = CollectorRegistry()
        self._figures = figures
        Gauge("fta_turns_waiting", "Turns of this instance waiting for a slot to run "
              "(MAX_CONCURRENT_TURNS)", registry=self.registry).set_function(turns_waiting)
        self.turns = Histogram("fta_turn_seconds", "Time to answer an activity on /api/messages",
                               ["type"], buckets=TURN_BUCKETS, registry=self.registry)
        self.failed = Counter("fta_turns_failed", "Turns that broke (the user was told "
                              "something went wrong): a defect, or the database out of reach",
                              ["type"], registry=self.registry)
        self._gauges = {
            "outbox_waiting": Gauge("fta_outbox_waiting", "Notices not yet delivered",
                                    registry=self.registry),
            "outbox_oldest_seconds": Gauge("fta_outbox_oldest_age_seconds",
                                           "Age of the oldest undelivered notice",
                                           registry=self.registry),
            "outbox_dead": Gauge("fta_outbox_dead", "Notices given up on (managers told)",
                                 registry=self.registry),
            "offers_pending": Gauge("fta_offers_pending", "Offers waiting for an FTA's answer",
                                    registry=self.registry),
            "sla_breaches": Gauge("fta_sla_breaches", "Requests waiting for an FTA past their "
                                  "2-business-day deadline", registry=self.registry),
        }

    @contextmanager
    def turn(self, activity_type: str) -> Iterator[None]:
        started = time.perf_counter()
        turn_outcome.set("done")  # not what an earlier turn on this connection left
        try:
            yield
        finally:
            kind = activity_type if activity_type in ("message", "invoke") else "other"
            self.turns.labels(kind).observe(time.perf_counter() - started)
            if turn_outcome.get() == "failed":
                self.failed.labels(kind).inc()

    async def exposition(self) -> bytes:
        figures = await self._figures()
        for name, gauge in self._gauges.items():
            gauge.set(getattr(figures, name))
        return generate_latest(self.registry)

"""What operators watch: the figures /metrics reports, as the database has them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figures:
    outbox_waiting: int  # notices not yet delivered
    outbox_oldest_seconds: float  # age of the oldest of them
    outbox_dead: int  # notices given up on (the managers were told)
    offers_pending: int  # offers waiting for an FTA's answer
    sla_breaches: int  # requests waiting for an FTA past their deadline

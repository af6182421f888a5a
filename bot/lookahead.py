"""The look-ahead in the app: every few minutes (LOOKAHEAD_MINUTES, one leased timer for all
instances) the waiting requests and the FTAs with room are matched as one assignment problem
(domain/lookahead.py), the same re-match the simulator runs.

The state is read and the matching computed outside the balancing lock (in a thread: it is
CPU work); then each match is offered in its own transaction, under the lock, only if nothing
changed meanwhile (the request still waits with no live offer, the FTA still has room): a
manager's hand assignment or re-offer is never undone."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.offers import OfferRouter, Routed
from domain.balancer import Policy
from domain.lookahead import Solver, rematch
from domain.offers import AssignmentDesk

LOOKAHEAD = "lookahead"  # the timer's kind


@dataclass
class LookAhead:
    desk: AssignmentDesk
    router: OfferRouter
    policy: Policy
    solve: Solver
    every: timedelta

    async def run(self, now: datetime) -> int:
        """Re-match the waiting queue at ``now``; how many offers it made."""
        waiting, roster, loads = await self.desk.lookahead_state(now)
        if not waiting:
            return 0
        matches = await asyncio.to_thread(rematch, waiting, roster, loads, now, self.policy,
                                          self.solve)
        offered = 0
        for match in matches:
            routed = await self.router.offer_matched(int(match.request_id), match.decision)
            offered += routed is Routed.OFFERED
        return offered

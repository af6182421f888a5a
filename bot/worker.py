"""The periodic worker: offer time-outs, SLA reminders and breaches (the FTA queue's, with the
managers' actions on them, and FTCHelp's own), task 3298's chase, the
waiting queue and the hourly retention purge. Timers are leased from the database, so several
instances can run it side by side and no timer runs twice."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.channels import Poster
from bot.digest import WEEKLY_DIGEST, WeeklyDigest
from bot.first_contact import FIRST_CONTACT_DUE, FirstContactChase
from bot.lookahead import LOOKAHEAD, LookAhead
from bot.offers import MOVED_ON, OfferRouter
from bot.status_cards import StatusCards, managers_role
from cards.offers import create_offer_answered_card
from domain.offers import ENGAGEMENT_CHECK, AssignmentDesk
from domain.operations import ActivityLog, Entry
from domain.outbox import UnitOfWork
from domain.queue import order_waiting
from domain.requests import RequestRepository, State
from domain.sla import HOLD_ENDS, SLA_BREACH, SLA_KINDS, SLA_REMINDER, TICKET_KINDS
from domain.timers import NO_REQUEST, Timer, Timers

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(hours=1)
PURGE = "retention_purge"


class AssignmentWorker:
    def __init__(self, *, router: OfferRouter, desk: AssignmentDesk, timers: Timers,
                 requests: RequestRepository, poster: Poster, clock: Callable[[], datetime],
                 managers_channel_id: str, status: StatusCards,
                 unit_of_work: UnitOfWork, audit: ActivityLog,
                 purge: Callable[[datetime], Awaitable[object]] | None = None,
                 retention: timedelta = timedelta(days=365),
                 post_waiting_tickets: Callable[[], Awaitable[None]] | None = None,
                 engagement_due: Callable[[int], Awaitable[None]] | None = None,
                 chase: FirstContactChase | None = None,
                 lookahead: LookAhead | None = None,
                 digest: WeeklyDigest | None = None,
                 ticket_due: Callable[[int, str], Awaitable[None]] | None = None) -> None:
        self._digest, self._ticket_due = digest, ticket_due
        self._engagement_due = engagement_due
        self._lookahead = lookahead
        self._chase = chase
        self._post_waiting_tickets = post_waiting_tickets
        self._unit_of_work, self._audit = unit_of_work, audit
        self._purge, self._retention = purge, retention
        self._router, self._desk, self._timers = router, desk, timers
        self._requests, self._poster, self._clock = requests, poster, clock
        self._managers = managers_channel_id
        self._status = status

    async def tick(self) -> int:
        """Run what is due now; how many timers ran."""
        now = self._clock()
        ran = 0
        for timer in await self._timers.claim_due(now):
            if timer.kind == LOOKAHEAD:
                ran += await self._look_ahead(timer, now)
                continue
            try:
                async with self._unit_of_work():  # done, with its notices, or not at all
                    await self._run(timer, now)
                    await self._timers.complete(timer.id, now)
                    await self._audit.record(Entry("worker", f"timer-{timer.id}", "worker",
                                                   timer.kind, timer.request_id), "done", now)
            except Exception:  # the lease lapses and another tick retries it
                log.exception("timer %s (%s) failed", timer.id, timer.kind)
                continue
            ran += 1
        if self._lookahead is None:  # else the look-ahead serves the queue, every few minutes
            await self.serve_queue(now)
        if self._post_waiting_tickets is not None:
            await self._post_waiting_tickets()
        return ran

    async def serve_queue(self, now: datetime) -> None:
        """Offer the waiting requests in the simulator's order (domain/queue.py): those that
        can still meet their deadline first, earliest deadline first (lighter first among
        those due the same day); then those past it by more than the hold; the held ones last
        (the balancer keeps the hold's reserve free for them: the router's policy holds the
        same late lane)."""
        policy = self._router.policy
        waiting = await self._desk.waiting_by_deadline()
        for queued, _ in order_waiting([(q.deadline, q.request_id, q) for q in waiting], now,
                                       policy.late, policy.lighter_first,
                                       lambda q: policy.size_of(q.type_key)):
            await self._router.route(queued.request_id)

    async def _look_ahead(self, timer: Timer, now: datetime) -> int:
        """The look-ahead's re-match (bot/lookahead.py), then the queue one request at a time
        for the room it left (as the simulator does: a request past its hold takes any room
        left): each offer is its own transaction, so it runs outside the timer's unit of
        work; the next one is due one interval later, whoever runs it."""
        assert self._lookahead is not None
        try:
            offered = await self._lookahead.run(now)
            await self.serve_queue(now)  # the room the matching left, one request at a time
            async with self._unit_of_work():
                await self._timers.complete(timer.id, now)
                await self._timers.schedule(LOOKAHEAD, NO_REQUEST, now + self._lookahead.every)
                await self._audit.record(Entry("worker", f"timer-{timer.id}", "worker",
                                               LOOKAHEAD, timer.request_id),
                                         f"done: {offered} offered", now)
        except Exception:  # the lease lapses and another tick retries it
            log.exception("timer %s (look-ahead) failed", timer.id)
            return 0
        return 1

    async def schedule_lookahead(self) -> None:
        """At start-up: the look-ahead's timer is pending, if the look-ahead is on."""
        if self._lookahead is not None:
            await self._timers.ensure(LOOKAHEAD, self._clock())

    async def schedule_digest(self) -> None:
        """At start-up: the weekly digest's timer is pending, due next Monday 09:00 (the
        instance that sends it schedules the next)."""
        if self._digest is not None:
            await self._timers.ensure(WEEKLY_DIGEST, self._digest.next_due(self._clock()))

    async def schedule_purge(self) -> None:
        """At start-up: the retention purge's timer is pending (the instance that runs it
        schedules the next, so one is enough for every instance)."""
        if self._purge is not None:
            await self._timers.ensure(PURGE, self._clock())

    async def schedule_hold_ends(self) -> None:
        """At start-up: requests whose deadline passed before the breach set the late lane's
        hold end get it now, so that their seller's card is redrawn when the hold ends rather
        than saying "held until" for ever."""
        hold = self._router.policy.late.hold
        if hold and (added := await self._timers.schedule_missing_hold_ends(hold)):
            log.info("late lane: the hold's end scheduled for %d requests past their deadline",
                     added)

    async def run_forever(self, interval_seconds: float) -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                await self.tick()
            except Exception:
                log.exception("worker tick failed")

    async def _run(self, timer: Timer, now: datetime) -> None:
        if timer.kind == PURGE:  # the next one is due in an hour, whoever runs it
            if self._purge is not None:
                log.info("retention purge: %s", await self._purge(now - self._retention))
            await self._timers.schedule(PURGE, NO_REQUEST, now + PURGE_EVERY)
        elif timer.kind == "offer_timeout" and timer.offer_id is not None:
            if await self._desk.expire(timer.offer_id, now) is not None:
                routed = await self._router.route(timer.request_id)
                request = await self._requests.get(timer.request_id)
                if request is not None:
                    await self._status.replace_offers(request.id, create_offer_answered_card(
                        request, f"Your offer for {request.number} timed out",
                        MOVED_ON[routed]), timer.offer_id)
        elif timer.kind == WEEKLY_DIGEST and self._digest is not None:
            await self._digest.send(now)
            await self._timers.schedule(WEEKLY_DIGEST, NO_REQUEST, self._digest.next_due(now))
        elif timer.kind == ENGAGEMENT_CHECK and self._engagement_due is not None:
            await self._engagement_due(timer.request_id)
        elif timer.kind == FIRST_CONTACT_DUE and self._chase is not None:
            await self._chase.due(timer.request_id, now)
        elif timer.kind in TICKET_KINDS and self._ticket_due is not None:
            await self._ticket_due(timer.request_id, timer.kind)
        elif timer.kind in SLA_KINDS:
            request = await self._requests.get(timer.request_id)
            if request is None or request.state is not State.AWAITING_FTA:
                return
            if timer.kind != HOLD_ENDS:
                card = await self._router.escalations.sla_card(
                    request, breached=timer.kind == SLA_BREACH)
                await self._poster.to_channel(self._managers, card,
                                              remember=(request.id,
                                                        managers_role(f"sla-{timer.id}")),
                                              audience="the FTA managers' channel")
            hold = self._router.policy.late.hold
            if timer.kind == SLA_BREACH and hold and request.deadline is not None:
                # set here, not at submission: requests filed before it existed get it too,
                # and it follows the hold as it is now, which the seller's card shows
                await self._timers.schedule(HOLD_ENDS, request.id, request.deadline + hold)
            if timer.kind != SLA_REMINDER:  # missed, or held no longer: the seller's card says
                await self._status.show(request)
